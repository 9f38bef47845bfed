"""The end-to-end tests' fixture: the real local stack (tests/support/running_stack.py)."""

from tests.support.running_stack import running_stack  # noqa: F401  (a fixture, found by name)
