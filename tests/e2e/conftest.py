"""The end-to-end tests' fixtures: the real local stack (tests/support/running_stack.py)
and Debian's Chromium (tests/support/browser.py)."""

from tests.support.browser import browser, phone  # noqa: F401  (fixtures, found by name)
from tests.support.running_stack import running_stack  # noqa: F401  (a fixture, found by name)
