"""Each person's walk where one hands off to the next, in Chromium on a 360 px phone,
with a screenshot of every page (WALK_SHOTS, else a temp folder) to look at: the guard
scanning a slip and typing a code, the enterprise meeting a duplicate and withdrawing,
the approver rejecting with a confirmation, the worker's form in words."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect
from stdnum.cn import uscc

from tests.support.browser import PHONE
from tests.support.phones import enter_code, running_headers
from tests.support.running_stack import RunningStack
from tests.support.walks import approval_link, eventually, qr_payload

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ.get("WALK_SHOTS") or Path(tempfile.gettempdir()) / "jiafuwu-walks")


def shot(page: Page, name: str) -> None:
    """The page as the person sees it, whole; and it never scrolls sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


def body(serial: str) -> dict[str, object]:
    base = f"91330702MA2WALK{serial}"[:17]
    return {
        "enterprise_name": "金华市婺城区走查示范有限公司",
        "uscc": base + uscc.calc_check_digit(base),
        "town": "白龙桥镇",
        "address": "白龙桥镇工业区3号",
        "industry": "制造业",
        "above_scale": False,
        "contact_name": "钱七",
        "contact_phone": "13905790707",
        "employees_total": 40,
        "employees_returned": 20,
        "planned_start_date": "2020-02-14",
        "masks": 200,
        "disinfectant_kg": 5,
        "thermometers": 2,
        "commitment": True,
    }


