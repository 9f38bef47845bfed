"""Settings for every test: a signing key and the local stage's names, no real AWS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.settings import get_settings
from chalicelib.store import aws, models

TEST_ENV = {
    "STAGE": "local",
    "TABLE_PREFIX": "jiafuwu-local-",
    "DOCUMENTS_BUCKET": "jiafuwu-local-documents",
    "SIGNING_KEYS": "test-signing-key-newest,test-signing-key-older",
    "LINK_TTL_HOURS": "72",
    "PUBLIC_BASE_URL": "http://jiafuwu.test",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


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
