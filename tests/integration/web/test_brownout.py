"""A brown-out: AWS accepts connections and never answers. Each request gives up
within the clients' budget (chalicelib/store/aws.py), well inside the function's 30 s,
and answers 503, a clear JSON or page, not 500; nothing was accepted, and the person's
retry, once AWS answers again, is taken once."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from chalicelib import links
from chalicelib.settings import get_settings
from chalicelib.store import aws, models
from chalicelib.store.models import Filing
from tests.support.hanging import hanging_endpoint
from tests.support.phones import obtain_proof
from tests.support.stack import Stack, enterprise


@contextmanager
def aws_hanging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every client of the app pointed at an endpoint that never answers."""

    def rebind() -> None:
        get_settings.cache_clear()
        aws.reset_clients()
        models._bound = None
        models._connection.cache_clear()

    with hanging_endpoint() as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        rebind()
        try:
            yield
        finally:
            monkeypatch.delenv("AWS_ENDPOINT_URL")
            rebind()


def test_a_brown_out_answers_503_within_the_budget_and_loses_nothing(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = enterprise()
    proof = obtain_proof(stack, str(body["contact_phone"]))  # proven before the brown-out
    with aws_hanging(monkeypatch):
        # WHEN a filing is submitted while AWS hangs
        started = time.monotonic()
        get_settings()  # read here, with the keys that signed the proof (not the stage's)
        answer = stack.submit(body, **{"Idempotency-Key": "brownout-1", "Phone-Proof": proof})
        took = time.monotonic() - started
        # THEN 503 with what to do, within one call's budget, inside the function's timeout
        assert answer.status_code == 503, answer.body
        assert answer.headers["Retry-After"] == "30"
        said = json.loads(answer.body)
        assert said["error"] == "unavailable" and "重试" in said["message"]
        assert aws.READ_TIMEOUT <= took <= aws.CALL_BUDGET + 2 < aws.FUNCTION_TIMEOUT
        # AND a page answers with a page
        started = time.monotonic()
        page = stack.client.http.get(f"/filings/f-1?token={links.status_token('f-1')}")
        assert time.monotonic() - started <= aws.CALL_BUDGET + 2
        assert page.status_code == 503
        assert page.headers["Content-Type"].startswith("text/html")
        assert "服务暂时繁忙" in page.body.decode()
    # WHEN AWS answers again and the person retries with the same key
    get_settings()  # as above: the keys that signed the proof
    again = stack.submit(body, **{"Idempotency-Key": "brownout-1"})
    # THEN the filing is taken, once
    assert again.status_code == 201, again.body
    filing_id = json.loads(again.body)["filing_id"]
    assert [f.filing_id for f in Filing.scan()] == [filing_id]
    stack.pump()
    assert any(m["filing_id"] == filing_id for m in stack.outbox())  # its first step asked
