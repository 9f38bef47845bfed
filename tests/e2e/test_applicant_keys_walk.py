"""The applicant keeps hold of the case, in a browser at 360 px on the stack of `make run`:
a phone user files with an SMS code, closes the page and finds the filing again at /my;
a draft is saved and resumed from its SMS; a rejected filing is corrected and filed
again; a worker registers with the employer's worker code read off its QR."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
import requests
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from stdnum.cn import ric, uscc

from chalicelib.core.clock import CHINA
from tests.support.browser import PHONE
from tests.support.phones import enter_code, latest_code, running_headers
from tests.support.running_stack import RunningStack
from tests.support.walks import approval_link, eventually

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MOBILE = "13905791414"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


def credit_code(serial: str) -> str:
    base = f"91330702MA2KEYW{serial}"[:17]
    return base + uscc.calc_check_digit(base)


def body(serial: str, phone: str = MOBILE) -> dict[str, object]:
    return {
        "enterprise_name": "金华市婺城区找回示范有限公司",
        "uscc": credit_code(serial),
        "town": "白龙桥镇",  # 罗埠镇's bar is the browser walk's to count
        "address": "白龙桥镇工业区7号",
        "industry": "制造业",
        "above_scale": False,
        "contact_name": "钱七",
        "contact_phone": phone,
        "employees_total": 20,
        "employees_returned": 5,
        "planned_start_date": "2020-02-19",
        "masks": 100,
        "disinfectant_kg": 2,
        "thermometers": 1,
        "commitment": True,
    }


def fill(page: Page, data: dict[str, object]) -> None:
    for name in ("enterprise_name", "uscc", "address", "contact_name", "contact_phone"):
        page.fill(f"#f-{name}", str(data[name]))
    page.select_option("#f-town", str(data["town"]))
    page.select_option("#f-industry", str(data["industry"]))
    for name in ("employees_total", "employees_returned", "masks", "disinfectant_kg"):
        page.fill(f"#f-{name}", str(data[name]))
    page.fill("#f-thermometers", str(data["thermometers"]))
    page.fill("#f-planned_start_date", str(data["planned_start_date"]))
    page.check("#f-commitment")


def decide(stack: RunningStack, filing_id: str, step: str, decision: str) -> None:
    link = eventually(lambda: approval_link(stack, filing_id, step))
    comment = "口罩数量不足" if decision == "reject" else "同意"
    form = {"decision": decision, "comment": comment, "confirmed": "yes"}
    assert requests.post(link, data=form, timeout=10).status_code == 200


def status_becomes(receipt: dict[str, str], status: str) -> None:
    api = receipt["status_url"].replace("/filings/", "/api/filings/")
    eventually(lambda: requests.get(api, timeout=10).json()["status"] == status or None)


def filed(stack: RunningStack, data: dict[str, object]) -> dict[str, str]:
    answer = requests.post(
        f"{stack.base_url}/api/filings/enterprise-resumption",
        json=data,
        headers=running_headers(stack, data),
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_a_phone_user_files_with_a_code_and_finds_it_again_at_my(
    browser: Browser, running_stack: RunningStack
) -> None:
    stack = running_stack
    context = browser.new_context(viewport=PHONE, base_url=stack.base_url, is_mobile=True)
    page = context.new_page()
    # GIVEN the form filled in; WHEN submitted THEN the phone is asked to prove itself
    page.goto("/forms/enterprise-resumption")
    fill(page, body("01"))
    page.get_by_role("button", name="提交").click()
    expect(page.locator("h1")).to_have_text("验证手机号码")
    shot(page, "phone-step")
    enter_code(page, stack, MOBILE)
    slip_no = page.locator(".slip").first.inner_text().strip()
    # AND the status link came by SMS at once
    eventually(
        lambda: (
            any(slip_no in str(m["text"]) for m in stack.outbox() if m["channel"] == "sms") or None
        )
    )
    context.close()  # WeChat's in-app browser closed: the page is gone
    # WHEN the applicant comes back to /my with the number and a code
    context = browser.new_context(viewport=PHONE, base_url=stack.base_url, is_mobile=True)
    page = context.new_page()
    page.goto("/my")
    page.fill("#f-phone", MOBILE)
    page.get_by_role("button", name="获取验证码").click()
    page.fill("#f-code", latest_code(stack.outbox(), MOBILE))
    page.get_by_role("button", name="查看我的办件").click()
    # THEN the filing is listed with its status and link
    expect(page.locator(f"#filing-{slip_no}")).to_be_visible()
    shot(page, "my-filings")
    page.locator(f"#filing-{slip_no}").get_by_role("link", name="查看进度").click()
    expect(page.locator(".slip").first).to_have_text(slip_no)
    context.close()


def test_a_draft_is_saved_and_resumed_from_its_sms(
    phone: Page, running_stack: RunningStack
) -> None:
    page = phone
    page.goto("/forms/enterprise-resumption")
    page.fill("#f-enterprise_name", "金华市婺城区草稿示范有限公司")
    page.fill("#f-contact_phone", "13905791515")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("h1")).to_have_text("草稿已保存")
    shot(page, "draft-saved")

    def draft_sms() -> dict[str, object] | None:
        sent = reversed(running_stack.outbox())
        return next((m for m in sent if "?draft=" in "".join(m["links"])), None)  # type: ignore[arg-type]

    sms = eventually(draft_sms)
    page.goto(str(sms["links"][0]))  # type: ignore[index]
    expect(page.locator("#f-enterprise_name")).to_have_value("金华市婺城区草稿示范有限公司")
    expect(page.locator("#f-contact_phone")).to_have_value("13905791515")


def test_a_rejected_filing_is_corrected_and_filed_again(
    phone: Page, running_stack: RunningStack
) -> None:
    stack = running_stack
    receipt = filed(stack, body("03", "13905791616"))
    decide(stack, receipt["filing_id"], "town", "reject")
    status_becomes(receipt, "rejected")
    page = phone
    page.goto(receipt["status_url"])
    expect(page.locator(".state").first).to_contain_text("未通过")
    page.get_by_role("link", name="修改后重新提交").click()
    expect(page.locator("#f-uscc")).to_have_value(credit_code("03"))
    page.fill("#f-masks", "500")
    page.get_by_role("button", name="提交").click()
    enter_code(page, stack, "13905791616")
    expect(page.locator("#corrects")).to_contain_text(receipt["slip_no"])
    shot(page, "resubmitted")
    # AND the rejected filing keeps its own record
    old = requests.get(receipt["status_url"].replace("/filings/", "/api/filings/"), timeout=10)
    assert old.json()["status"] == "rejected"


def test_a_worker_registers_with_the_employers_qr(phone: Page, running_stack: RunningStack) -> None:
    stack = running_stack
    receipt = filed(stack, body("04", "13905791717"))
    for step in ("town", "district"):
        decide(stack, receipt["filing_id"], step, "approve")
    status_becomes(receipt, "approved")
    page = phone
    page.goto(receipt["status_url"])
    expect(page.locator("#the-worker-code")).to_be_visible()
    code = page.locator("#the-worker-code").inner_text().strip()
    shot(page, "worker-code")
    # the QR, as a worker's camera reads it off the enterprise's screen
    image = page.locator("#worker-code .qr-box svg").screenshot()
    [address] = [c.text for c in zxingcpp.read_barcodes(Image.open(io.BytesIO(image)))]
    assert address.endswith(f"/forms/worker-return?employer={code}")
    page.goto(address)
    expect(page.locator("#f-employer_code")).to_have_value(code)
    # the origin, picked as the page offers it: the province first (a reload that keeps
    # the employer's code), then the county from that province's list
    page.select_option("#p-origin_code", label="贵州省")
    page.get_by_role("button", name="列出该省的区县").click()
    expect(page.locator("#f-employer_code")).to_have_value(code)
    page.select_option("#f-origin_code", label="湄潭县")
    base = "35012219900101123"
    values = {
        "name": "孙八",
        "id_number": base + ric.calc_check_digit(base + "0"),
        "phone": "13812341818",
        "train_no": "",
        "arrival_date": datetime.now(CHINA).date().isoformat(),
        "lodging_village": "后溪村",
        "lodging_address": "后溪村6号",
    }
    for name, value in values.items():
        page.fill(f"#f-{name}", value)
    page.select_option("#f-health_code", "green")
    page.select_option("#f-travel_mode", "car")
    page.select_option("#f-lodging_town", "汤溪镇")
    page.get_by_role("button", name="提交").click()
    # THEN the employer is shown by name to confirm, with the code step
    expect(page.locator("#confirm")).to_contain_text("金华市婺城区找回示范有限公司")
    shot(page, "worker-confirm")
    enter_code(page, stack, "13812341818")
    expect(page.locator(".slip").first).to_be_visible()
