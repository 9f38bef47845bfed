"""The certificate's 员工登记 QR and the enterprise's own forms opened bare, in a browser
at 360 px on the stack of `make run`: a worker scans the printed certificate and lands on
the worker form with the employer's current code, after a re-issue too, and is told when
the code is stopped; someone who opens a subsidy form bare is sent to 我的办件."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect
from stdnum.cn import uscc

from tests.support.browser import PHONE
from tests.support.phones import running_headers
from tests.support.running_stack import RunningStack
from tests.support.walks import approval_link, eventually, qr_payloads

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


def body(serial: str) -> dict[str, object]:
    base = f"91330702MA2CERT{serial}"[:17]
    return {
        "enterprise_name": "金华市婺城区公告栏示范有限公司",
        "uscc": base + uscc.calc_check_digit(base),
        "town": "白龙桥镇",
        "address": "白龙桥镇工业区9号",
        "industry": "制造业",
        "above_scale": False,
        "contact_name": "周九",
        "contact_phone": "13905791919",
        "employees_total": 30,
        "employees_returned": 8,
        "planned_start_date": "2020-02-20",
        "masks": 120,
        "disinfectant_kg": 3,
        "thermometers": 2,
        "commitment": True,
    }


def approved(stack: RunningStack, data: dict[str, object]) -> dict[str, str]:
    answer = requests.post(
        f"{stack.base_url}/api/filings/enterprise-resumption",
        json=data,
        headers=running_headers(stack, data),
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    receipt: dict[str, str] = answer.json()
    for step in ("town", "district"):
        link = eventually(lambda s=step: approval_link(stack, receipt["filing_id"], s))
        form = {"decision": "approve", "comment": "同意", "confirmed": "yes"}
        assert requests.post(link, data=form, timeout=10).status_code == 200
    return receipt


def test_a_worker_scans_the_certificate_and_meets_the_current_code(
    phone: Page, running_stack: RunningStack, tmp_path: Path
) -> None:
    stack = running_stack
    # GIVEN an enterprise approved by its town and the district
    receipt = approved(stack, body("01"))
    api = receipt["status_url"].replace("/filings/", "/api/filings/")

    def certificate() -> str | None:
        view = requests.get(api, timeout=10).json()
        return {d["kind"]: d["url"] for d in view["documents"]}.get("certificate")

    pdf = requests.get(eventually(certificate), timeout=10).content
    printed = requests.get(api, timeout=10).json()["worker_code"]
    # WHEN a worker's camera reads the certificate pinned to the notice board
    texts = [c.text for c in qr_payloads(pdf, tmp_path)]
    [join] = [t for t in texts if "/join/" in t]
    assert any("/verify/" in t for t in texts)  # the checkpoint's QR is still there
    page = phone
    page.goto(join)
    # THEN the worker form opens with the enterprise's code, shown by name on submitting
    expect(page.locator("#f-employer_code")).to_have_value(printed)
    shot(page, "certificate-join")
    # WHEN the enterprise re-issues its code THEN the same printed QR leads to the new one
    token = receipt["status_url"].split("token=")[1]
    path = f"{stack.base_url}/api/filings/{receipt['filing_id']}/worker-code?token={token}"
    new = requests.post(path, json={"action": "reissue"}, timeout=10).json()["worker_code"]
    assert new != printed
    page.goto(join)
    expect(page.locator("#f-employer_code")).to_have_value(new)
    # WHEN it stops the code THEN the scan says so, in Chinese, and offers no code
    requests.post(path, json={"action": "revoke"}, timeout=10)
    answer = page.goto(join)
    assert answer is not None and answer.status == 410
    expect(page.locator("h1")).to_have_text("登记码已停用")
    assert printed not in page.content() and new not in page.content()
    shot(page, "certificate-join-stopped")


def test_a_bare_subsidy_form_sends_its_reader_to_my_filings(
    phone: Page, running_stack: RunningStack
) -> None:
    page = phone
    # GIVEN the index: the enterprise's own forms listed apart, marked as such
    page.goto("/")
    expect(page.locator("#claims")).to_be_visible()
    shot(page, "index-claims")
    # WHEN someone opens the support subsidy form from it, with no status page behind
    page.locator('a[href="/forms/support-subsidy"]').click()
    # THEN the page says where it is filed, with nothing to fill in
    expect(page.locator("#claim-guide")).to_contain_text("从本企业的备案进度页办理")
    assert page.locator("input").count() == 0
    shot(page, "claim-guide")
    # AND it leads to 我的办件 to find the enterprise's filing by the contact's phone
    page.locator("#to-my").click()
    expect(page.locator("#f-phone")).to_be_visible()
    # AND the same in English
    page.goto("/forms/support-subsidy?lang=en")
    expect(page.locator("#claim-guide")).to_contain_text("own status page")
    shot(page, "claim-guide-en")
