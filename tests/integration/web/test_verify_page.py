"""The checkpoint's page: a slip is a receipt (never valid), a pass before its first day is
not yet valid, an unknown code is a red block, and a code can be typed in."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.documents import verify as verification
from chalicelib.store.models import Filing
from tests.support.stack import Stack, enterprise
from tests.support.workers import TODAY, approved_employer, approved_worker


def verified(stack: Stack, code: str) -> dict[str, Any]:
    answer = stack.client.http.get(f"/verify/{code}", headers={"Accept": "application/json"})
    assert answer.status_code == 200
    return json.loads(answer.body)  # type: ignore[no-any-return]


def test_a_slip_reports_its_filing_and_never_reads_valid(stack: Stack) -> None:
    # GIVEN a filing with its slip, then rejected at the town
    filing_id = json.loads(stack.submit(enterprise(serial=31)).body)["filing_id"]
    stack.pump()
    slip = Filing.get(filing_id).document_codes()["slip"]
    assert verified(stack, slip)["status"] == "in_review"
    assert stack.decide(stack.link("town", filing_id), "reject", "材料不全").status_code == 200
    stack.pump()
    # WHEN a checkpoint scans the slip
    result = verified(stack, slip)
    page = stack.client.http.get(f"/verify/{slip}").body.decode()
    # THEN it reports the filing's status, and the page says it is a receipt, not a permit
    assert result["kind"] == "slip" and result["status"] == "rejected"
    assert "verdict-receipt" in page and "不是通行或复工凭证" in page and "未通过" in page
    assert "verdict-valid" not in page and "有效" not in page
    english = stack.client.http.get(f"/verify/{slip}?lang=en").body.decode()
    assert "not a permit" in english and "Not approved" in english


def test_an_approved_filings_slip_is_still_only_a_receipt(stack: Stack) -> None:
    employer = approved_employer(stack)
    slip = Filing.get(employer).document_codes()["slip"]
    assert verified(stack, slip)["status"] == "approved"
    assert verified(stack, Filing.get(employer).document_codes()["certificate"])["status"] == (
        "valid"
    )
    assert "verdict-valid" not in stack.client.http.get(f"/verify/{slip}").body.decode()


def test_a_pass_before_its_first_day_is_not_yet_valid(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    employer = approved_employer(stack)
    _, code = approved_worker(stack, employer, serial=3)
    # WHEN it is scanned the day before its first valid day
    monkeypatch.setattr(verification, "china_today", lambda: TODAY - timedelta(days=1))
    # THEN it reads 未生效, not_yet_valid
    assert verified(stack, code)["status"] == "not_yet_valid"
    page = stack.client.http.get(f"/verify/{code}").body.decode()
    assert "未生效" in page and "verdict-not_yet_valid" in page and "有效</p>" not in page
    assert f"{TODAY.isoformat()} 起生效" in page


def test_an_unknown_code_is_a_red_block_with_a_box_to_type_another(stack: Stack) -> None:
    answer = stack.client.http.get("/verify/NOSUCHCODE234567")
    assert answer.status_code == 404
    page = answer.body.decode()
    assert 'class="verdict verdict-unknown"' in page and "查无此证" in page
    assert '<form method="get" action="/verify"' in page and 'name="code"' in page
    assert (
        stack.client.http.get(
            "/verify/NOSUCHCODE234567", headers={"Accept": "application/json"}
        ).status_code
        == 404
    )


def test_a_typed_code_opens_its_page(stack: Stack) -> None:
    employer = approved_employer(stack)
    certificate = Filing.get(employer).document_codes()["certificate"]
    # WHEN a guard types the code (lower case, with spaces) into the box
    typed = " ".join([certificate[:4].lower(), certificate[4:]])
    answer = stack.client.http.get(f"/verify?code={typed.replace(' ', '+')}&lang=en")
    # THEN the browser goes to the code's page, in the page's language
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/verify/{certificate}?lang=en"
    # AND the box alone is a page of its own
    empty = stack.client.http.get("/verify")
    assert empty.status_code == 200 and 'name="code"' in empty.body.decode()
