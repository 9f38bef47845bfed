"""The drafts' JSON API (web/draft_api.py over filing/drafts.py): a program keeps a
form's answers as the pages do, the link sent by SMS to the phone they name, and reads
them back within 7 days; refusals store nothing; saving is rate-limited as the page's."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.core.clock import utcnow
from chalicelib.filing import drafts
from chalicelib.settings import get_settings
from chalicelib.store import ratelimit
from chalicelib.store.models import Draft
from tests.support.stack import Stack, enterprise

PHONE = "13905791234"  # enterprise()'s contact_phone


def post(stack: Stack, body: Any, raw: bytes | None = None) -> Any:
    return stack.client.http.post(
        "/api/drafts",
        headers={"Content-Type": "application/json"},
        body=raw if raw is not None else json.dumps(body, ensure_ascii=False).encode(),
    )


def test_a_draft_is_kept_sent_by_sms_and_read_back(stack: Stack) -> None:
    # GIVEN half an enterprise's answers, as JSON (numbers and a ticked box among them)
    answers = {k: v for k, v in enterprise().items() if k not in ("masks", "thermometers")}
    # WHEN a program saves them
    saved = post(stack, {"form": "enterprise-resumption", "values": answers})
    # THEN 201 with the draft's id, its page, the masked phone and its end, 7 days on
    assert saved.status_code == 201, saved.body
    body = json.loads(saved.body)
    assert body["url"].endswith(f"/forms/enterprise-resumption?draft={body['draft_id']}")
    assert body["sent_to"] != PHONE and body["sent_to"].endswith(PHONE[-4:])
    assert PHONE not in body["draft_id"] and answers["uscc"] not in body["draft_id"]
    sms = [m for m in stack.outbox() if m["to"] == "+86" + PHONE][-1]
    assert sms["links"] == [body["url"]]
    # AND it reads back as the page would post it; the page opens it too
    read = stack.client.http.get(f"/api/drafts/{body['draft_id']}")
    assert read.status_code == 200
    kept = json.loads(read.body)
    assert kept["form"] == "enterprise-resumption" and kept["expires_at"] == body["expires_at"]
    assert kept["values"]["uscc"] == answers["uscc"]
    assert kept["values"]["employees_total"] == str(answers["employees_total"])
    assert kept["values"]["commitment"] == "true" and "masks" not in kept["values"]
    page = stack.client.http.get(f"/forms/enterprise-resumption?draft={body['draft_id']}")
    assert page.status_code == 200 and answers["uscc"] in page.body.decode()


def test_a_draft_past_its_seven_days_or_unknown_is_404(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = json.loads(post(stack, {"form": "worker-return", "values": {"phone": PHONE}}).body)
    for unknown in ("nope", "A" * 22, "x" * 300, "%3Cscript%3E"):
        assert stack.client.http.get(f"/api/drafts/{unknown}").status_code == 404, unknown
    later = utcnow() + timedelta(days=7, seconds=1)
    monkeypatch.setattr(drafts, "utcnow", lambda: later)
    gone = stack.client.http.get(f"/api/drafts/{saved['draft_id']}")
    assert gone.status_code == 404 and json.loads(gone.body)["error"] == "not_found"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (
            {"form": "enterprise-resumption", "values": {"enterprise_name": "x"}},
            400,
            "contact_phone",
        ),
        (
            {"form": "enterprise-resumption", "values": {"contact_phone": "12"}},
            400,
            "contact_phone",
        ),
        ({"form": "enterprise-resumption", "values": ["a"]}, 400, "values"),
        ({"form": "enterprise-resumption", "values": {"x": {"y": 1}}}, 400, "values"),
        ({"values": {"contact_phone": PHONE}}, 400, "form"),
        ({"form": 7, "values": {}}, 400, "form"),
        ({"form": "nope", "values": {"contact_phone": PHONE}}, 404, None),
        ([1, 2], 400, "_body"),
    ],
)
def test_a_bad_draft_is_refused_naming_why_and_nothing_is_kept(
    stack: Stack, body: Any, status: int, field: str | None
) -> None:
    before = stack.item_count()
    answer = post(stack, body)
    assert answer.status_code == status, answer.body
    if field:
        assert field in json.loads(answer.body)["fields"]
    assert Draft.count() == 0 and stack.item_count() == before
    assert not [m for m in stack.outbox() if m["to"] == "+86" + PHONE]


def test_saving_drafts_is_limited_as_the_page_is(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a limit of two drafts a minute per address
    limits = {**get_settings().rate_limits, "draft": 2}
    settings = dataclasses.replace(get_settings(), rate_limits=limits)
    monkeypatch.setattr(ratelimit, "get_settings", lambda: settings)
    body = {"form": "worker-return", "values": {"phone": PHONE}}
    assert [post(stack, body).status_code for _ in range(2)] == [201, 201]
    # WHEN a third is saved THEN 429 with Retry-After, no draft kept, no SMS sent
    sent = len(stack.outbox())
    refused = post(stack, body)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert Draft.count() == 2 and len(stack.outbox()) == sent
