"""Staff's walk in Chromium, on a 360 px phone and on a desktop: the district's dashboard
readable at either width (bar labels at the page's text size, no rows of zeros), fast
on the local stack, with an icon; each export downloaded. Screenshots are kept under
build/screenshots/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import requests
from playwright.sync_api import Browser

from tests.support.browser import PHONE
from tests.support.phones import running_headers
from tests.support.running_stack import RunningStack
from tests.support.stack import make_uscc

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
DESKTOP = {"width": 1366, "height": 900}


def file_some(stack: RunningStack) -> None:
    for n, town in enumerate(("罗埠镇", "白龙桥镇", "罗埠镇", "汤溪镇")):
        body = {
            "enterprise_name": f"金华市婺城区示例{n}号机械有限公司",
            "uscc": make_uscc(900 + n),
            "town": town,
            "address": "工业园区1号",
            "industry": "制造业",
            "above_scale": True,
            "contact_name": "王五",
            "contact_phone": "13905791234",
            "employees_total": 50,
            "employees_returned": 20,
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
        )
        assert answer.status_code == 201, answer.text


def filed_towns(stack: RunningStack, link: str) -> set[str]:
    """The towns with any filing, as the district's statistics count them."""
    token = link.split("token=")[1].split("&")[0]
    stats = requests.get(
        f"{stack.base_url}/api/stats", headers={"Authorization": f"Bearer {token}"}, timeout=30
    ).json()
    return {
        town
        for town, block in stats["towns"].items()
        if any(n for statuses in block["filings"].values() for n in statuses.values())
    }


def test_the_districts_dashboard_reads_well_on_a_phone_and_a_desktop(
    browser: Browser, running_stack: RunningStack
) -> None:
    # GIVEN a few filings in three towns, and the district's link from the banner
    file_some(running_stack)
    link = running_stack.staff_link()
    requests.get(link, timeout=30)  # the first view of a process loads its templates
    SHOTS.mkdir(parents=True, exist_ok=True)

    # WHEN it is opened over HTTP THEN it answers (its speed is measured by make bench,
    # benchmarks/bench_staff.py, in calls against their minimum: no timed assertion here)
    assert requests.get(link, timeout=30).status_code == 200

    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=viewport, base_url=running_stack.base_url)
        page = context.new_page()
        page.goto(link)
        page.screenshot(path=str(SHOTS / f"dashboard-{name}.png"), full_page=True)
        # THEN the bars' town names are set at the page's size, not scaled down
        size = page.locator(".town-bar .town").first.evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        assert size >= 14
        # AND only the towns with filings are drawn (this walk's three, and those of the
        # walks before it on the shared stack), the others named once
        drawn = {t.inner_text().strip() for t in page.locator(".town-bar .town").all()}
        assert {"罗埠镇", "白龙桥镇", "汤溪镇"} <= drawn
        assert drawn == filed_towns(running_stack, link)
        assert page.locator(".quiet").first.is_visible()
        # AND the page uses a desktop's width
        main = page.locator("main").bounding_box()
        assert main is not None
        assert main["width"] >= (1000 if name == "desktop" else viewport["width"] - 1)
        context.close()

    # AND the icon answers, where it is named and where a browser looks for it
    icon = requests.get(f"{running_stack.base_url}/favicon.ico", timeout=10)
    assert icon.status_code == 200 and icon.headers["Content-Type"] == "image/svg+xml"
    assert (
        "Content-Security-Policy" not in icon.headers
        or "script-src 'none'" in icon.headers["Content-Security-Policy"]
    )
