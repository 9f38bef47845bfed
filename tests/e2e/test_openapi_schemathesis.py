"""Schemathesis against the real local stack (`make run`'s): every operation of
/api/openapi.json called with generated requests, valid and invalid by the document,
and every check schemathesis has run on each answer: no 5xx; the status, content type,
headers and body as documented; a request invalid by the document refused
(negative_data_rejection) and one valid by it accepted (positive_data_acceptance);
missing required headers, unsupported methods and ignored credentials refused.

What JSON Schema cannot say the document names, and the generator honours
(tests/support/openapi_cases.py): check digits are custom formats (`uscc`,
`cn-resident-id`) with registered generators; a reference to an approved filing
(`x-reference`) and an upload (`x-upload`) name what was seeded in the stack first; a
comparison of two fields (`x-at-most`, `x-at-most-by`) is kept. So a valid submission
must be stored: 201, unless an open filing holds its `x-unique` value already (409) or
its address's minute is full (429).

Bounded: at most MAX_EXAMPLES generated requests per operation and mode (the env
SCHEMATHESIS_EXAMPLES changes it), derandomized (the same requests every run), no
deadline (the stack shares the machine's cores). The operations are listed from the
same generator the stack serves the document from; each is then taken from the
document as served.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation.modes import GenerationMode

from chalicelib.forms import get_form
from chalicelib.settings import get_settings
from chalicelib.web import openapi
from tests.support.env import TEST_ENV
from tests.support.openapi_cases import (
    RISK_MAP_CSV,
    RISK_MAP_JSON,
    Seeds,
    make_valid,
    register_formats,
    seed,
    with_proofs,
)
from tests.support.running_stack import RunningStack

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "60"))
# Of the checks schemathesis has, every one that judges an answer (the class-based ones
# need a stateful run and say so themselves).
load_all_checks()
EVERY_CHECK = [check for check in CHECKS.get_all() if not isinstance(check, type)]
NAMED = {
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
    "missing_required_header",
    "unsupported_method",
}


def _document() -> dict[str, Any]:
    # Built here only to list the operations: with the tests' settings (a form's limits
    # may be settings), then forgotten, so the tests' own settings are read afresh.
    with mock.patch.dict(os.environ, TEST_ENV):
        get_settings.cache_clear()
        try:
            return openapi.document()
        finally:
            get_settings.cache_clear()


def _negatable(operation: dict[str, Any]) -> bool:
    """Something to get wrong: a body or a query or header parameter (a path's string
    cannot be made invalid: any non-empty string is one)."""
    return "requestBody" in operation or any(
        p["in"] != "path" for p in operation.get("parameters", [])
    )


RUNS = [
    (path, method.upper(), mode)
    for path, ops in _document()["paths"].items()
    for method, op in ops.items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode == GenerationMode.POSITIVE or _negatable(op)
]


@pytest.fixture(scope="module")
def api_schema(running_stack: RunningStack) -> Any:
    register_formats()
    return schemathesis.openapi.from_url(f"{running_stack.base_url}/api/openapi.json")


@pytest.fixture(scope="module")
def seeds(running_stack: RunningStack, api_schema: Any) -> Seeds:
    return seed(running_stack, api_schema.raw_schema)


def test_every_check_is_run() -> None:
    assert {check.__name__ for check in EVERY_CHECK} >= NAMED


def _body_schema(raw: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    body = raw["paths"][path][method.lower()].get("requestBody", {})
    return dict(body.get("content", {}).get("application/json", {}).get("schema", {}))


def _stored_unless_held(
    form: str, schema: dict[str, Any], body: Any, status: int, held: set[tuple[str, ...]]
) -> None:
    """A valid filing is stored (201), not merely "not refused": unless an open filing
    already holds its `x-unique` value (409), or its address's minute is full (429). The
    value is compared as stored: the form's model normalises it (get_form)."""
    if status == 429:
        return
    key = tuple(
        str(get_form(form).validate(body).model_dump(mode="json")[f])
        for f in schema.get("x-unique", [])
    )
    if key and key in held:
        assert status in (201, 409), status  # the same key again: a replay, or the duplicate
        return
    assert status == 201, (status, key)
    if key:
        held.add(key)


def _parameters(raw: dict[str, Any], path: str, method: str, marked: str) -> list[dict[str, Any]]:
    return [p for p in raw["paths"][path][method.lower()].get("parameters", []) if p.get(marked)]


@pytest.mark.parametrize(
    ("path", "method", "mode"), RUNS, ids=[f"{m} {p} {mode}" for p, m, mode in RUNS]
)
def test_every_answer_conforms_and_none_is_a_server_error(
    api_schema: Any,
    seeds: Seeds,
    running_stack: RunningStack,
    path: str,
    method: str,
    mode: GenerationMode,
) -> None:
    operation = api_schema[path][method]
    body_schema = _body_schema(api_schema.raw_schema, path, method)
    answered: Counter[int] = Counter()

    keyed = [
        p["name"] for p in _parameters(api_schema.raw_schema, path, method, "x-unique-per-body")
    ]

    def valid(case: Any) -> Any:
        if case.media_type == "application/json" and case.body is not None:
            case.body = make_valid(case.body, body_schema, seeds)
        if path == "/api/risk-maps":  # a whole map: every county known, every level valid
            case.body = RISK_MAP_CSV if case.media_type == "text/csv" else dict(RISK_MAP_JSON)
        if form is not None:  # the proofs a page would have obtained (issue 14)
            case.headers = dict(case.headers or {})
            case.query = dict(case.query or {})
            with_proofs(form, case.body, case.headers, case.query)
        for name in keyed:  # a key names one body: derived from it
            if case.headers and name in case.headers:
                case.headers[name] = hashlib.sha256(repr(case.body).encode()).hexdigest()
        return case

    strategy = operation.as_strategy(generation_mode=mode)
    if mode == GenerationMode.POSITIVE:
        strategy = strategy.map(valid)
    auth = None
    if "security" in api_schema.raw_schema["paths"][path][method.lower()]:
        # A staff call carries the district's staff link (`make run`'s banner prints it),
        # so that ignored_auth sees it refused without it, or with a bad one beside it.
        token = parse_qs(urlsplit(running_stack.staff_link()).query)["token"][0]
        auth = {"Authorization": f"Bearer {token}"}

    # A schema-valid code is, but for one in a million, not the code the SMS carried: its
    # refusal (400 code_refused) is the answer, and is checked by every other check.
    checks = [
        c
        for c in EVERY_CHECK
        if not (path == "/api/phone-codes/verify" and c.__name__ == "positive_data_acceptance")
    ]
    filing = mode == GenerationMode.POSITIVE and path.startswith("/api/filings/")
    form = path.removeprefix("/api/filings/") if filing and "{" not in path else None
    held: set[tuple[str, ...]] = set()  # the x-unique values this run's filings hold

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def call(case: Any) -> None:
        response = case.call_and_validate(
            base_url=running_stack.base_url, headers=auth, checks=checks, timeout=30
        )
        answered[response.status_code] += 1
        if form is not None:
            _stored_unless_held(form, body_schema, case.body, response.status_code, held)

    call()
    if form is not None:
        assert answered[201] > 0, answered
