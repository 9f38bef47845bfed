"""The integration tests' fixtures: the stack in process (tests/support/stack.py)."""

from tests.support.stack import faithful_dynamodb, stack  # noqa: F401  (fixtures, found by name)
