"""The checkpoint's scanner in Chromium at 360 px, its camera a video of the rendered
pass's QR: a valid pass reads 有效, a withdrawn one 无效 with its reason, a pass before
its first day 未生效 (the device's clock set back) — within 300 ms of the decode; then
the same with the browser offline (the service worker serves the page, the lists are
on the device), and the queued scans arrive at the server once it is back online."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, sync_playwright

from chalicelib.core.clock import CHINA
from tests.e2e.test_worker_walk import an_approved_employer, approve, status_of
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.support.camera import qr_video
from tests.support.phones import running_headers
from tests.support.running_stack import RunningStack
from tests.support.walks import eventually

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).resolve().parents[2] / "build" / "scanner-shots"


def a_pass(stack: RunningStack, employer: str, serial: int) -> tuple[str, str, bytes]:
    """A worker walked to a pass over HTTP (named by its employer's worker code, its phone
    proven): its filing, status link and the pass's PDF."""
    from stdnum.cn import ric

    base = f"35012219880214{serial:03d}"
    worker = {
        "name": "冉德开",
        "id_number": base + ric.calc_check_digit(base + "0"),
        "phone": f"1381234{serial:04d}",
        "origin_province": "贵州省",
        "origin_city": "遵义市",
        "origin_county": "湄潭县",
        "origin_risk": "low",
        "health_code": "green",
        "travel_mode": "train",
        "arrival_date": datetime.now(CHINA).date().isoformat(),
        "employer_code": employer,
        "lodging_town": "汤溪镇",
        "lodging_village": "后溪村",
        "lodging_address": "后溪村5号",
        "symptoms_14d": False,
        "contact_history_14d": False,
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
        approve(stack, filing_id, step)
    documents = eventually(
        lambda: (
            {d["kind"]: d["url"] for d in status_of(status_url)["documents"]}  # type: ignore[union-attr]
            if any(d["kind"] == "pass" for d in status_of(status_url)["documents"])  # type: ignore[union-attr]
            else None
        )
    )

    def download() -> bytes | None:
        answer = requests.get(documents["pass"], timeout=30)
        return answer.content if answer.content.startswith(b"%PDF") else None

    return filing_id, status_url, eventually(download)


def checkpoint_link(stack: RunningStack) -> str:
    staff = stack.staff_link()
    token = staff.split("token=")[1]
    answer = requests.post(
        f"{stack.base_url}/dashboard/checkpoints?token={token}",
        data={"name": "汤溪镇后溪村卡口", "town": "汤溪镇"},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    found = re.search(r'href="(http://[^"]+/scan\?[^"]+)"', answer.text)
    assert found
    return found.group(1).replace("&amp;", "&")


def scans_today(stack: RunningStack) -> int:
    page = requests.get(stack.staff_link(), timeout=60).text  # the district: many counters
    row = re.search(
        r'<tr data-checkpoint="[0-9a-f]+"><th scope="row">汤溪镇后溪村卡口.*?</tr>', page
    )
    assert row
    return int(re.findall(r"<td>(\d+)</td>", row.group(0))[0])


@pytest.fixture(scope="module")
def passes(running_stack: RunningStack, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    stack = running_stack
    workdir = tmp_path_factory.mktemp("camera")
    employer = an_approved_employer(stack, serial=16)
    _, valid_url, valid_pdf = a_pass(stack, employer, 11)
    withdrawn_id, withdrawn_url, withdrawn_pdf = a_pass(stack, employer, 12)
    token = withdrawn_url.split("token=")[1]
    answer = requests.post(
        f"{stack.base_url}/api/filings/{withdrawn_id}/withdraw?token={token}", json={}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    # the withdrawal reaches the revocation list through the S3 -> SQS event
    eventually(
        lambda: (
            requests.get(f"{stack.base_url}/api/revocations", timeout=10).json()["withdrawn"]
            or None
        )
    )
    valid_video, valid_text = qr_video(valid_pdf, workdir, "valid")
    valid_code = valid_text.split("/verify/")[1].split("#")[0]
    withdrawn_video, _ = qr_video(withdrawn_pdf, workdir, "withdrawn")
    assert "#JF1:" in valid_text  # the PDF's QR carries the seal
    return {
        "valid": valid_video,
        "valid_code": valid_code,
        "valid_status": valid_url,
        "withdrawn": withdrawn_video,
        "checkpoint": checkpoint_link(stack),
    }


def scanner(video: Path) -> Iterator[Any]:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()


def verdict(page: Page, shot: str) -> dict[str, str]:
    page.wait_for_selector("#verdict:not([hidden])", timeout=20_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{shot}.png"))
    box = page.locator("#verdict")
    return {
        "status": box.get_attribute("data-status") or "",
        "reason": box.get_attribute("data-reason") or "",
        "ms": box.get_attribute("data-ms") or "",
        "word": page.locator("#verdict-word").inner_text(),
        "why": page.locator("#verdict-reason").inner_text(),
    }


def settled(page: Page, selector: str, attribute: str, value: str) -> None:
    """Polled from here: the page's CSP (no 'unsafe-eval') refuses Playwright's string
    predicates."""
    eventually(lambda: page.locator(selector).get_attribute(attribute) == value or None)


def test_a_checkpoint_scans_online_and_offline_and_its_log_arrives(
    running_stack: RunningStack, passes: dict[str, Any]
) -> None:
    stack = running_stack
    before = scans_today(stack)
    for browser in scanner(passes["valid"]):
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, permissions=["camera"]
        )
        page = context.new_page()
        # GIVEN the guard opened the checkpoint's link once, online
        page.goto(passes["checkpoint"])
        settled(page, "#lists", "data-state", "fresh")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # installed, cached
        assert "汤溪镇后溪村卡口" in page.locator("#checkpoint").inner_text()
        seen = verdict(page, "scan-valid-online")
        # THEN a valid pass reads 有效, full-screen, within 300 ms of the decode
        assert (seen["status"], seen["word"]) == ("valid", "有效")
        assert int(seen["ms"]) < 300
        eventually(lambda: scans_today(stack) == before + 1 or None)
        # WHEN the network goes (the verdict still up: no scan meanwhile), the page
        # reloads from the service worker, the lists kept on the device
        context.set_offline(True)
        page.reload()
        page.wait_for_selector("#lists")
        assert "离线" in page.locator("#lists").inner_text()
        seen = verdict(page, "scan-valid-offline")
        assert seen["status"] == "valid" and int(seen["ms"]) < 300
        queued = int(page.locator("#queue").get_attribute("data-count") or "0")
        assert queued == 1 and scans_today(stack) == before + 1  # held on the device
        # WHEN the network is back, the queue is sent
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        eventually(lambda: scans_today(stack) == before + 2 or None)
        settled(page, "#queue", "data-count", "0")
        # AND a code typed in (the camera waits while the guard types) is checked online
        page.locator("#verdict").click()
        page.locator("#code").fill(passes["valid_code"])
        page.locator("#code").press("Enter")
        seen = verdict(page, "scan-typed")
        assert seen["status"] == "valid"
        assert page.locator("#verdict").get_attribute("data-code") == passes["valid_code"]
        context.close()
        # AND the worker's pass on screen shows the same sealed QR, large, at 360 px
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.goto(passes["valid_status"].replace("?token=", "/pass?token="))
        page.screenshot(path=str(SHOTS / "pass-on-screen.png"))
        box = page.locator(".pass-qr svg").bounding_box()
        assert box and box["width"] >= 300  # nearly the phone's width
        assert page.locator(".pass-holder").inner_text() == "冉*开"
        context.close()
        # AND the same pass on a device whose clock says the day before: 未生效
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, permissions=["camera"]
        )
        page = context.new_page()
        page.clock.set_fixed_time(datetime.now(CHINA) - timedelta(days=1))
        page.goto(passes["checkpoint"])
        seen = verdict(page, "scan-not-yet-valid")
        assert (seen["status"], seen["word"]) == ("not_yet_valid", "未生效")
        assert "起生效" in seen["why"] and int(seen["ms"]) < 300
        context.close()
    for browser in scanner(passes["withdrawn"]):
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, permissions=["camera"]
        )
        page = context.new_page()
        page.goto(passes["checkpoint"])
        seen = verdict(page, "scan-withdrawn-online")
        # THEN a withdrawn pass reads 无效 with its reason, online and offline
        assert (seen["status"], seen["reason"], seen["word"]) == ("invalid", "withdrawn", "无效")
        assert seen["why"] == "申请已撤回"
        context.set_offline(True)
        page.reload()
        seen = verdict(page, "scan-withdrawn-offline")
        assert (seen["status"], seen["reason"]) == ("invalid", "withdrawn")
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        settled(page, "#queue", "data-count", "0")
        context.close()
