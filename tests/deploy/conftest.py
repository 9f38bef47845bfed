"""The integration tests' fixtures (the stack in process: moto, Chalice's test client,
the emulator's repairs), for the policy test's recorded run."""

from tests.integration.conftest import *  # noqa: F403  (fixtures, found by name)
