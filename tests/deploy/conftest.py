"""The integration tests' fixtures (the stack in process: moto, Chalice's test client,
the emulator's repairs), for the policy test's recorded run."""

from tests.support.stack import faithful_dynamodb, stack  # noqa: F401  (fixtures, found by name)
