"""The officials' workbench in Chromium on a 360x740 phone: a town official signs in
with the SMS code (read from /dev/outbox), works the to-do list, sends one filing back
for correction; the enterprise corrects it through its status link; the official
approves it from the list. Screenshots are kept under build/screenshots/ to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, expect

from tests.support.browser import PHONE
from tests.support.phones import running_headers
from tests.support.running_stack import RunningStack
from tests.support.stack import make_uscc
from tests.support.walks import eventually

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
TOWN = "汤溪镇"


def filed(stack: RunningStack, n: int) -> dict[str, str]:
    body = {
        "enterprise_name": f"金华市汤溪工作台示范{n}号有限公司",
        "uscc": make_uscc(700 + n),
        "town": TOWN,
        "address": "汤溪镇工业园",
        "industry": "制造业",
        "above_scale": False,
        "contact_name": "赵六",
        "contact_phone": f"1390579{n:04d}",
        "employees_total": 30,
        "employees_returned": 10,
        "planned_start_date": "2020-02-20",
        "masks": 100,
        "disinfectant_kg": 5,
        "thermometers": 2,
        "commitment": True,
    }
    answer = requests.post(
        f"{stack.base_url}/api/filings/enterprise-resumption",
        json=body,
        headers=running_headers(stack, body),
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def office_phone() -> str:
    from chalicelib.core.towns import town_names

    return f"1390579{town_names().index(TOWN) + 1:04d}"


def sms_to(stack: RunningStack, phone: str, pattern: str) -> str | None:
    for message in reversed(stack.outbox()):
        if str(message["to"]).endswith(phone) and (m := re.search(pattern, str(message["text"]))):
            return m.group(1)
    return None


def test_a_town_official_works_the_list_sends_back_and_approves_from_it(
    browser: Browser, running_stack: RunningStack
) -> None:
    stack = running_stack
    SHOTS.mkdir(parents=True, exist_ok=True)
    receipts = [filed(stack, n) for n in (1, 2)]
    first = receipts[0]
    eventually(
        lambda: (
            any(
                m.get("step") == "town" and m["filing_id"] == first["filing_id"]
                for m in stack.outbox()
            )
            or None
        )
    )

    official = browser.new_context(
        viewport=PHONE, base_url=stack.base_url, is_mobile=True, has_touch=True
    )
    page = official.new_page()
    # 1. sign in on the phone: the number, then the code the SMS carries
    page.goto("/work")
    expect(page).to_have_url(re.compile(r"/work/sign-in$"))
    page.fill("#phone", office_phone())
    page.click("button[type=submit]")
    code = eventually(lambda: sms_to(stack, office_phone(), r"验证码 (\d{6})"))
    page.fill("#code", code)
    page.screenshot(path=str(SHOTS / "work-sign-in-phone.png"), full_page=True)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/work$"))
    cookies = official.cookies()
    session = next(c for c in cookies if c["name"] == "jf_staff")
    assert session["httpOnly"] and session["secure"] and session["sameSite"] == "Strict"

    # 2. the list: both filings, oldest first, nothing wider than the phone (the e2e
    # stack is shared: the office may hold other walks' tasks too, older or newer)
    def slips() -> list[str | None]:
        return [task.get_attribute("data-slip") for task in page.locator(".task").all()]

    expect(page.locator(f'.task[data-slip="{receipts[1]["slip_no"]}"]')).to_have_count(1)
    listed = slips()
    assert listed.index(first["slip_no"]) < listed.index(receipts[1]["slip_no"]), listed
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SHOTS / "work-list-phone.png"), full_page=True)

    # 3. open the first from the list and send the address back
    page.locator(f'.task[data-slip="{first["slip_no"]}"] a.act').click()
    expect(page.locator("h1")).to_contain_text("企业复工备案")
    page.locator("#send-back summary").click()
    page.fill("#c-address", "请写明门牌号")
    page.screenshot(path=str(SHOTS / "work-send-back-phone.png"), full_page=True)
    page.click("button[value=send_back]")
    expect(page.locator("h1")).to_contain_text("确认退回补正")
    page.click("button.danger-confirm")
    expect(page.locator("h1")).to_contain_text("决定已记录")

    # 4. the enterprise is told, and corrects only that field through its status link
    status = eventually(lambda: _status_link(stack, first["filing_id"]))
    applicant = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    mine = applicant.new_page()
    mine.goto(status)
    expect(mine.locator("#correction")).to_be_visible()
    mine.locator("#correction a").click()
    expect(mine.locator("input[name=address]")).to_be_visible()
    assert mine.locator("input[name=enterprise_name]").count() == 0
    mine.fill("input[name=address]", "汤溪镇工业园18号")
    mine.screenshot(path=str(SHOTS / "work-correction-phone.png"), full_page=True)
    mine.click("button[type=submit]")
    expect(mine.locator(".state")).to_be_visible()
    applicant.close()

    # 5. back on the list, the same step with a new link: approve it from there
    def back_on_list() -> bool | None:
        page.goto("/work")
        return page.locator(f'.task[data-slip="{first["slip_no"]}"]').count() == 1 or None

    eventually(back_on_list)
    page.locator(f'.task[data-slip="{first["slip_no"]}"] a.act').click()
    expect(page.locator("table.facts")).to_contain_text("汤溪镇工业园18号")
    page.click("button[value=approve]")
    page.click("form:not(.back) button[type=submit]")
    expect(page.locator("h1")).to_contain_text("决定已记录")
    page.goto("/work")
    expect(page.locator(f'.task[data-slip="{first["slip_no"]}"]')).to_have_count(0)
    expect(page.locator(f'.task[data-slip="{receipts[1]["slip_no"]}"]')).to_have_count(1)
    page.screenshot(path=str(SHOTS / "work-after-phone.png"), full_page=True)
    # AND search finds it by its slip number, read-only
    page.goto(f"/work/search?q={first['slip_no']}")
    page.locator(".hits a").first.click()
    expect(page.locator(".history")).to_contain_text("已补正")
    page.screenshot(path=str(SHOTS / "work-filing-phone.png"), full_page=True)
    official.close()


def _status_link(stack: RunningStack, filing_id: str) -> str | None:
    for message in stack.outbox():
        if (
            message["filing_id"] == filing_id
            and "补正" in str(message["subject"])
            and message["links"]
        ):
            return str(message["links"][0])  # type: ignore[index]
    return None
