"""The fourteen days of observation with a controlled clock (the observation's China
day moved on): one report a day through the status link, the days done and left on the
page, a second report the same day answered and not recorded, and a fever that suspends
the pass at once: verify answers `suspended` online and the revocation list has it."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from chalicelib import links
from chalicelib.core.roles import TOWN_OFFICE
from chalicelib.filing import observation
from chalicelib.staff import access, supervision_figures
from chalicelib.store.models import Document, Filing
from tests.support.health import COUGH, FEVER, WELL
from tests.support.stack import Stack
from tests.support.workers import TODAY, approved_employer, approved_worker

JSON = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}


def on_day(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    monkeypatch.setattr(observation, "china_today", lambda: day)


def send(stack: Stack, filing_id: str, health: dict[str, str], **headers: str) -> Any:
    token = links.status_token(filing_id)
    return stack.client.http.post(
        f"/filings/{filing_id}/report?token={token}",
        headers=headers or JSON,
        body=urlencode(health).encode(),
    )


def status_page(stack: Stack, filing_id: str) -> str:
    token = links.status_token(filing_id)
    return str(stack.client.http.get(f"/filings/{filing_id}?token={token}").body.decode())


def verify(stack: Stack, code: str) -> str:
    answer = stack.client.http.get(f"/verify/{code}", headers={"Accept": "application/json"})
    return str(json.loads(answer.body)["status"])


def test_fourteen_days_reported_one_a_day(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    worker, code = approved_worker(stack, approved_employer(stack), serial=41)
    for n in range(14):
        on_day(monkeypatch, TODAY + timedelta(days=n))
        # WHEN the worker reports the day
        answer = send(stack, worker, WELL)
        assert answer.status_code == 201, answer.body
        assert json.loads(answer.body) == {
            "day": (TODAY + timedelta(days=n)).isoformat(),
            "recorded": True,
            "held": False,
        }
        # AND again the same day: a clear answer, nothing recorded twice
        again = send(stack, worker, WELL)
        assert again.status_code == 200 and json.loads(again.body)["recorded"] is False
        assert len(Filing.get(worker).reports) == n + 1
        if n == 4:  # THEN the status page shows the days done and left
            assert "已报告 5 天，还剩 9 天" in status_page(stack, worker)
    assert "已报告 14 天，还剩 0 天" in status_page(stack, worker)
    # AND after the fourteenth day there is nothing more to report
    on_day(monkeypatch, TODAY + timedelta(days=14))
    assert send(stack, worker, WELL).status_code == 409
    assert verify(stack, code) == "valid"


@pytest.mark.parametrize("health", [FEVER, COUGH])
def test_a_fever_in_a_report_suspends_the_pass_at_once(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, health: dict[str, str]
) -> None:
    worker, code = approved_worker(stack, approved_employer(stack), serial=42)
    on_day(monkeypatch, TODAY + timedelta(days=2))
    # WHEN the day's report has a fever (or a cough)
    answer = send(stack, worker, health)
    assert answer.status_code == 201 and json.loads(answer.body)["held"] is True
    # THEN the pass is suspended at once, online
    assert Document.get(code).suspended is True
    assert verify(stack, code) == "suspended"
    assert Filing.get(worker).health_hold == "open"
    # AND offline: the revocation list names it, once the standing event has run
    stack.pump()
    listed = json.loads(stack.client.http.get("/api/revocations").body)
    assert code in listed["suspended"]
    # AND the town office and its doctor are told once; the next day's fever tells no one again
    told = [m for m in stack.outbox() if "健康随访" in m["subject"]]
    on_day(monkeypatch, TODAY + timedelta(days=3))
    assert send(stack, worker, FEVER).status_code == 201
    stack.pump()
    assert [m for m in stack.outbox() if "健康随访" in m["subject"]] == told and len(told) == 4
    # AND the town's figures counted it in the same transactions: one fever, not two;
    # one worker under observation, today's report in
    row = figures(TODAY + timedelta(days=3))
    assert (row.fevers, row.under_observation, row.reported_today, row.missing_today) == (
        1,
        1,
        1,
        0,
    )


def figures(today: date) -> supervision_figures.Row:
    claim = access.claim(TOWN_OFFICE, "罗埠镇")
    return next(r for r in supervision_figures.by_town(claim, today) if r.town == "罗埠镇")


@pytest.mark.parametrize(
    ("health", "field"),
    [
        ({"temperature": "30.0", "symptoms": "none"}, "temperature"),
        ({"temperature": "36.5", "symptoms": "none,cough"}, "symptoms"),
        ({"temperature": "36.5"}, "symptoms"),
    ],
)
def test_a_bad_report_is_a_400_with_nothing_stored(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, health: dict[str, str], field: str
) -> None:
    worker, _ = approved_worker(stack, approved_employer(stack), serial=43)
    on_day(monkeypatch, TODAY)
    before = stack.item_count()
    answer = send(stack, worker, health)
    assert answer.status_code == 400
    assert set(json.loads(answer.body)["fields"]) == {field}
    assert stack.item_count() == before
    # AND a wrong token is refused, nothing stored
    bad = stack.client.http.post(
        f"/filings/{worker}/report?token=x", headers=JSON, body=b"temperature=36.5&symptoms=none"
    )
    assert bad.status_code == 403 and stack.item_count() == before


def test_the_page_works_without_script(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    worker, _ = approved_worker(stack, approved_employer(stack), serial=44)
    on_day(monkeypatch, TODAY)
    token = links.status_token(worker)
    page = stack.client.http.get(f"/filings/{worker}/report?token={token}").body.decode()
    assert 'name="temperature"' in page and 'value="none"' in page
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    body = b"temperature=36.8&symptoms=none"
    done = stack.client.http.post(
        f"/filings/{worker}/report?token={token}", headers=form, body=body
    )
    assert done.status_code == 201 and "今天的报告已收到" in done.body.decode()


def test_the_enterprise_reports_for_its_workers_a_row_each(stack: Stack) -> None:
    employer = approved_employer(stack)
    first, _ = approved_worker(stack, employer, serial=45)
    second, _ = approved_worker(stack, employer, serial=46)
    token = links.status_token(employer)
    path = f"/filings/{employer}/workers-report?token={token}"
    # THEN its page lists both workers under observation, a row each
    page = stack.client.http.get(path).body.decode()
    assert f'name="t.{first}"' in page and f'name="t.{second}"' in page
    # WHEN it reports for the first only THEN that one is recorded, by the enterprise
    body = urlencode({f"t.{first}": "36.4", f"s.{first}": "none"}).encode()
    done = stack.client.http.post(path, headers=JSON, body=body)
    assert done.status_code == 200, done.body
    assert Filing.get(first).reports[0]["by"] == "employer"
    assert not Filing.get(second).reports
    # AND again: answered, not recorded twice
    stack.client.http.post(path, headers=JSON, body=body)
    assert len(Filing.get(first).reports) == 1
    # AND a row naming someone else's filing is refused with nothing stored
    before = stack.item_count()
    hostile = urlencode({f"t.{employer}": "36.4", f"s.{employer}": "none"}).encode()
    assert stack.client.http.post(path, headers=JSON, body=hostile).status_code == 400
    assert stack.item_count() == before
    # AND a wrong token sees nothing
    assert stack.client.http.get(f"/filings/{employer}/workers-report?token=x").status_code == 403
