"""The OpenAPI document at /api/openapi.json: valid OpenAPI 3.1, generated from the
catalogue (each form's JSON Schema the body of its submission), covering every route
of the API with its answers, and the app's real answers conforming to it."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from chalicelib.forms import all_forms
from tests.support.stack import Stack, enterprise

DOCUMENTED_PAGES = ("/approve/{}", "/verify/{}", "/dev/outbox")


def document(stack: Stack) -> dict[str, Any]:
    answer = stack.client.http.get("/api/openapi.json")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/json")
    return json.loads(answer.body)  # type: ignore[no-any-return]


def conforms(doc: dict[str, Any], schema_name: str, body: Any) -> list[str]:
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": doc["components"]}
    return [e.message for e in Draft202012Validator(schema).iter_errors(body)]


def test_the_document_is_valid_openapi_built_from_the_catalogue(stack: Stack) -> None:
    doc = document(stack)
    # THEN it is valid OpenAPI 3.1
    validate(doc)
    assert doc["openapi"].startswith("3.1")
    # AND each form's submission takes that form's JSON Schema as its body
    for spec in all_forms():
        post = doc["paths"][f"/api/filings/{spec.id}"]["post"]
        assert post["requestBody"]["content"]["application/json"]["schema"] == spec.json_schema()
        assert {"201", "400", "409", "413", "415", "422", "429"} <= set(post["responses"])
        assert "Retry-After" in post["responses"]["429"]["headers"]


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_every_api_route_of_the_app_is_documented(stack: Stack) -> None:
    from app import app

    doc = document(stack)
    documented = {(_shape(p), m.upper()) for p, ops in doc["paths"].items() for m in ops}
    forms = {f"/api/filings/{spec.id}" for spec in all_forms()}
    for path, methods in app.routes.items():
        if not (path.startswith("/api/") or _shape(path) in DOCUMENTED_PAGES):
            continue  # the pages for people are not an API
        for method in methods:
            if (_shape(path), method) == ("/api/filings/{}", "POST"):
                assert all((f, "POST") in documented for f in forms)  # one path per form
            else:
                assert (_shape(path), method) in documented, (path, method)


def test_every_refusal_is_documented_with_its_error_body(stack: Stack) -> None:
    doc = document(stack)
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if status.startswith("4"):
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (path, method)


@pytest.mark.parametrize(
    ("body", "headers", "status", "schema"),
    [
        (enterprise(), {}, 201, "Receipt"),
        (enterprise(employees_total=0, uscc="bad"), {}, 400, "Error"),
        ("x" * (70 * 1024), {}, 413, "Error"),
    ],
)
def test_real_answers_conform_to_the_document(
    stack: Stack, body: Any, headers: dict[str, str], status: int, schema: str
) -> None:
    doc = document(stack)
    answer = stack.submit(body, **headers)
    assert answer.status_code == status
    assert str(status) in doc["paths"]["/api/filings/enterprise-resumption"]["post"]["responses"]
    assert conforms(doc, schema, json.loads(answer.body)) == []


def test_a_filings_status_and_a_verification_conform(stack: Stack) -> None:
    from chalicelib import links
    from chalicelib.store.models import Filing

    doc = document(stack)
    filing_id = json.loads(stack.submit(enterprise()).body)["filing_id"]
    stack.pump()
    token = links.status_token(filing_id)
    status = stack.client.http.get(f"/api/filings/{filing_id}?token={token}")
    assert conforms(doc, "FilingStatus", json.loads(status.body)) == []
    code = Filing.get(filing_id).document_codes()["slip"]
    verified = stack.client.http.get(f"/verify/{code}", headers={"Accept": "application/json"})
    assert conforms(doc, "Verification", json.loads(verified.body)) == []
    assert conforms(doc, "OutboxMessage", stack.outbox()[0]) == []
    # AND a wrong answer would not conform (the check can fail)
    assert conforms(doc, "Verification", {"code": 1}) != []
