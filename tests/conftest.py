"""Settings for every test (tests/support/env.py): a signing key and the local stage's
names, no real AWS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.settings import get_settings
from chalicelib.store import aws, models

# The shared helpers' asserts report as the tests' own do: registered before any imports them.
pytest.register_assert_rewrite("tests.support")

from tests.support.env import TEST_ENV  # noqa: E402


@pytest.fixture(autouse=True)
def test_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("SIGNING_KEYS_PARAMETER", raising=False)
    get_settings.cache_clear()
    aws.reset_clients()
    models._bound = None
    models._connection.cache_clear()
    yield
    get_settings.cache_clear()
    aws.reset_clients()
    models._bound = None
    models._connection.cache_clear()
