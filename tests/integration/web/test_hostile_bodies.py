"""Hostile bodies an outside audit sent (issue #19): about 30 KB of nested JSON on every
JSON endpoint, and on the stock endpoints a superscript digit, a 5,000-digit number and
invalid UTF-8. Each answers 400 and stores nothing, never a 500."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from chalicelib import links
from chalicelib.settings import get_settings
from chalicelib.staff import access
from tests.support.stack import Stack, approved_enterprise, enterprise
from tests.support.supplies import TOWN

DEEP_LIST = b"[" * 30_000 + b"]" * 30_000
DEEP_OBJECT = b'{"a":' * 6_000 + b"1" + b"}" * 6_000


def _json_calls(stack: Stack) -> list[tuple[str, str]]:
    """(method, path) of every endpoint that parses a JSON body."""
    employer = approved_enterprise(stack)
    token = links.status_token(employer)
    district = access.staff_token("district_office", get_settings().district_scope)
    stack.pump()
    return [
        ("POST", "/api/filings/enterprise-resumption"),
        ("POST", "/api/filings/worker-return"),
        ("POST", "/api/uploads"),
        ("POST", f"/api/filings/{employer}/started?token={token}"),
        ("PUT", f"/api/stock/{quote(TOWN)}?token={district}"),
    ]


@pytest.mark.parametrize("deep", [DEEP_LIST, DEEP_OBJECT], ids=["list", "object"])
def test_deeply_nested_json_is_a_400_on_every_json_endpoint(stack: Stack, deep: bytes) -> None:
    calls = _json_calls(stack)
    stored = stack.item_count()
    for method, path in calls:
        # WHEN ~30 KB of nesting is sent THEN 400 naming the body, not a RecursionError's 500
        answer = stack.client.http.request(
            method, path, headers={"Content-Type": "application/json"}, body=deep
        )
        assert answer.status_code == 400, (path, answer.body[:200])
        assert "_body" in json.loads(answer.body)["fields"], path
    # AND nothing stored
    assert stack.item_count() == stored


def test_deeply_nested_json_on_an_approval_link_decides_nothing(stack: Stack) -> None:
    answer = stack.submit(enterprise(serial=3))
    assert answer.status_code == 201
    stack.pump()
    path = stack.link("town")
    stored = stack.item_count()
    answer = stack.client.http.post(
        path,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        body=DEEP_LIST,
    )
    assert answer.status_code < 500 and answer.status_code != 200
    assert stack.item_count() == stored


HOSTILE_LEVELS = [
    pytest.param(b'{"masks": "\xc2\xb2"}', id="superscript-two"),
    pytest.param(b'{"masks": "' + b"9" * 5_000 + b'"}', id="5000-digit-string"),
    pytest.param(b'{"masks": ' + b"9" * 5_000 + b"}", id="5000-digit-number"),
    pytest.param(b'{"masks": 1' + b"0" * 400 + b"}", id="ten-to-the-400"),
    pytest.param(b'{"masks": "\xff\xfe"}', id="invalid-utf8"),
    pytest.param(b"\xff\xfe\xfd", id="invalid-utf8-body"),
    pytest.param(b'{"masks": "\\u0662"}', id="arabic-indic-digit"),
]


@pytest.mark.parametrize("sent", HOSTILE_LEVELS)
def test_the_stock_api_answers_400_on_hostile_levels(stack: Stack, sent: bytes) -> None:
    token = access.staff_token("town_office", TOWN)
    stored = stack.item_count()
    answer = stack.client.http.put(
        f"/api/stock/{quote(TOWN)}?token={token}",
        headers={"Content-Type": "application/json"},
        body=sent,
    )
    assert answer.status_code == 400, answer.body[:200]
    assert stack.item_count() == stored


@pytest.mark.parametrize(
    "sent",
    [
        b"town=" + quote(TOWN).encode() + b"&masks=%C2%B2",
        b"town=" + quote(TOWN).encode() + b"&masks=" + b"9" * 5_000,
        b"town=" + quote(TOWN).encode() + b"&masks=%FF%FE",
        b"town=%FF%FE&masks=1",
    ],
    ids=["superscript-two", "5000-digits", "invalid-utf8-value", "invalid-utf8-town"],
)
def test_the_dashboards_stock_form_answers_4xx_on_hostile_levels(stack: Stack, sent: bytes) -> None:
    token = access.staff_token("town_office", TOWN)
    stored = stack.item_count()
    answer = stack.client.http.post(
        f"/dashboard/stock?token={token}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=sent,
    )
    assert 400 <= answer.status_code < 500, answer.body[:200]
    assert stack.item_count() == stored
