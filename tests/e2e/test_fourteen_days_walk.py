"""Issue 17's fourteen days in Chromium on a 360x740 phone, the stack's clock moved a day
at a time (POST /dev/clock, the local stage's only): a worker checked in well gets the
pass, reports every day of observation from the status link, sees the days done and left
count down, and after the fourteenth day is asked for nothing more. Screenshots under
build/screenshots/fourteen-days-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect
from stdnum.cn import ric

from chalicelib.core.clock import CHINA
from tests.e2e.test_worker_walk import an_approved_employer, approve, status_of
from tests.support.browser import PHONE
from tests.support.phones import running_headers
from tests.support.running_stack import RunningStack
from tests.support.walks import eventually

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
DAYS = 14  # OBSERVATION_DAYS, the stack's default


def clock_ahead(stack: RunningStack, days: int) -> None:
    answer = requests.post(f"{stack.base_url}/dev/clock", json={"days": days}, timeout=10)
    assert answer.status_code == 200, answer.text


@pytest.fixture
def moved_clock(running_stack: RunningStack) -> Iterator[RunningStack]:
    """The stack is shared by the session's walks: its clock goes back whatever happens."""
    yield running_stack
    clock_ahead(running_stack, 0)


def a_worker_with_a_pass(stack: RunningStack) -> str:
    base = "35012219900314335"
    worker = {
        "name": "冉十四",
        "id_number": base + ric.calc_check_digit(base + "0"),
        "phone": "13812340014",
        "origin_province": "贵州省",
        "origin_city": "遵义市",
        "origin_county": "湄潭县",
        "health_code": "green",
        "travel_mode": "train",
        "arrival_date": datetime.now(CHINA).date().isoformat(),
        "employer_code": an_approved_employer(stack, serial=14),
        "lodging_town": "汤溪镇",
        "lodging_village": "后溪村",
        "lodging_address": "后溪村14号",
    }
    answer = requests.post(
        f"{stack.base_url}/api/filings/worker-return",
        json=worker,
        headers=running_headers(stack, worker),
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    filing_id, status_url = answer.json()["filing_id"], answer.json()["status_url"]
    for step in ("employer", "village", "checkin_village", "checkin_employer"):
        approve(stack, filing_id, step)  # the check-ins at 36.5 °C, no symptoms
    eventually(
        lambda: any(d["kind"] == "pass" for d in status_of(status_url)["documents"]) or None  # type: ignore[union-attr]
    )
    return str(status_url)


def shot(page: Page, name: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    page.screenshot(path=str(SHOTS / f"fourteen-days-{name}.png"), full_page=True)


def test_a_worker_reports_each_of_the_fourteen_days_then_nothing_more(
    browser: Browser, moved_clock: RunningStack
) -> None:
    stack = moved_clock
    SHOTS.mkdir(parents=True, exist_ok=True)
    status_url = a_worker_with_a_pass(stack)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    for day in range(DAYS):
        # GIVEN the day of observation `day` (the arrival day is 0)
        clock_ahead(stack, day)
        page.goto(status_url)
        expect(page.locator("#observation")).to_contain_text(
            f"已报告 {day} 天，还剩 {DAYS - day} 天"
        )
        # WHEN the worker reports it from the status page
        page.click("#report-today")
        page.fill("#f-temperature", "36.6" if day % 2 else "36.4")
        page.check("input[name=symptoms][value=none]")
        page.click("button[type=submit]")
        # THEN it is received, and the count moves on by one
        expect(page.locator("#reported")).to_contain_text("今天的报告已收到")
        expect(page.locator("#observation-days")).to_contain_text(
            f"已报告 {day + 1} 天，还剩 {DAYS - day - 1} 天"
        )
        if day in (0, 7, DAYS - 1):
            shot(page, f"day-{day + 1}")
    # WHEN the day after the fourteenth comes
    clock_ahead(stack, DAYS)
    page.goto(status_url)
    # THEN the status page counts every day done, none left, and asks for no report
    expect(page.locator("#observation")).to_contain_text(f"已报告 {DAYS} 天，还剩 0 天")
    expect(page.locator("#report-today")).to_have_count(0)
    expect(page.locator("#observation-ended")).to_contain_text("健康观察期已满")
    shot(page, "after")
    # AND a report sent anyway (a program, say) is refused: the days are over
    report_url = status_url.replace("?token=", "/report?token=")
    late = requests.post(
        report_url,
        data={"temperature": "36.5", "symptoms": "none"},
        headers={"Accept": "application/json"},
        timeout=10,
    )
    assert late.status_code == 409 and late.json()["error"] == "not_observed", late.text
    context.close()
