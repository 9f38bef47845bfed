"""An approved enterprise reports its start of work (开工) through its status link, and
the figures officials report move with it: enterprises approved and started, the start
rate above designated size, the return-to-work rate, docking slips and passes."""

from __future__ import annotations

import json
import re

from chalicelib import links
from chalicelib.filing import transitions
from chalicelib.staff import access
from chalicelib.store import counters
from chalicelib.store.models import Filing
from tests.support.stack import Stack, enterprise
from tests.support.workers import approved_employer, approved_worker

TOWN = "白龙桥镇"  # enterprise()'s town


def drive(town: str = TOWN) -> dict[str, int]:
    names = {f: counters.drive_counter(town, f) for f in counters.DRIVE_FIGURES}
    names |= {k: counters.documents_counter(k, town) for k in ("docking_slip", "pass")}
    counted = counters.read(names.values())
    return {f: counted[n] for f, n in names.items()}


def report(stack: Stack, filing_id: str, day: str | None = None) -> object:
    body = json.dumps({"started_on": day} if day else {}).encode()
    return stack.client.http.post(
        f"/api/filings/{filing_id}/started?token={links.status_token(filing_id)}",
        headers={"Content-Type": "application/json"},
        body=body,
    )


def test_an_approved_enterprise_reports_its_start_once(stack: Stack) -> None:
    # GIVEN an approved enterprise above designated size: 120 employees, 80 returned
    employer = approved_employer(stack)
    assert drive() | {} == {
        "approved": 1,
        "approved_above_scale": 1,
        "started": 0,
        "started_above_scale": 0,
        "employees": 120,
        "employees_returned": 80,
        "docking_slip": 0,
        "pass": 0,
    }
    page = stack.client.http.get(f"/filings/{employer}?token={links.status_token(employer)}")
    assert "报告开工" in page.body.decode()
    # WHEN it reports its start THEN the filing and the figures say so
    answer = report(stack, employer, "2020-02-12")
    assert answer.status_code == 200, answer.body
    assert json.loads(answer.body)["started_on"] == "2020-02-12"
    assert Filing.get(employer).started_on == "2020-02-12"
    assert (drive()["started"], drive()["started_above_scale"]) == (1, 1)
    page = stack.client.http.get(f"/filings/{employer}?token={links.status_token(employer)}")
    assert "已于 2020-02-12 开工" in page.body.decode()
    # AND a second report is refused and counts nothing
    assert report(stack, employer).status_code == 409
    assert drive()["started"] == 1
    # AND the dashboard shows the town's start rate and return-to-work rate
    html = stack.client.http.get(
        f"/dashboard?token={access.staff_token('district_office', '婺城区')}"
    ).body.decode()
    row = re.search(rf'<tr data-drive-town="{TOWN}"><th scope="row">{TOWN}</th>(.*?)</tr>', html)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1))
    assert cells[:4] == ["1", "1", "100%", "67%"]


def test_only_an_approved_enterprise_reports_a_start(stack: Stack) -> None:
    pending = json.loads(stack.submit(enterprise(serial=60)).body)["filing_id"]
    assert report(stack, pending).status_code == 409
    assert (
        stack.client.http.post(
            f"/api/filings/{pending}/started?token=wrong",
            headers={"Content-Type": "application/json"},
            body=b"{}",
        ).status_code
        == 403
    )
    assert report(stack, approved_employer(stack, serial=61), "2020-02-30").status_code == 400
    assert drive()["started"] == 0


def test_a_revoked_enterprise_leaves_the_figures_and_documents_are_counted(stack: Stack) -> None:
    employer = approved_employer(stack)
    assert report(stack, employer).status_code == 200
    approved_worker(stack, employer, 70)  # lodging in 罗埠镇
    assert (drive("罗埠镇")["docking_slip"], drive("罗埠镇")["pass"]) == (1, 1)
    # WHEN the district revokes the started enterprise THEN it counts as neither
    transitions.revoke(employer, "停产整顿", "婺城区三服务办")
    figures = drive()
    assert (figures["approved"], figures["started"], figures["employees"]) == (0, 0, 0)
