"""Per-client limits beyond submissions (issue #19): verify look-ups, presigned uploads,
approval POSTs, status reads (API and page) and roster uploads each have a window per
client address; past it 429 with Retry-After, whatever the call would have answered.
Each kind counts alone, and other addresses are not held back."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest
from chalice.local import LambdaEventConverter

from chalicelib.filing import approve
from chalicelib.settings import RATE_LIMITS, get_settings
from chalicelib.store import ratelimit
from chalicelib.web import admission
from tests.support.stack import Stack

LIMIT = 2
CLIENT = "203.0.113.9"
NOW = datetime(2020, 2, 10, 1, 2, 15, tzinfo=UTC)  # 45 s before the window ends

CALLS = {
    "verify": ("GET", "/verify/NOSUCHCODE", b""),
    "upload": ("POST", "/api/uploads", b"{}"),
    "approval": ("POST", "/approve/not-a-token", b"decision=approve"),
    "status": ("GET", "/api/filings/" + "0" * 32 + "?token=bad", b""),
    "status-page": ("GET", "/filings/" + "0" * 32 + "?token=bad", b""),
    "roster": ("POST", "/api/filings/" + "0" * 32 + "/roster?token=bad", b"a,b\n"),
}


@pytest.fixture
def limited(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = dataclasses.replace(get_settings(), rate_limits=dict.fromkeys(RATE_LIMITS, LIMIT))
    monkeypatch.setattr(ratelimit, "get_settings", lambda: settings)
    monkeypatch.setattr(admission, "utcnow", lambda: NOW)
    monkeypatch.setattr(approve, "utcnow", lambda: NOW)  # a decision counts in its own module
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", CLIENT)


def _call(stack: Stack, name: str) -> object:
    method, path, body = CALLS[name]
    kind = "application/x-www-form-urlencoded" if name == "approval" else "application/json"
    return stack.client.http.request(
        method,
        path,
        headers={"Content-Type": kind, "Accept": "application/json"},
        body=body,
    )


@pytest.mark.parametrize("name", list(CALLS))
def test_each_kind_past_its_limit_is_a_429_with_retry_after(
    stack: Stack, limited: None, name: str
) -> None:
    # GIVEN a client that made LIMIT calls of a kind this minute (each refused for itself)
    for _ in range(LIMIT):
        assert _call(stack, name).status_code not in (429, 500)
    # WHEN it calls once more THEN 429, with the seconds to the window's end
    answer = _call(stack, name)
    assert answer.status_code == 429, answer.body[:200]
    assert answer.headers["Retry-After"] == "45"
    if name != "status-page":
        said = json.loads(answer.body)
        assert said["error"] == "rate_limited"
        # AND it names what was done too often: a request, not a submission
        assert said["message"].startswith("请求过于频繁")
    else:
        assert "请求过于频繁" in answer.body.decode()


def test_kinds_count_apart_and_other_clients_are_not_held_back(
    stack: Stack, limited: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(LIMIT + 1):
        _call(stack, "verify")
    assert _call(stack, "verify").status_code == 429
    # THEN the same client's status reads are still answered
    assert _call(stack, "status").status_code != 429
    # AND another address's look-ups too
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", "198.51.100.1")
    assert _call(stack, "verify").status_code == 404


def test_the_limits_are_configured_per_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMITS", '{"verify": 7}')
    monkeypatch.setenv("SIGNING_KEYS", "k")
    get_settings.cache_clear()
    try:
        settings = get_settings()
        assert settings.rate_limits["verify"] == 7
        assert settings.rate_limits["upload"] == RATE_LIMITS["upload"]
    finally:
        get_settings.cache_clear()