def filed(stack: RunningStack, serial: str) -> dict[str, str]:
    answer = requests.post(
        f"{stack.base_url}/api/filings/enterprise-resumption",
        json=body(serial),
        headers=running_headers(stack, body(serial)),
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def slip_pdf(receipt: dict[str, str]) -> bytes | None:
    status = requests.get(receipt["status_url"].replace("/filings/", "/api/filings/"), timeout=10)
    urls = [d["url"] for d in status.json()["documents"] if d["kind"] == "slip"]
    return requests.get(urls[0], timeout=10).content if urls else None


def test_the_guard_reads_a_slip_as_a_receipt_and_types_a_code(
    running_stack: RunningStack, phone: Page, tmp_path: Path
) -> None:
    receipt = filed(running_stack, "01")
    verify_url = qr_payload(eventually(lambda: slip_pdf(receipt)), tmp_path)
    page = phone
    # WHEN the guard scans the slip THEN a neutral block says it is a receipt, in review
    page.goto(verify_url)
    expect(page.locator(".verdict-receipt")).to_be_visible()
    expect(page.locator(".verdict-receipt .big")).to_have_text("回执")
    expect(page.locator(".state")).to_have_text("审核中")
    shot(page, "verify-slip")
    # WHEN a code does not exist THEN a red block says so, with the box to type another
    page.goto("/verify/NOSUCHCODE234567")
    expect(page.locator(".verdict-unknown .big")).to_have_text("查无此证")
    shot(page, "verify-unknown")
    # WHEN the slip's code is typed into the box THEN its page opens
    code = verify_url.rsplit("/", 1)[1]
    page.fill("#code", code.lower())
    page.get_by_role("button", name="核验").click()
    expect(page).to_have_url(f"{running_stack.base_url}/verify/{code}")
    expect(page.locator(".verdict-receipt")).to_be_visible()


def test_the_enterprise_meets_its_duplicate_then_withdraws_with_a_confirmation(
    running_stack: RunningStack, phone: Page
) -> None:
    receipt = filed(running_stack, "02")
    page = phone
    # WHEN the same enterprise files again on the form
    page.goto("/forms/enterprise-resumption")
    data = body("02")
    for name in ("enterprise_name", "uscc", "address", "contact_name", "contact_phone"):
        page.fill(f"#f-{name}", str(data[name]))
    page.select_option("#f-town", "白龙桥镇")
    page.select_option("#f-industry", "制造业")
    for name in ("employees_total", "employees_returned", "masks", "disinfectant_kg"):
        page.fill(f"#f-{name}", str(data[name]))
    page.fill("#f-thermometers", "2")
    page.fill("#f-planned_start_date", "2020-02-14")
    expect(page.locator("#pledge-commitment")).to_contain_text("落实防疫主体责任")
    page.check("#f-commitment")
    page.get_by_role("button", name="提交").click()
    enter_code(page, running_stack, str(data["contact_phone"]))
    # THEN it names the first filing's slip number and whom to call, nothing to correct
    expect(page.locator("#duplicate .slip")).to_have_text(receipt["slip_no"])
    expect(page.locator("#duplicate")).not_to_contain_text(receipt["filing_id"])
    expect(page.locator("#error-summary")).to_have_count(0)
    page.locator("#duplicate").scroll_into_view_if_needed()
    shot(page, "duplicate")
    # WHEN the first filing's status page is opened THEN its answers are there
    page.goto(receipt["status_url"])
    eventually(lambda: page.reload() or (page.locator(".docs").count() or None))
    page.locator("#answers summary").click()
    expect(page.locator("#answers")).to_contain_text("13905790707")
    shot(page, "status-answers")
    # WHEN it withdraws THEN a second page spells out what it ends
    page.get_by_role("link", name="撤回申请…").click()
    expect(page.locator("h1")).to_have_text("确定撤回这件申请？")
    expect(page.locator(".consequences")).to_contain_text("已发放的证明立即失效")  # in review
    shot(page, "withdraw-confirm")
    page.get_by_role("button", name="确认撤回").click()
    expect(page.locator("p.state")).to_have_text("已撤回")
    expect(page.locator(".timeline")).not_to_contain_text("待办")
    shot(page, "status-withdrawn")


def test_the_approver_rejects_through_a_confirmation(
    running_stack: RunningStack, phone: Page
) -> None:
    receipt = filed(running_stack, "03")
    town = eventually(lambda: approval_link(running_stack, receipt["filing_id"], "town"))
    page = phone
    page.goto(town)
    shot(page, "approve-page")
    # WHEN 驳回 is pressed without a reason THEN the error is at the top, the field marked
    page.get_by_role("button", name="驳回").click()
    expect(page.locator("#error-summary")).to_contain_text("审核意见")
    expect(page.locator("#comment")).to_have_attribute("aria-invalid", "true")
    shot(page, "approve-error")
    # WHEN a reason is given THEN a second page asks, in the step's words
    page.fill("#comment", "营业执照照片不清晰")
    page.get_by_role("button", name="驳回").click()
    expect(page.locator("h1")).to_have_text("确认驳回？")
    shot(page, "approve-confirm")
    page.get_by_role("button", name="确认驳回").click()
    # THEN the decided page names the filing and repeats the decision and comment
    expect(page.locator("h1")).to_have_text("决定已记录")
    expect(page.locator("main")).to_contain_text(receipt["slip_no"])
    expect(page.locator("main")).to_contain_text("营业执照照片不清晰")
    shot(page, "decided")
    # AND the used link names the district office and its phone
    page.goto(town)
    expect(page.locator(".contact")).to_contain_text("婺城区三服务办")
    shot(page, "approve-used")
    # AND the applicant's page reads 不再办理 for the district, never 待办
    page.goto(receipt["status_url"])
    expect(page.locator(".timeline")).to_contain_text("不再办理")
    shot(page, "status-rejected")


def test_the_workers_form_offers_words_not_codes(phone: Page) -> None:
    page = phone
    page.goto("/forms/worker-return")
    # the origin's risk is the map's, not a choice: the county is picked, province first
    expect(page.locator("#f-origin_risk")).to_have_count(0)
    expect(page.locator("#f-health_code option[value=green]")).to_have_text("绿码")
    expect(page.locator("#f-travel_mode option[value=charter]")).to_have_text("包车（专列）")
    page.locator("#f-health_code").scroll_into_view_if_needed()
    shot(page, "worker-form")
