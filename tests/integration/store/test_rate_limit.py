"""A per-client submission limit kept in DynamoDB: N submissions per client address
per minute, the N+1st answered 429 with Retry-After; other addresses and the next
minute unaffected."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from chalice.local import LambdaEventConverter

from chalicelib.filing import submission
from chalicelib.settings import get_settings
from chalicelib.store import ratelimit
from chalicelib.store.models import RateWindow
from tests.support.phones import with_page_proof
from tests.support.stack import Stack, enterprise

LIMIT = 3
CLIENT = "203.0.113.7"
# 20 s into a minute: the window's end is 40 s away
NOW = datetime(2020, 2, 10, 1, 2, 20, tzinfo=UTC)


@pytest.fixture
def limited(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit set low, the clock held still, the requests from one address."""
    settings = dataclasses.replace(get_settings(), submissions_per_minute=LIMIT)
    monkeypatch.setattr(ratelimit, "get_settings", lambda: settings)
    monkeypatch.setattr(submission, "utcnow", lambda: NOW)  # the submission's clock
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", CLIENT)
    return None


def test_a_client_over_the_limit_is_answered_429_with_retry_after(
    stack: Stack, limited: None
) -> None:
    # GIVEN a client that has submitted LIMIT filings this minute
    for serial in range(1, LIMIT + 1):
        assert stack.submit(enterprise(serial=serial)).status_code == 201
    stored = stack.item_count()
    # WHEN it submits once more
    answer = stack.submit(enterprise(serial=99))
    # THEN 429, told in Chinese when to come back, and nothing stored
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "40"
    body = json.loads(answer.body)
    assert body["error"] == "rate_limited" and body["retry_after"] == 40
    assert "秒后再试" in body["message"]
    assert stack.item_count() == stored
    # AND the count is kept in DynamoDB, not in this process, and expires through TTL
    window = RateWindow.get(ratelimit.window_key(CLIENT, NOW), consistent_read=True)
    assert window.hits == LIMIT
    assert window.expires_at == datetime.fromtimestamp(
        ratelimit.window_of(NOW) + ratelimit.KEEP_SECONDS, tz=UTC
    )


def test_a_refused_body_is_not_counted(stack: Stack, limited: None) -> None:
    # GIVEN a client that sends more invalid bodies than the limit
    for _ in range(LIMIT + 2):
        assert stack.submit(enterprise(uscc="bad")).status_code == 400
    # THEN its valid filings are still accepted: only what would be stored counts
    assert stack.submit(enterprise(serial=30)).status_code == 201


def test_other_clients_and_the_next_minute_are_not_held_back(
    stack: Stack, limited: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a client that used up its minute
    for serial in range(1, LIMIT + 1):
        assert stack.submit(enterprise(serial=serial)).status_code == 201
    assert stack.submit(enterprise(serial=10)).status_code == 429
    # WHEN another address submits THEN it is accepted
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", "198.51.100.9")
    assert stack.submit(enterprise(serial=11)).status_code == 201
    # WHEN the first client comes back in the next minute THEN it is accepted
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", CLIENT)
    monkeypatch.setattr(submission, "utcnow", lambda: NOW + timedelta(seconds=40))
    assert stack.submit(enterprise(serial=12)).status_code == 201


def test_the_form_page_counts_too_and_says_so_in_chinese(stack: Stack, limited: None) -> None:
    # GIVEN a client that used up its minute through the API
    for serial in range(1, LIMIT + 1):
        assert stack.submit(enterprise(serial=serial)).status_code == 201
    # WHEN it posts a valid filing through the form page
    posted = {k: ("on" if v is True else v) for k, v in enterprise(serial=20).items() if v}
    posted = with_page_proof(stack, "/forms/enterprise-resumption", posted)  # its phone proven
    answer = stack.client.http.post(
        "/forms/enterprise-resumption",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode(posted).encode(),
    )
    # THEN a page says to wait, with Retry-After
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "40"
    assert "提交过于频繁" in answer.body.decode()


def test_the_limit_allows_exactly_its_count_under_concurrency(stack: Stack) -> None:
    # GIVEN a limit of LIMIT; WHEN ten submissions of one client race in one window
    from concurrent.futures import ThreadPoolExecutor

    settings = dataclasses.replace(get_settings(), submissions_per_minute=LIMIT)
    admitted: list[bool] = []

    def one(_: int) -> None:
        try:
            ratelimit.admit(CLIENT, NOW)
            admitted.append(True)
        except ratelimit.RateLimited:
            admitted.append(False)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ratelimit, "get_settings", lambda: settings)
        with ThreadPoolExecutor(max_workers=5) as pool:
            list(pool.map(one, range(10)))
    # THEN exactly LIMIT were admitted (the condition holds under concurrency)
    assert admitted.count(True) == LIMIT
    assert admitted.count(False) == 10 - LIMIT
