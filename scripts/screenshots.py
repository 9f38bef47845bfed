"""Screenshots of every page, on a phone (360 px) and a desktop (1280 px), for the README:
starts the stack of `make run` on free ports, walks a filing through it in Debian's
Chromium (Playwright), and writes docs/screenshots/<page>-<phone|desktop>.png.

    .venv/bin/python scripts/screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

import requests
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack.local import Spawned  # noqa: E402  (the repository's root, just above)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}
USCC = "91330702MA2D77701"  # 17 characters; the check digit is computed


def wait_for(probe: object, what: str, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := probe():  # type: ignore[operator]
            return str(value)
        time.sleep(0.25)
    raise SystemExit(f"timed out waiting for {what}")


def outbox_link(base: str, filing_id: str, step: str) -> str | None:
    for m in requests.get(f"{base}/dev/outbox", timeout=10).json():
        if m["filing_id"] == filing_id and m.get("step") == step:
            return str(m["links"][0])
    return None


def verify_link(base: str, filing_id: str) -> str | None:
    for m in requests.get(f"{base}/dev/outbox", timeout=10).json():
        found = re.search(r"/verify/[0-9A-Z]+", m["text"])
        if m["filing_id"] == filing_id and found:
            return base + found.group(0)
    return None


def staff_link(log: Path) -> str:
    for line in log.read_text().splitlines():
        if line.strip().startswith("Staff dashboard:"):
            return line.split(":", 1)[1].strip()
    raise SystemExit("no staff link in the banner")


def fill(page: Page, uscc: str) -> None:
    page.fill("#f-enterprise_name", "金华市婺城区示例机械有限公司")
    page.fill("#f-uscc", uscc)
    page.select_option("#f-town", "白龙桥镇")
    page.fill("#f-address", "白龙桥镇工业区8号")
    page.select_option("#f-industry", "制造业")
    page.fill("#f-contact_name", "王五")
    page.fill("#f-contact_phone", "13905791234")
    page.fill("#f-contact_email", "wang@example.com")
    page.fill("#f-employees_total", "120")
    page.fill("#f-employees_returned", "80")
    page.fill("#f-planned_start_date", "2020-02-10")
    for name, value in (("masks", "3000"), ("disinfectant_kg", "50"), ("thermometers", "10")):
        page.fill(f"#f-{name}", value)
    page.check("#f-commitment")


def shoot(browser: Browser, base: str, name: str, url: str, out: Path) -> None:
    for device, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport, base_url=base)
        page = context.new_page()
        page.goto(url)
        page.screenshot(path=out / f"{name}-{device}.png", full_page=True)
        context.close()


def shoot_form_error(browser: Browser, base: str, uscc: str, out: Path) -> None:
    for device, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport, base_url=base)
        page = context.new_page()
        page.goto("/forms/enterprise-resumption")
        fill(page, uscc[:-1] + ("0" if uscc[-1] != "0" else "1"))
        page.get_by_role("button", name="提交").click()
        page.locator("#error-summary").wait_for()
        page.screenshot(path=out / f"form-error-{device}.png", full_page=True)
        context.close()


def main(out: Path) -> None:
    from stdnum.cn import uscc

    code = USCC + uscc.calc_check_digit(USCC)
    out.mkdir(parents=True, exist_ok=True)
    log = Path(tempfile.mkdtemp()) / "stack.log"
    stack = Spawned(log)  # the same start-up as the end-to-end tests and the load test
    base = stack.base_url
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            shoot(browser, base, "home", "/", out)
            shoot(browser, base, "form", "/forms/enterprise-resumption", out)
            shoot(browser, base, "form-en", "/forms/enterprise-resumption?lang=en", out)
            shoot(browser, base, "form-charter", "/forms/charter-subsidy", out)
            shoot_form_error(browser, base, code, out)
            page = browser.new_context(viewport=VIEWPORTS["phone"], base_url=base).new_page()
            page.goto("/forms/enterprise-resumption")
            fill(page, code)
            page.get_by_role("button", name="提交").click()
            page.wait_for_url(re.compile(r"/filings/"))
            status = page.url
            filing_id = status.split("/filings/")[1].split("?")[0]
            town = wait_for(lambda: outbox_link(base, filing_id, "town"), "the town's link")
            shoot(browser, base, "slip", status, out)
            shoot(browser, base, "approve", town, out)
            page.goto(town)
            page.get_by_role("button", name="通过").click()
            page.get_by_role("button", name="确认通过").click()  # the second page
            district = wait_for(
                lambda: outbox_link(base, filing_id, "district"), "the district's link"
            )
            page.goto(district)
            page.get_by_role("button", name="通过").click()
            page.get_by_role("button", name="确认通过").click()
            verify = wait_for(lambda: verify_link(base, filing_id), "the certificate")
            shoot(browser, base, "status-approved", status, out)
            shoot(browser, base, "verify", verify, out)
            shoot(browser, base, "approve-used", town, out)
            shoot(browser, base, "dashboard", staff_link(log), out)
            browser.close()
    finally:
        stack.stop()
    print(f"screenshots in {out}: {len(list(out.glob('*.png')))} files")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
