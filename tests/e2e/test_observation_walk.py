"""Issue 17 in Chromium on a 360x740 phone: the village checks a worker in with a fever
(no check-in: a follow-up), the town official clears it from the workbench, the worker
is checked in at 36.5 °C, gets the pass, and reports the first day of observation from
the status link (a second report the same day is answered, not recorded). Screenshots
under build/screenshots/observation-*.png."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect
from stdnum.cn import ric

from chalicelib.core.clock import CHINA
from tests.e2e.test_workbench_walk import office_phone, sms_to
from tests.e2e.test_worker_walk import an_approved_employer, approve, status_of
from tests.support.browser import PHONE
from tests.support.health import WELL
from tests.support.phones import running_headers
from tests.support.running_stack import RunningStack
from tests.support.walks import approval_link, eventually

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def shot(page: Page, name: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    page.screenshot(path=str(SHOTS / f"observation-{name}.png"), full_page=True)


def a_docked_worker(stack: RunningStack) -> tuple[str, str]:
    employer_code = an_approved_employer(stack, serial=17)
    base = "35012219900317335"
    worker = {
        "name": "冉观察",
        "id_number": base + ric.calc_check_digit(base + "0"),
        "phone": "13812340017",
        "origin_province": "贵州省",
        "origin_city": "遵义市",
        "origin_county": "湄潭县",
        "health_code": "green",
        "travel_mode": "train",
        "arrival_date": datetime.now(CHINA).date().isoformat(),
        "employer_code": employer_code,
        "lodging_town": "汤溪镇",
        "lodging_village": "后溪村",
        "lodging_address": "后溪村17号",
    }
    answer = requests.post(
        f"{stack.base_url}/api/filings/worker-return",
        json=worker,
        headers=running_headers(stack, worker),
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    filing_id, status_url = answer.json()["filing_id"], answer.json()["status_url"]
    approve(stack, filing_id, "employer")
    approve(stack, filing_id, "village")
    return filing_id, status_url


def test_a_fever_at_the_gate_a_follow_up_cleared_then_a_day_of_observation(
    browser: Browser, running_stack: RunningStack
) -> None:
    stack = running_stack
    SHOTS.mkdir(parents=True, exist_ok=True)
    filing_id, status_url = a_docked_worker(stack)
    link = eventually(lambda: approval_link(stack, filing_id, "checkin_village"))
    context = browser.new_context(
        viewport=PHONE, base_url=stack.base_url, is_mobile=True, has_touch=True
    )
    page = context.new_page()

    # 1. the village's check-in: 37.8 °C, no symptoms -> asked once more -> a follow-up
    page.goto(link)
    page.fill("#f-temperature", "37.8")
    page.check("input[name=symptoms][value=none]")
    shot(page, "checkin")
    page.click("button[value=approve]")
    expect(page.locator("h1")).to_contain_text("转健康随访")
    shot(page, "checkin-confirm")
    page.click("form:not(.back) button[type=submit]")
    expect(page.locator("body")).to_contain_text("未打卡")
    shot(page, "checkin-held")

    # 2. the town official signs in and clears it from the to-do list
    page.goto("/work")
    page.fill("#phone", office_phone())
    page.click("button[type=submit]")
    code = eventually(lambda: sms_to(stack, office_phone(), r"验证码 (\d{6})"))
    page.fill("#code", code)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/work$"))
    page.goto(f"/work/health/{filing_id}")
    expect(page.locator("#follow-up-status")).to_contain_text("待随访")
    page.check("input[name=outcome][value=cleared]")
    page.fill("#note", "复测36.6℃，排除")
    shot(page, "follow-up")
    answer = "form[action^='/work/health'] button[type=submit]"  # not the nav's sign-out
    page.click(answer)
    expect(page.locator("body")).to_contain_text("确认记录随访结果")
    page.click(answer)
    expect(page.locator("#follow-up-status")).to_contain_text("已排除")
    shot(page, "follow-up-cleared")

    # 3. checked in at 36.5 °C (the same link), the employer too: the pass
    page.goto(link)
    page.fill("#f-temperature", "36.5")
    page.check("input[name=symptoms][value=none]")
    page.click("button[value=approve]")
    page.click("form:not(.back) button[type=submit]")
    expect(page.locator("h1")).to_contain_text("决定已记录")
    employer = eventually(lambda: approval_link(stack, filing_id, "checkin_employer"))
    form = {"decision": "approve", "confirmed": "yes", **WELL}
    done = requests.post(employer, data=form, timeout=10)
    assert done.status_code == 200, done.text
    eventually(
        lambda: any(d["kind"] == "pass" for d in status_of(status_url)["documents"]) or None  # type: ignore[union-attr]
    )

    # 4. the worker's status page: the days of observation, today's report
    worker = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    mine = worker.new_page()
    mine.goto(status_url)
    expect(mine.locator("#observation")).to_contain_text("已报告 0 天，还剩 14 天")
    shot(mine, "status")
    mine.click("#report-today")
    mine.fill("#f-temperature", "36.6")
    mine.check("input[name=symptoms][value=none]")
    shot(mine, "report")
    mine.click("button[type=submit]")
    expect(mine.locator("#reported")).to_contain_text("今天的报告已收到")
    expect(mine.locator("#observation-days")).to_contain_text("已报告 1 天，还剩 13 天")
    shot(mine, "reported")
    # a second report the same day (a program, say): answered, nothing recorded twice
    again = requests.post(
        mine.url,
        data={"temperature": "36.7", "symptoms": "none"},
        headers={"Accept": "application/json"},
        timeout=10,
    )
    assert again.status_code == 200 and again.json()["recorded"] is False
    context.close()
    worker.close()
