"""Two limits of issue #19 that were missing or dear: the form pages' presigned upload
forms count as `POST /api/uploads` does, and an approver's decision counts inside its
own transaction (no call of its own on the hot path). A decision over the limit is a
429 with Retry-After that decides nothing; a refused POST (a used link) still counts."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from chalice.local import LambdaEventConverter

from chalicelib import links
from chalicelib.filing import approve
from chalicelib.settings import RATE_LIMITS, get_settings
from chalicelib.store import ratelimit
from chalicelib.store.models import RateWindow, Task
from chalicelib.web import admission
from tests.deploy.aws_calls import recording
from tests.support.claims import decide, post_page
from tests.support.stack import Stack, approved_enterprise, enterprise

LIMIT = 2
CLIENT = "203.0.113.19"
NOW = datetime(2020, 2, 10, 1, 2, 25, tzinfo=UTC)  # 35 s before the window ends
UPLOAD_FORM = "/forms/charter-subsidy"  # a form with an upload field: its page presigns


def _limit(monkeypatch: pytest.MonkeyPatch, limit: int) -> None:
    settings = dataclasses.replace(get_settings(), rate_limits=dict.fromkeys(RATE_LIMITS, limit))
    monkeypatch.setattr(ratelimit, "get_settings", lambda: settings)
    monkeypatch.setattr(admission, "utcnow", lambda: NOW)
    monkeypatch.setattr(approve, "utcnow", lambda: NOW)
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", CLIENT)


@pytest.fixture
def upload_form(stack: Stack) -> str:
    """The upload form's page as its enterprise opens it from its status page (opened
    bare, a claim form only says where it is filed); made before the limits apply."""
    employer = approved_enterprise(stack, serial=31)
    return f"{UPLOAD_FORM}?enterprise={employer}&token={links.status_token(employer)}"


@pytest.fixture
def limited(monkeypatch: pytest.MonkeyPatch) -> None:
    _limit(monkeypatch, LIMIT)


def _hits(kind: str) -> int:
    try:
        window = RateWindow.get(ratelimit.window_key(CLIENT, NOW, kind), consistent_read=True)
    except RateWindow.DoesNotExist:
        return 0
    return int(window.hits)


def _filing_at_town_step(stack: Stack, serial: int) -> tuple[str, str]:
    answer = stack.submit(enterprise(serial=serial))
    assert answer.status_code == 201, answer.body
    filing_id = json.loads(answer.body)["filing_id"]
    stack.pump()
    return filing_id, stack.link("town", filing_id)


# --- the upload page's presigned forms ------------------------------------------------


def test_the_upload_page_counts_its_presigned_forms_and_refuses_past_the_limit(
    stack: Stack, upload_form: str, limited: None
) -> None:
    # GIVEN a client that opened the upload form's page LIMIT times this minute
    for _ in range(LIMIT):
        page = stack.client.http.get(upload_form)
        assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.body.decode()
    assert _hits("upload") == LIMIT  # each page's presigned form counted as an upload
    # WHEN it opens it once more
    refused = stack.client.http.get(upload_form)
    # THEN 429, a page in Chinese saying when to come back, and no presigned form in it
    html = refused.body.decode()
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "35"
    assert "请求过于频繁" in html and "35秒后再试" in html
    assert "x-amz-signature" not in html.lower() and "policy" not in html
    assert _hits("upload") == LIMIT  # a refusal adds nothing


def test_the_upload_page_and_the_api_share_one_window(
    stack: Stack, upload_form: str, limited: None
) -> None:
    # GIVEN LIMIT presigned POSTs through the API
    for _ in range(LIMIT):
        answer = stack.post_json(
            "/api/uploads",
            {"form": "charter-subsidy", "field": "passenger_list", "content_type": "text/csv"},
        )
        assert answer.status_code == 201, answer.body
    # WHEN the same client asks the page for its upload form THEN it is held back too
    assert stack.client.http.get(upload_form).status_code == 429
    # AND a form page without uploads presigns nothing and is not held back
    assert stack.client.http.get("/forms/enterprise-resumption").status_code == 200


def test_a_refused_page_post_that_re_presigns_is_limited_without_a_500(
    stack: Stack, upload_form: str, limited: None
) -> None:
    # GIVEN a client whose upload window is full
    for _ in range(LIMIT):
        assert stack.client.http.get(upload_form).status_code == 200
    # WHEN it posts the upload form's page with a bad field (the page would be shown again,
    # with fresh presigned forms) THEN it is a 429 page, and nothing is stored
    stored = stack.item_count()
    employer = upload_form.split("enterprise=")[1].split("&")[0]
    token = links.status_token(employer)
    answer = post_page(
        stack, UPLOAD_FORM, enterprise_filing_id=employer, enterprise_token=token, masks="x"
    )
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "35"
    assert stack.item_count() == stored


# --- approval POSTs, counted inside the decision's transaction -------------------------


def _calls_of_a_decision(stack: Stack, serial: int) -> list[tuple[str, str, dict[str, Any]]]:
    filing_id, link = _filing_at_town_step(stack, serial)
    with recording() as recorder:
        answer = decide(stack, link, "approve")
    assert answer.status_code == 200, answer.body
    assert Task.get(filing_id, "town").decision == "approve"
    return recorder.calls


def test_a_decision_counts_inside_its_transaction_one_call_fewer(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the AWS calls of a decision while approvals are not limited
    _limit(monkeypatch, 0)
    unlimited = _calls_of_a_decision(stack, serial=61)
    # WHEN the same decision is made under a limit
    _limit(monkeypatch, LIMIT)
    limited = _calls_of_a_decision(stack, serial=62)
    # THEN it makes the same calls: the count rides in the decision's transaction (before,
    # a conditional UpdateItem of its own came first: one call more)
    assert [op for _, op, _ in limited] == [op for _, op, _ in unlimited]
    assert not any(
        op == "UpdateItem" and params["TableName"].endswith(RateWindow.Meta.table_name)
        for _, op, params in limited
    )
    (tx,) = [params for _, op, params in limited if op == "TransactWriteItems"]
    windows = [
        item["Update"]
        for item in tx["TransactItems"]
        if "Update" in item and item["Update"]["TableName"].endswith(RateWindow.Meta.table_name)
    ]
    assert len(windows) == 1 and "ConditionExpression" in windows[0]
    # AND the decision was counted
    assert _hits("approval") == 1


def test_a_decision_over_the_limit_is_a_429_and_decides_nothing(
    stack: Stack, limited: None
) -> None:
    # GIVEN a client that decided LIMIT times this minute
    for serial in range(71, 71 + LIMIT):
        _, link = _filing_at_town_step(stack, serial)
        assert decide(stack, link, "approve").status_code == 200
    filing_id, link = _filing_at_town_step(stack, 79)
    stored, queued = stack.item_count(), len(stack.receive())
    # WHEN it decides once more
    answer = decide(stack, link, "approve")
    # THEN 429 with Retry-After, and the task is still open: nothing decided, no record
    assert answer.status_code == 429, answer.body
    assert answer.headers["Retry-After"] == "35"
    body = json.loads(answer.body)
    assert body["error"] == "rate_limited" and body["message"].startswith("请求过于频繁")
    task = Task.get(filing_id, "town", consistent_read=True)
    assert task.status == "open" and task.decision is None
    assert stack.item_count() == stored and queued == 0 and stack.receive() == []
    assert _hits("approval") == LIMIT


def test_the_confirmation_page_says_it_in_chinese_and_decides_nothing(
    stack: Stack, limited: None
) -> None:
    # GIVEN a full window of approval POSTs
    for serial in range(81, 81 + LIMIT):
        _, link = _filing_at_town_step(stack, serial)
        assert decide(stack, link, "approve").status_code == 200
    filing_id, link = _filing_at_town_step(stack, 89)
    # WHEN a person confirms a decision on the page THEN a Chinese page says when to return
    answer = post_page(stack, link, decision="approve", comment="", confirmed="yes")
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "35"
    assert "请求过于频繁" in answer.body.decode()
    assert Task.get(filing_id, "town", consistent_read=True).status == "open"


def test_a_refused_decision_is_counted_on_its_own_and_then_limited(
    stack: Stack, limited: None
) -> None:
    # GIVEN a used link (its decision is counted in its transaction)
    _, link = _filing_at_town_step(stack, 91)
    assert decide(stack, link, "approve").status_code == 200
    assert _hits("approval") == 1
    # WHEN the same link is posted again THEN 410, and that refusal counts too
    assert decide(stack, link, "approve").status_code == 410
    assert _hits("approval") == 2
    # AND past the limit the refusal becomes a 429: replaying links does not go uncounted
    answer = decide(stack, link, "approve")
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "35"
    assert _hits("approval") == LIMIT


def test_the_confirmation_step_counts_with_its_own_update(stack: Stack, limited: None) -> None:
    # GIVEN a link; WHEN the person asks for the confirmation page (nothing is decided)
    filing_id, link = _filing_at_town_step(stack, 95)
    assert post_page(stack, link, decision="approve", comment="").status_code == 200
    # THEN it counts, though it reaches no transaction
    assert _hits("approval") == 1
    # AND the confirmed decision counts once more, in its transaction
    assert post_page(stack, link, decision="approve", confirmed="yes").status_code == 200
    assert _hits("approval") == 2
    assert Task.get(filing_id, "town").decision == "approve"
