"""Schemathesis against the real local stack (`make run`'s): every operation of
/api/openapi.json called with generated requests, valid and invalid by the document.
No answer is a 5xx, and every answer conforms to the document: its status documented,
its content type, headers and body as described.

Bounded: at most MAX_EXAMPLES generated requests per operation and mode, derandomized
(the same requests every run), no deadline (the stack shares the machine's cores).
The operations are listed from the same generator the stack serves the document from;
each is then taken from the document as served.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from chalicelib.web import openapi
from tests.support.running_stack import RunningStack

MAX_EXAMPLES = 30


def _negatable(operation: dict[str, Any]) -> bool:
    """Something to get wrong: a body or a query or header parameter (a path's string
    cannot be made invalid: any non-empty string is one)."""
    return "requestBody" in operation or any(
        p["in"] != "path" for p in operation.get("parameters", [])
    )


RUNS = [
    (path, method.upper(), mode)
    for path, ops in openapi.document()["paths"].items()
    for method, op in ops.items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode == GenerationMode.POSITIVE or _negatable(op)
]


@pytest.fixture(scope="session")
def api_schema(running_stack: RunningStack) -> Any:
    return schemathesis.openapi.from_url(f"{running_stack.base_url}/api/openapi.json")


@pytest.mark.parametrize(
    ("path", "method", "mode"), RUNS, ids=[f"{m} {p} {mode}" for p, m, mode in RUNS]
)
def test_every_answer_conforms_and_none_is_a_server_error(
    api_schema: Any, running_stack: RunningStack, path: str, method: str, mode: GenerationMode
) -> None:
    operation = api_schema[path][method]

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def call(case: Any) -> None:
        # Every check but one: a form's rules go beyond what its JSON Schema can say
        # (the check digits of a USCC or an ID number, an employer's approved filing, a
        # red health code, returned employees not above the total), so a body valid by
        # the schema may rightly be refused with a documented 400 naming the field.
        case.call_and_validate(
            base_url=running_stack.base_url,
            excluded_checks=[positive_data_acceptance],
            timeout=30,
        )

    call()
