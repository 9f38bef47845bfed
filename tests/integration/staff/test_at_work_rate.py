"""The daily return-to-work rate (在岗人数 / 员工总数) on moto: a worker counts from the
pass (both check-ins in) until taken back, in the employer's town (not the lodging
town) and per employer, moved inside the transitions' transactions; read by GET
/api/stats and shown on the dashboard, by town and, on a town's link, by enterprise."""

from __future__ import annotations

import json
import re
from typing import Any

from chalicelib.core.roles import DISTRICT_OFFICE, TOWN_OFFICE
from chalicelib.filing import transitions
from chalicelib.settings import get_settings
from chalicelib.staff import access
from chalicelib.store.models import Filing
from tests.support.stack import Stack
from tests.support.workers import WORKERS, approved_employer, approved_worker, worker

EMPLOYER_TOWN, LODGING_TOWN = "白龙桥镇", "罗埠镇"  # tests/support: the employer's, the worker's


def stats(stack: Stack, role: str, scope: str) -> Any:
    token = access.staff_token(role, scope)
    answer = stack.client.http.get(f"/api/stats?token={token}")
    assert answer.status_code == 200, answer.body
    return json.loads(answer.body)


def dashboard(stack: Stack, role: str, scope: str, lang: str = "zh") -> str:
    token = access.staff_token(role, scope)
    answer = stack.client.http.get(f"/dashboard?token={token}&lang={lang}")
    assert answer.status_code == 200
    return str(answer.body.decode())


def row(page: str, attribute: str, value: str) -> list[str]:
    found = re.search(rf'<tr {attribute}="{re.escape(value)}"[^>]*>(.*?)</tr>', page, re.S)
    assert found, (attribute, value)
    return re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found.group(1))


def test_a_worker_counts_at_work_from_the_pass_in_the_employers_town(stack: Stack) -> None:
    # GIVEN an approved employer of 120 in 白龙桥镇, one worker lodging in 罗埠镇 with a
    # pass, another still waiting for the check-ins
    employer = approved_employer(stack)
    at_work, _ = approved_worker(stack, employer, serial=1)
    waiting = json.loads(stack.post_json(WORKERS, worker(employer, serial=2)).body)["filing_id"]
    stack.pump()
    # THEN the submission recorded the employer's town
    assert Filing.get(at_work).outputs["referenced"] == {"employer_filing_id": EMPLOYER_TOWN}
    # AND the district's stats count one at work in the employer's town, none in the lodging
    district = stats(stack, DISTRICT_OFFICE, get_settings().district_scope)
    workers = district["towns"][EMPLOYER_TOWN]["workers"]
    assert (workers["employees"], workers["at_work"]) == (120, 1)
    assert workers["at_work_rate"] == round(1 / 120, 4)
    assert district["towns"][LODGING_TOWN]["workers"]["at_work"] == 0
    assert district["total"]["workers"]["at_work"] == 1
    assert "at_work_by_enterprise" not in district  # by enterprise: a town's link
    # AND the town's link has it by enterprise
    town = stats(stack, TOWN_OFFICE, EMPLOYER_TOWN)
    assert town["at_work_by_enterprise"] == {
        EMPLOYER_TOWN: [
            {
                "filing_id": employer,
                "enterprise_name": "金华市婺城区示例机械有限公司",
                "employees": 120,
                "at_work": 1,
                "at_work_rate": round(1 / 120, 4),
            }
        ]
    }
    # (the waiting worker, without a pass, counts nowhere)
    assert Filing.get(waiting).status != "approved"
    # WHEN the worker with the pass is taken back (revoked)
    transitions.revoke(at_work, "测试撤销", "test")
    # THEN no one is at work any more; the employees still count
    workers = stats(stack, TOWN_OFFICE, EMPLOYER_TOWN)["towns"][EMPLOYER_TOWN]["workers"]
    assert (workers["employees"], workers["at_work"], workers["at_work_rate"]) == (120, 0, 0.0)


def test_the_dashboard_shows_the_rate_by_town_and_on_a_towns_link_by_enterprise(
    stack: Stack,
) -> None:
    # GIVEN an employer of 120 with two workers at work
    employer = approved_employer(stack)
    for serial in (1, 2):
        approved_worker(stack, employer, serial=serial)
    # WHEN the district's dashboard is read
    page = dashboard(stack, DISTRICT_OFFICE, get_settings().district_scope)
    # THEN the employer's town reads 120 employees, 2 at work, 2%; no table by enterprise
    assert "每日在岗率" in page
    assert row(page, "data-at-work-town", EMPLOYER_TOWN)[1:] == ["120", "2", "2%"]
    assert "at-work-enterprises" not in page
    # AND the town's link lists its enterprise with its own rate, in English too
    page = dashboard(stack, TOWN_OFFICE, EMPLOYER_TOWN, lang="en")
    assert "Daily return-to-work rate" in page and "Return-to-work rate by enterprise" in page
    assert row(page, "data-enterprise", employer) == [
        "金华市婺城区示例机械有限公司",
        "120",
        "2",
        "2%",
    ]


def test_an_enterprise_taken_back_leaves_the_employees_it_counted(stack: Stack) -> None:
    # GIVEN an approved employer of 120 WHEN its approval is revoked
    employer = approved_employer(stack)
    transitions.revoke(employer, "测试撤销", "test")
    # THEN its employees leave the town's and the enterprise's counts
    town = stats(stack, TOWN_OFFICE, EMPLOYER_TOWN)
    assert town["towns"][EMPLOYER_TOWN]["workers"]["employees"] == 0
    assert town["at_work_by_enterprise"] == {EMPLOYER_TOWN: []}
