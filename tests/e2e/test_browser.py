"""The walk in a browser on a phone: Playwright driving Debian's Chromium against the
stack of `make run`. A person fills in the enterprise form at 360 px, meets an inline
error, fixes it, gets the slip; the town and then the district approve from their
links; the certificate is downloaded from the status page; the district's dashboard
counts the filing in its town's bar."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect
from stdnum.cn import uscc

from tests.support.browser import PHONE
from tests.support.phones import enter_code
from tests.support.running_stack import RunningStack
from tests.support.walks import approval_link, eventually

pytestmark = pytest.mark.e2e


def good_uscc() -> str:
    base = "91330702MA2BRW01"[:16] + "7"
    return base + uscc.calc_check_digit(base)


def wrong_check_digit(code: str) -> str:
    digits = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return code[:-1] + next(d for d in digits if d != code[-1])


def fill_enterprise_form(page: Page, code: str) -> None:
    page.fill("#f-enterprise_name", "金华市婺城区浏览器示范有限公司")
    page.fill("#f-uscc", code)
    page.select_option("#f-town", "罗埠镇")
    page.fill("#f-address", "罗埠镇工业功能区9号")
    page.select_option("#f-industry", "制造业")
    page.fill("#f-contact_name", "赵六")
    page.fill("#f-contact_phone", "13905790009")
    page.fill("#f-contact_email", "zhao@example.com")
    page.fill("#f-employees_total", "30")
    page.fill("#f-employees_returned", "10")
    page.fill("#f-planned_start_date", "2020-02-18")
    page.fill("#f-masks", "300")
    page.fill("#f-disinfectant_kg", "6")
    page.fill("#f-thermometers", "3")
    page.check("#f-commitment")


def approve(page: Page, link: str) -> None:
    page.goto(link)
    expect(page.locator("h1")).to_contain_text("企业复工备案")
    page.get_by_role("button", name="通过").click()
    # a second page asks, in the step's words, before anything is recorded
    expect(page.locator("h1")).to_have_text("确认通过？")
    page.get_by_role("button", name="确认通过").click()
    expect(page.locator("h1")).to_have_text("决定已记录")
    expect(page.locator(".state")).to_have_text("通过")


def test_a_person_files_on_a_phone_and_the_certificate_follows_two_approvals(
    running_stack: RunningStack, phone: Page
) -> None:
    page = phone
    # GIVEN the enterprise form on a 360 px wide phone, filled in with one bad field
    page.goto("/forms/enterprise-resumption")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    fill_enterprise_form(page, wrong_check_digit(good_uscc()))

    # WHEN it is submitted
    page.get_by_role("button", name="提交").click()

    # THEN the error is shown beside its field, summarised, and what was typed stays
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#e-uscc")).to_contain_text("校验位")
    expect(page.locator("#f-uscc")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-enterprise_name")).to_have_value("金华市婺城区浏览器示范有限公司")
    expect(page.locator("#f-town")).to_have_value("罗埠镇")
    expect(page.locator("#f-commitment")).to_be_checked()

    # WHEN the code is corrected and the form submitted again
    page.fill("#f-uscc", good_uscc())
    page.get_by_role("button", name="提交").click()
    # AND the phone it names is proven with the code the SMS brought (the second step)
    expect(page.locator("h1")).to_have_text("验证手机号码")
    enter_code(page, running_stack, "13905790009")

    # THEN the slip page shows the slip number, at the status link
    expect(page).to_have_url(re.compile(r"/filings/[^/?]+\?token="))
    slip_no = page.locator(".slip").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z-]{6,}", slip_no), slip_no
    status_url = page.url
    filing_id = status_url.split("/filings/")[1].split("?")[0]
    # AND its QR code, as a phone's camera reads it off the screen, is the status link
    shot = page.locator(".qr-box svg").screenshot()
    assert [c.text for c in zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))] == [status_url]
    # AND the page switches to English and back, the slip number unchanged
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".label")).to_contain_text("Slip number")
    expect(page.locator(".slip")).to_have_text(slip_no)
    page.get_by_role("link", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    # WHEN the town's office and then the district's approve from their links
    town = eventually(lambda: approval_link(running_stack, filing_id, "town"))
    approve(page, town)
    district = eventually(lambda: approval_link(running_stack, filing_id, "district"))
    approve(page, district)

    # THEN the status page lists the certificate, and it downloads as a PDF
    def certificate_link() -> str | None:
        page.goto(status_url)
        link = page.get_by_role("link", name=re.compile("复工备案证明"))
        return link.get_attribute("href") if link.count() else None

    href = eventually(certificate_link)
    expect(page.locator(".state")).to_have_text("已通过")
    answer = page.request.get(href)
    assert answer.ok and answer.body().startswith(b"%PDF")

    # AND the district's dashboard (its link from `make run`'s banner) counts the filing
    # in its town's bar, approved
    page.goto(running_stack.staff_link())
    bar = page.locator('.town-bar[data-town="罗埠镇"]')
    expect(bar).to_have_attribute("data-total", "1")
    expect(bar.locator(".n")).to_have_text("1")
    row = page.locator('tr[data-town="罗埠镇"] td')
    expect(row.nth(2)).to_have_text("1")  # 已通过: submitted, in review, approved, ...

    # AND a used link, opened again, says clearly that it is no longer valid
    gone = page.goto(town)
    assert gone is not None and gone.status == 410
    expect(page.locator("h1")).to_have_text("链接已失效")
