"""Debian's Chromium through Playwright, as the e2e walks drive it: one browser per
module, a phone's context (360x740, touch) per test. Fixtures, re-exported by
tests/e2e/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.running_stack import RunningStack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser: Browser, running_stack: RunningStack) -> Iterator[Page]:
    context = browser.new_context(
        viewport=PHONE, base_url=running_stack.base_url, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()
