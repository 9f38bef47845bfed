"""The risk rules in Chromium on a 360 px phone: the district publishes a county map
from its dashboard (no script), a worker asks /check whether they can come back, in
Chinese and in English, and picks their county on the worker form, province first.
A screenshot of every page (WALK_SHOTS, else a temp folder) to look at."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.support.browser import PHONE
from tests.support.running_stack import RunningStack

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ.get("WALK_SHOTS") or Path(tempfile.gettempdir()) / "jiafuwu-walks")
JIANGAN, HONGSHAN = "420102", "420111"  # 武汉市江岸区, 洪山区


def shot(page: Page, name: str) -> None:
    """The page as the person sees it, whole; and it never scrolls sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


def test_the_district_publishes_a_map_and_a_worker_checks_it(
    running_stack: RunningStack, phone: Page
) -> None:
    page = phone
    page.set_default_timeout(90_000)  # a loaded machine: no timed assertion here
    link = running_stack.staff_link()
    requests.get(link, timeout=120)  # the first view of a process loads its templates
    # GIVEN the district's dashboard: WHEN it publishes a map with a county refused
    page.goto(link)
    page.select_option("#risk-format", "csv")
    page.fill("#risk-content", f"code,level\n{JIANGAN},high\n{HONGSHAN},medium\n")
    page.locator("#risk-content").scroll_into_view_if_needed()
    shot(page, "risk-map-form")
    page.click(".risk-map-form button[type=submit]")
    # THEN the dashboard shows the version in force, one county high, one medium
    expect(page.locator(".risk-levels [data-level=high] strong")).to_have_text("1")
    expect(page.locator(".risk-levels [data-level=medium] strong")).to_have_text("1")
    page.locator("#risk-map").scroll_into_view_if_needed()
    shot(page, "risk-map-published")

    # WHEN a worker from 江岸区 asks /check, province first, then the county
    page.goto("/check")
    shot(page, "check-start")
    page.select_option("#c-province", "42")
    page.click(".check-form button[type=submit]")
    page.select_option("#c-origin_code", JIANGAN)
    page.select_option("#c-health_code", "green")
    page.select_option("#c-travel_mode", "train")
    page.click(".check-form button[type=submit]")
    # THEN the answer is no, with what to do
    expect(page.locator("#verdict .big")).to_have_text("暂不能返婺")
    expect(page.locator(".advice")).to_contain_text("请留在当地")
    shot(page, "check-refused")

    # WHEN a worker from 洪山区 by charter asks in English
    page.goto(
        f"/check?lang=en&province=42&origin_code={HONGSHAN}&health_code=green&travel_mode=charter"
    )
    # THEN they may come back, after isolating first
    expect(page.locator("#verdict .big")).to_have_text("May return")
    expect(page.locator(".advice")).to_contain_text("isolate at your lodging for 14 days")
    shot(page, "check-isolation-en")


def test_the_worker_picks_the_county_province_first(phone: Page) -> None:
    page = phone
    page.set_default_timeout(90_000)
    page.goto("/forms/worker-return")
    expect(page.locator("#f-origin_code")).to_contain_text("请先在上方选择省份")
    shot(page, "worker-form-picker-start")
    page.select_option("#p-origin_code", "52")
    page.click("#pick-origin_code button[type=submit]")
    # THEN the province's counties, grouped by city, in the form itself
    expect(
        page.locator("#f-origin_code optgroup[label=遵义市] option[value='520328']")
    ).to_have_text("湄潭县")
    page.select_option("#f-origin_code", "520328")
    page.locator("#f-origin_code").scroll_into_view_if_needed()
    shot(page, "worker-form-picker-county")
