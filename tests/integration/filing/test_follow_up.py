"""A health follow-up in the lodging town's workbench: on the to-do list, answered on
its page in two steps: cleared (the check-in may go on, the pass comes back, verify and
the revocation list follow) or isolation until a day (the pass stays suspended)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib.filing import observation
from chalicelib.store.models import Document, Filing, Task
from tests.integration.filing.test_checkin_health import docked_worker
from tests.integration.filing.test_observation import figures, send, verify
from tests.support import workbench as wb
from tests.support.claims import decide
from tests.support.health import FEVER, WELL
from tests.support.stack import Stack
from tests.support.workers import TODAY, approved_employer, approved_worker


def answer(stack: Stack, cookie: str, filing_id: str, **form: str) -> int:
    """The follow-up's answer as its page posts it: asked, then confirmed."""
    path = f"/work/health/{filing_id}"
    asked = wb.post_form(stack, path, form, cookie)
    if asked.status_code != 200:
        return int(asked.status_code)
    assert "确认记录随访结果" in asked.body.decode()
    return int(wb.post_form(stack, path, {**form, "confirmed": "yes"}, cookie).status_code)


def test_a_check_in_follow_up_cleared_lets_the_check_in_go_on(stack: Stack) -> None:
    filing_id = docked_worker(stack, serial=51)
    decide(stack, stack.link("checkin_village", filing_id), "approve", **FEVER)
    cookie = wb.sign_in(stack, wb.town_phone("罗埠镇"))
    # THEN the follow-up is on the town's to-do list, with its own page
    listed = json.loads(wb.get(stack, "/work", cookie, Accept="application/json").body)["tasks"]
    assert any(t["filing_id"] == filing_id and t["step"] == "follow_up" for t in listed)
    page = wb.get(stack, f"/work/health/{filing_id}", cookie)
    assert page.status_code == 200 and "37.8" in page.body.decode()
    # AND another town may not answer it, nor may a bad answer be recorded
    other = wb.sign_in(stack, wb.town_phone("白龙桥镇"))
    assert answer(stack, other, filing_id, outcome="cleared") == 403
    before = stack.item_count()
    assert answer(stack, cookie, filing_id, outcome="isolation", until="2000-01-01") == 400
    assert answer(stack, cookie, filing_id, outcome="vanish") == 400
    assert stack.item_count() == before
    # WHEN the town clears it
    assert answer(stack, cookie, filing_id, outcome="cleared", note="复测正常") == 303
    # THEN the follow-up is closed, off the list, and the check-in goes on to the pass
    assert Filing.get(filing_id).health_hold is None
    assert Task.get(f"health#{filing_id}", "follow_up").status == "decided"
    assert answer(stack, cookie, filing_id, outcome="cleared") == 410  # answered once
    for step in ("checkin_village", "checkin_employer"):
        assert decide(stack, stack.link(step, filing_id), "approve", **WELL).status_code == 200
        stack.pump()
    assert "pass" in Filing.get(filing_id).document_codes()


def test_a_fever_in_observation_isolation_then_cleared(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker, code = approved_worker(stack, approved_employer(stack), serial=52)
    day = TODAY + timedelta(days=1)
    monkeypatch.setattr(observation, "china_today", lambda: day)
    assert send(stack, worker, FEVER).status_code == 201
    stack.pump()
    cookie = wb.sign_in(stack, wb.town_phone("罗埠镇"))
    # WHEN the town sends the worker to isolation until a later day
    until = (TODAY + timedelta(days=15)).isoformat()
    assert answer(stack, cookie, worker, outcome="isolation", until=until) == 303
    # THEN the pass stays suspended, the follow-up shows its end day
    assert verify(stack, code) == "suspended"
    assert Filing.get(worker).health_hold == "isolation"
    assert until in wb.get(stack, f"/work/health/{worker}", cookie).body.decode()
    assert figures(day).isolations == 1
    # WHEN it is cleared THEN the pass is valid again, online and on the offline list
    assert answer(stack, cookie, worker, outcome="cleared") == 303
    assert verify(stack, code) == "valid" and Document.get(code).suspended is False
    stack.pump()
    listed = json.loads(stack.client.http.get("/api/revocations").body)
    assert code not in listed["suspended"]
    assert (figures(day).isolations, figures(day).fevers) == (0, 1)


def test_the_village_confirms_its_workers_at_the_lodging_once_a_day(stack: Stack) -> None:
    employer = approved_employer(stack)
    worker, _ = approved_worker(stack, employer, serial=53)
    cookie = wb.sign_in(stack, wb.town_phone("罗埠镇"))
    page = wb.get(stack, "/work/lodging", cookie).body.decode()
    assert f'value="{worker}"' in page
    # WHEN the town ticks the worker (and a filing that is not a worker of theirs)
    form = {"worker": [worker, employer]}
    first = json.loads(
        wb.post_form(stack, "/work/lodging", form, cookie, Accept="application/json").body
    )
    # THEN the worker is confirmed, the other refused; again the same day: not twice
    assert first["results"] == {worker: "confirmed", employer: "refused"}
    again = json.loads(
        wb.post_form(stack, "/work/lodging", form, cookie, Accept="application/json").body
    )
    assert again["results"][worker] == "already"
    assert len(Filing.get(worker).lodging_checks) == 1
    # AND another town may not confirm this worker
    other = wb.sign_in(stack, wb.town_phone("白龙桥镇"))
    refused = wb.post_form(
        stack, "/work/lodging", {"worker": worker}, other, Accept="application/json"
    )
    assert json.loads(refused.body)["results"] == {worker: "refused"}
