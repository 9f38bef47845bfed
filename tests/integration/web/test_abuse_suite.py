"""The standing abuse suite (issue #19): generated hostile values thrown at every field of
every form (chalicelib.forms.all_forms()) and at every JSON endpoint. Every answer is a
4xx and nothing is stored (no new DynamoDB item, no new S3 object); never a 5xx.

A value is hostile when no field may accept it: control characters, bidirectional
controls, only invisible characters, lone surrogates, whole numbers past any field's
ceiling, 30 levels of nesting, text far past any length. Each is put into an otherwise
valid body where the form has one (enterprise-resumption), else into a body of the
form's own fields, so that the hostile value is what is refused."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib import links
from chalicelib.forms import all_forms
from chalicelib.settings import get_settings
from chalicelib.staff import access
from tests.support.stack import Stack, approved_enterprise, enterprise
from tests.support.supplies import TOWN

EXAMPLES = 30  # per form and per endpoint: about a minute in all on the shared machine

CONTROL = [chr(c) for c in (*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85, 0x9F)]
BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u3164", "\u115f"]


def _with(marks: list[str]) -> st.SearchStrategy[str]:
    """Ordinary text with at least one of `marks` inside it."""
    text = st.text(alphabet="王五金华ab1-", min_size=1, max_size=8)  # inside, not stripped
    return st.tuples(text, st.sampled_from(marks), text).map("".join)


HOSTILE_TEXT = st.one_of(
    _with(CONTROL),
    _with(BIDI),
    st.lists(st.sampled_from(INVISIBLE), min_size=1, max_size=6).map("".join),
    _with(["\ud800", "\udfff"]),  # lone surrogates: valid JSON, no valid text
)
HOSTILE = st.one_of(
    HOSTILE_TEXT,
    st.integers(min_value=10**10, max_value=10**60),  # past every ceiling, past 38 digits
    st.integers(min_value=-(10**60), max_value=-(10**10)),
    st.just("x" * 5_000),  # past every length
    st.just(json.loads("[" * 30 + "]" * 30)),  # nesting (the body parser's bound is 16)
    st.dictionaries(st.text(max_size=3), st.integers(), min_size=1, max_size=2),
)


@pytest.fixture
def abused(stack: Stack) -> tuple[Stack, dict[str, Any]]:
    """The stack with an approved employer, a filing waiting for its town, and the
    links and tokens the endpoints take."""
    employer = approved_enterprise(stack)
    answer = stack.submit(enterprise(serial=11))
    assert answer.status_code == 201
    stack.pump()
    return (
        stack,
        {
            "employer": employer,
            "employer_token": links.status_token(employer),
            "approve": stack.link("town", json.loads(answer.body)["filing_id"]),
            "district": access.staff_token("district_office", get_settings().district_scope),
        },
    )


def _base(form: str) -> dict[str, Any]:
    # A hostile value is refused by the form's rules, before any filing it names is read.
    if form == "enterprise-resumption":
        return enterprise(serial=12)
    return {"enterprise_filing_id": "0" * 32, "employer_filing_id": "0" * 32}


def _refused_storing_nothing(stack: Stack, answer: Any, stored: int) -> None:
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.body[:300])
    assert stack.item_count() == stored


FORMS = [spec.id for spec in all_forms()]
SUITE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("form", FORMS)
def test_a_hostile_value_in_any_field_of_any_form_is_refused(stack: Stack, form: str) -> None:
    spec = next(s for s in all_forms() if s.id == form)
    fields = sorted(spec.json_schema()["properties"])

    @SUITE
    @given(field=st.sampled_from(fields), value=HOSTILE)
    def attack(field: str, value: Any) -> None:
        body = {k: v for k, v in _base(form).items() if k in fields}
        body[field] = value
        stored = stack.item_count()
        answer = stack.client.http.post(
            f"/api/filings/{form}",
            headers={"Content-Type": "application/json"},
            body=json.dumps(body).encode(),  # ASCII escapes: a lone surrogate is sent as JSON can
        )
        _refused_storing_nothing(stack, answer, stored)

    attack()


def _endpoints(context: dict[str, Any]) -> dict[str, tuple[str, str, list[str]]]:
    """name -> (method, path, the body's fields)."""
    employer, token = context["employer"], context["employer_token"]
    return {
        "uploads": ("POST", "/api/uploads", ["form", "field", "content_type"]),
        "started": ("POST", f"/api/filings/{employer}/started?token={token}", ["started_on"]),
        "stock": (
            "PUT",
            f"/api/stock/{quote(TOWN)}?token={context['district']}",
            ["masks", "disinfectant", "thermometers"],
        ),
        "approve": ("POST", context["approve"], ["comment"]),
    }


@pytest.mark.parametrize("endpoint", ["uploads", "started", "stock", "approve"])
def test_a_hostile_value_on_any_json_endpoint_is_refused(
    abused: tuple[Stack, dict[str, Any]], endpoint: str
) -> None:
    stack, context = abused
    method, path, fields = _endpoints(context)[endpoint]
    # A decision's comment is text whatever was sent: only hostile text is hostile there.
    values = HOSTILE_TEXT if endpoint == "approve" else HOSTILE

    @SUITE
    @given(field=st.sampled_from(fields), value=values)
    def attack(field: str, value: Any) -> None:
        body: dict[str, Any] = {field: value}
        if endpoint == "approve":
            body["decision"] = "reject"  # a rejection's comment is stored: it must be clean
        stored = stack.item_count()
        answer = stack.client.http.request(
            method,
            path,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            body=json.dumps(body).encode(),
        )
        _refused_storing_nothing(stack, answer, stored)

    attack()
