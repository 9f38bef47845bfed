"""A check-in records the worker's temperature and symptoms: a well worker checks in
(the pass follows the second), a fever or a symptom does not: a health follow-up opens
on the filing, the town office is told once, and the check-in waits. Bad health input
is a 400 naming the field, with nothing stored."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib import links
from chalicelib.store.models import Filing, Task
from tests.support import workbench as wb
from tests.support.claims import decide, post_page
from tests.support.health import COUGH, FEVER, WELL
from tests.support.stack import Stack
from tests.support.workers import WORKERS, approved_employer, worker


def docked_worker(stack: Stack, serial: int = 31) -> str:
    """A worker whose docking slip is issued: both check-ins open."""
    employer = approved_employer(stack)
    filing_id = str(
        json.loads(stack.post_json(WORKERS, worker(employer, serial=serial)).body)["filing_id"]
    )
    stack.pump()
    for step in ("employer", "village"):
        assert stack.decide(stack.link(step, filing_id), "approve").status_code == 200
        stack.pump()
    return filing_id


def test_a_well_worker_checks_in_and_the_temperature_is_kept(stack: Stack) -> None:
    filing_id = docked_worker(stack)
    # WHEN the village checks the worker in at 36.5 °C, no symptoms
    answer = decide(stack, stack.link("checkin_village", filing_id), "approve", **WELL)
    # THEN the check-in is recorded with what was measured, and no follow-up opens
    assert answer.status_code == 200, answer.body
    assert json.loads(answer.body)["decision"] == "approve"
    assert Task.get(filing_id, "checkin_village").inputs == {
        "temperature": "36.5",
        "symptoms": "none",
    }
    assert Filing.get(filing_id).health_hold is None


@pytest.mark.parametrize("health", [FEVER, COUGH, {"temperature": "37.3", "symptoms": "none"}])
def test_a_fever_or_a_symptom_does_not_check_in_it_opens_a_follow_up(
    stack: Stack, health: dict[str, str]
) -> None:
    filing_id = docked_worker(stack)
    link = stack.link("checkin_village", filing_id)
    # WHEN the village records a fever (37.3 included) or a cough
    answer = decide(stack, link, "approve", **health)
    # THEN it answers that a follow-up was opened, not a check-in
    assert answer.status_code == 200, answer.body
    assert json.loads(answer.body) == {
        "filing_id": filing_id,
        "step": "checkin_village",
        "decision": "health_hold",
    }
    filing = Filing.get(filing_id)
    assert filing.health_hold == "open"
    assert filing.follow_up["temperature"] == health["temperature"]
    assert filing.follow_up["symptoms"] == health["symptoms"]
    # AND the check-in stays open, its link with it
    assert Task.get(filing_id, "checkin_village").status == "open"
    assert filing.step_status("checkin_village") == "open"
    # AND the lodging town's office and its village doctor are told, once each
    told = [m for m in stack.outbox() if "健康随访" in m["subject"]]
    assert {m["channel"] for m in told} == {"email", "sms"} and len(told) == 4
    # WHEN the same is posted again, or the employer's check-in finds a fever too
    decide(stack, link, "approve", **health)
    decide(stack, stack.link("checkin_employer", filing_id), "approve", **FEVER)
    # THEN nothing is doubled
    assert len([m for m in stack.outbox() if "健康随访" in m["subject"]]) == 4
    # AND a well reading is refused while the follow-up is open (409, nothing decided)
    refused = decide(stack, link, "approve", **WELL)
    assert refused.status_code == 409
    assert json.loads(refused.body)["error"] == "health_follow_up"
    assert Task.get(filing_id, "checkin_village").status == "open"
    # AND the page says why, in Chinese first
    page = stack.client.http.get(link)
    assert page.status_code == 200 and "健康随访中，暂不能打卡" in page.body.decode()


@pytest.mark.parametrize(
    ("health", "field"),
    [
        ({"temperature": "34.9", "symptoms": "none"}, "temperature"),
        ({"temperature": "42.1", "symptoms": "none"}, "temperature"),
        ({"temperature": "36.55", "symptoms": "none"}, "temperature"),
        ({"temperature": "36,5", "symptoms": "none"}, "temperature"),
        ({"temperature": "NaN", "symptoms": "none"}, "temperature"),
        ({"temperature": "36.5"}, "symptoms"),
        ({"temperature": "36.5", "symptoms": "plague"}, "symptoms"),
        ({"temperature": "36.5", "symptoms": "none,cough"}, "symptoms"),
        ({"symptoms": "none"}, "temperature"),
    ],
)
def test_bad_health_input_is_a_400_naming_it_with_nothing_stored(
    stack: Stack, health: dict[str, str], field: str
) -> None:
    filing_id = docked_worker(stack)
    link = stack.link("checkin_village", filing_id)
    before = stack.item_count()
    answer = decide(stack, link, "approve", **health)
    assert answer.status_code == 400, answer.body
    fields: dict[str, Any] = json.loads(answer.body)["fields"]
    assert set(fields) == {field}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in fields[field])  # Chinese first
    assert stack.item_count() == before
    assert Task.get(filing_id, "checkin_village").status == "open"


def test_the_page_offers_the_symptoms_and_takes_several(stack: Stack) -> None:
    filing_id = docked_worker(stack)
    link = stack.link("checkin_village", filing_id)
    page = stack.client.http.get(link).body.decode()
    assert 'name="temperature"' in page and 'value="cough"' in page and 'value="none"' in page
    # WHEN the page posts two symptoms ticked (no script): the confirmation repeats both
    body = "decision=approve&temperature=37.0&symptoms=cough&symptoms=fatigue"
    asked = stack.client.http.post(
        link, headers={"Content-Type": "application/x-www-form-urlencoded"}, body=body.encode()
    )
    text = asked.body.decode()
    assert asked.status_code == 200 and "咳嗽、乏力" in text and "不予打卡" in text
    assert Filing.get(filing_id).health_hold is None  # nothing recorded before confirming
    # WHEN confirmed THEN the follow-up opens
    done = post_page(
        stack,
        link,
        decision="approve",
        temperature="37.0",
        symptoms="cough,fatigue",
        confirmed="yes",
    )
    assert done.status_code == 200 and "未打卡" in done.body.decode()
    assert Filing.get(filing_id).follow_up["symptoms"] == "cough,fatigue"


def test_staff_reach_the_check_in_from_the_docking_slip_code(stack: Stack) -> None:
    filing_id = docked_worker(stack)
    code = Filing.get(filing_id).document_codes()["docking_slip"]
    cookie = wb.sign_in(stack, wb.town_phone("罗埠镇"))
    # WHEN the village's official types the code (or the scanned address) in the workbench
    for typed in (code.lower(), f"https://x.example/verify/{code}#JF1:ABC"):
        answer = wb.get(stack, f"/work/checkin?code={typed}", cookie)
        # THEN they land on that worker's village check-in page
        assert answer.status_code == 303
        token = answer.headers["Location"].rsplit("/approve/", 1)[1]
        claim = links.read_approval_token(token)
        assert (claim.filing_id, claim.step) == (filing_id, "checkin_village")
    # AND another town's official, an unknown code and a signed-out visitor are refused
    other = wb.sign_in(stack, wb.town_phone("白龙桥镇"))
    assert wb.get(stack, f"/work/checkin?code={code}", other).status_code == 403
    assert wb.get(stack, "/work/checkin?code=NOSUCHCODE", cookie).status_code == 404
    assert wb.get(stack, f"/work/checkin?code={code}").status_code == 303  # to sign-in
    # AND once checked in, the code says so
    decide(stack, stack.link("checkin_village", filing_id), "approve", **WELL)
    assert wb.get(stack, f"/work/checkin?code={code}", cookie).status_code == 410
