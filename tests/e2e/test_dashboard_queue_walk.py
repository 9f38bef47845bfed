"""The dashboard's waiting queue and the to-do list on a 360x740 phone, each longer than a
page: the queue's "下一页" link is reached by scrolling, readable, wide enough to tap, and
leads to the rest of the queue (no script); the to-do list's does the same. Screenshots
are kept under build/screenshots/ to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import PHONE
from tests.support.phones import running_headers
from tests.support.running_stack import RunningStack
from tests.support.stack import make_uscc
from tests.support.walks import eventually

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
TOWN = "蒋堂镇"
FILINGS = 27  # one more than a page of the queue and of the to-do list (25 each)


def filed(stack: RunningStack, n: int) -> dict[str, str]:
    body = {
        "enterprise_name": f"金华市蒋堂队列示范{n}号有限公司",
        "uscc": make_uscc(800 + n),
        "town": TOWN,
        "address": "蒋堂镇工业功能区",
        "industry": "制造业",
        "above_scale": False,
        "contact_name": "钱七",
        "contact_phone": f"1390580{n:04d}",
        "employees_total": 20,
        "employees_returned": 5,
        "planned_start_date": "2020-02-20",
        "masks": 50,
        "disinfectant_kg": 2,
        "thermometers": 1,
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


def sms_code(stack: RunningStack, phone: str) -> str | None:
    for message in reversed(stack.outbox()):
        if str(message["to"]).endswith(phone) and (
            m := re.search(r"验证码 (\d{6})", str(message["text"]))
        ):
            return m.group(1)
    return None


def tappable(page: Page, selector: str) -> None:
    """The link is on the page's width, a finger's height, and in view once scrolled to."""
    link = page.locator(selector)
    link.scroll_into_view_if_needed()
    box = link.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert box["height"] >= 40 and box["width"] >= 88, box
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_queue_and_the_list_page_on_a_phone(
    browser: Browser, running_stack: RunningStack
) -> None:
    stack = running_stack
    SHOTS.mkdir(parents=True, exist_ok=True)
    receipts = [filed(stack, n) for n in range(1, FILINGS + 1)]
    last = receipts[-1]["filing_id"]
    eventually(
        lambda: (
            any(m.get("step") == "town" and m["filing_id"] == last for m in stack.outbox()) or None
        )
    )
    context = browser.new_context(
        viewport=PHONE, base_url=stack.base_url, is_mobile=True, has_touch=True
    )
    page = context.new_page()

    # 1. the district's dashboard: a page of the queue, its next-page link below it
    page.goto(stack.staff_link().removeprefix(stack.base_url))
    expect(page.locator("#pending")).to_be_visible()
    assert page.locator(".queue tbody tr").count() == 25
    # each row whole on the phone's width: its slip, its wait, its applicant, unscrolled
    for cell in ("td.code", "td.age", "td.who"):
        box = page.locator(f".queue tbody tr >> nth=0 >> {cell}").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.locator("#queue-next").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "dashboard-queue-phone.png"))
    page.screenshot(path=str(SHOTS / "dashboard-queue-full-phone.png"), full_page=True)
    tappable(page, "#queue-next")
    first_page = page.locator(".queue td.code").all_inner_texts()
    page.locator("#queue-next").click()
    expect(page.locator("#queue-first")).to_be_visible()
    rest = page.locator(".queue td.code").all_inner_texts()
    assert rest and not set(rest) & set(first_page)
    page.locator("#queue-first").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "dashboard-queue-next-phone.png"))
    tappable(page, "#queue-first")

    # 2. the town's to-do list, signed in by SMS: a page, its next-page link below it
    page.goto("/work")
    page.fill("#phone", office_phone())
    page.click("button[type=submit]")
    page.fill("#code", eventually(lambda: sms_code(stack, office_phone())))
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/work$"))
    assert page.locator(".task").count() == 25
    page.locator("#next").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "work-list-next-phone.png"))
    page.screenshot(path=str(SHOTS / "work-list-full-phone.png"), full_page=True)
    tappable(page, "#next")
    page.locator("#next").click()
    expect(page.locator(".task").first).to_be_visible()
    page.locator("#first").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "work-list-page2-phone.png"))
    tappable(page, "#first")
    # every link of a task is a finger's height
    box = page.locator(".task .links a >> nth=0").bounding_box()
    assert box is not None and box["height"] >= 40, box
    context.close()
