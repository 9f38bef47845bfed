""" "Not overnight", with a controlled clock: a late step is reminded once, escalated to
the district once at twice its due time, and a decided step never."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

from chalicelib.core.clock import utcnow
from chalicelib.filing import reminders
from chalicelib.store.models import Task
from tests.support.stack import Stack, enterprise


def late_messages(stack: Stack, word: str) -> list[dict[str, object]]:
    return [m for m in stack.outbox() if word in str(m["subject"])]


def test_a_late_step_is_reminded_once_then_escalated_once(stack: Stack) -> None:
    filing_id = json.loads(stack.submit(enterprise()).body)["filing_id"]
    stack.pump()
    opened = Task.get(filing_id, "town").opened_at
    # WHEN the sweep runs before the step's 24 hours are up THEN nobody is bothered
    assert reminders.sweep(opened + timedelta(hours=23)) == reminders.Swept(0, 0)
    # WHEN it runs after THEN the town office is reminded, by email and SMS, with its link
    assert reminders.sweep(opened + timedelta(hours=25)) == reminders.Swept(1, 0)
    reminded = late_messages(stack, "催办")
    assert {m["to"] for m in reminded} == {"town13@wucheng.example.cn", "+8613905790013"}
    assert all(m["step"] == "town" and m["links"] for m in reminded)
    # AND not again on the next sweeps
    assert reminders.sweep(opened + timedelta(hours=30)) == reminders.Swept(0, 0)
    # WHEN twice the due time has passed THEN the district office is told, once
    assert reminders.sweep(opened + timedelta(hours=49)) == reminders.Swept(0, 1)
    escalated = late_messages(stack, "督办")
    assert {m["to"] for m in escalated} == {"sanfuwu@wucheng.example.cn", "+8613905790000"}
    assert reminders.sweep(opened + timedelta(hours=200)) == reminders.Swept(0, 0)
    assert len(late_messages(stack, "催办")) == 2 and len(late_messages(stack, "督办")) == 2
    # AND the escalated link still decides the step
    assert (
        stack.decide(
            str(escalated[0]["links"][0]).removeprefix("http://jiafuwu.test"), "approve"
        ).status_code
        == 200
    )


def test_a_decided_step_is_never_reminded(stack: Stack) -> None:
    filing_id = json.loads(stack.submit(enterprise()).body)["filing_id"]
    stack.pump()
    assert stack.decide(stack.link("town"), "approve").status_code == 200
    stack.pump()
    # the district step opened now: it is due 24 hours from now, the town's is decided
    now = utcnow()
    assert reminders.sweep(now + timedelta(hours=23)) == reminders.Swept(0, 0)
    assert not late_messages(stack, "催办")
    assert Task.get(filing_id, "town").alert_at is None


def test_two_sweeps_at_once_remind_once(stack: Stack) -> None:
    json.loads(stack.submit(enterprise()).body)
    json.loads(stack.submit(enterprise(serial=2)).body)
    stack.pump()
    later = utcnow() + timedelta(hours=25)
    results: list[reminders.Swept] = []
    start = threading.Barrier(2)

    def run() -> None:
        start.wait()
        results.append(reminders.sweep(later))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.reminded for r in results) == 2  # one per filing, whichever sweep took it
    assert len(late_messages(stack, "催办")) == 2 * 2  # email + SMS each


def test_a_check_in_is_late_only_two_hours_into_the_arrival_day(stack: Stack) -> None:
    from datetime import datetime, time

    from chalicelib.core.clock import CHINA
    from tests.support.workers import TODAY, WORKERS, approved_employer, worker

    employer = approved_employer(stack)
    arrival = TODAY + timedelta(days=3)
    body = worker(employer, arrival_date=arrival.isoformat())
    filing_id = json.loads(stack.post_json(WORKERS, body).body)["filing_id"]
    stack.pump()
    for step in ("employer", "village"):
        assert stack.decide(stack.link(step, filing_id), "approve").status_code == 200
        stack.pump()
    # the check-ins opened today, but their clock starts at 08:00 on the arrival day
    morning = datetime.combine(arrival, time(8), tzinfo=CHINA)
    assert Task.get(filing_id, "checkin_village").due_at == morning + timedelta(hours=2)
    assert reminders.sweep(morning + timedelta(hours=1)).reminded == 0
    assert reminders.sweep(morning + timedelta(hours=2, minutes=1)).reminded == 2
    assert reminders.sweep(morning + timedelta(hours=4, minutes=1)).escalated == 2
