"""A returning worker's whole life on moto: registration against an approved employer,
employer and village confirmations, the docking slip, the joint check-in in either
order, the pass and its verification; refusals; withdrawal and revocation."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from chalicelib import links
from chalicelib.filing import transitions
from chalicelib.store.models import Document, Filing, Task
from tests.support.stack import Stack, enterprise
from tests.support.workers import (
    TODAY,
    WORKERS,
    approved_employer,
    approved_worker,
    make_id,
    worker,
)


def verify(stack: Stack, code: str) -> dict[str, Any]:
    answer = stack.client.http.get(f"/verify/{code}", headers={"Accept": "application/json"})
    assert answer.status_code == 200
    return json.loads(answer.body)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "order", [("checkin_employer", "checkin_village"), ("checkin_village", "checkin_employer")]
)
def test_a_worker_goes_from_registration_to_a_pass_that_verifies(
    stack: Stack, order: tuple[str, str]
) -> None:
    employer = approved_employer(stack)
    # WHEN a worker registers
    answer = stack.post_json(WORKERS, worker(employer))
    assert answer.status_code == 201, answer.body
    filing_id = json.loads(answer.body)["filing_id"]
    stack.pump()
    # THEN the employer's own contact is asked to confirm, by email and SMS
    asked = [m for m in stack.outbox() if m.get("step") == "employer"]
    assert {m["to"] for m in asked} == {"wang@example.com", "+8613905791234"}
    assert stack.decide(stack.link("employer", filing_id), "approve").status_code == 200
    stack.pump()
    # AND then the lodging town's office confirms
    assert Task.get(filing_id, "village").scope == "罗埠镇"
    assert stack.decide(stack.link("village", filing_id), "approve").status_code == 200
    stack.pump()
    # THEN a docking slip is issued and sent, and both check-ins are open, no pass yet
    filing = Filing.get(filing_id)
    assert set(filing.document_codes()) == {"slip", "docking_slip"}
    assert filing.status == "in_review"
    assert {filing.step_status("checkin_employer"), filing.step_status("checkin_village")} == {
        "open"
    }
    assert any(
        "电子返婺对接单已签发" in m["subject"]
        for m in stack.outbox()
        if m["to"] == "ran@example.com"
    )
    # WHEN the first check-in comes THEN still no pass
    assert stack.decide(stack.link(order[0], filing_id), "approve").status_code == 200
    stack.pump()
    assert "pass" not in Filing.get(filing_id).document_codes()
    # WHEN the second comes THEN the pass is issued and the filing approved
    assert stack.decide(stack.link(order[1], filing_id), "approve").status_code == 200
    stack.pump()
    filing = Filing.get(filing_id)
    assert filing.status == "approved"
    code = filing.document_codes()["pass"]
    # AND the pass verifies: valid, the holder masked, 14 days from arrival, no ID number
    result = verify(stack, code)
    assert result == {
        "code": code,
        "kind": "pass",
        "status": "valid",
        "holder": "冉*开",
        "valid_from": TODAY.isoformat(),
        "valid_to": (TODAY + timedelta(days=13)).isoformat(),
    }
    page = stack.client.http.get(f"/verify/{code}").body.decode()
    assert "冉*开" in page and make_id(1) not in page and "冉德开" not in page
    assert Document.get(code).depends_on == employer


def test_refusals_name_the_field(stack: Stack) -> None:
    employer = approved_employer(stack)
    pending = json.loads(stack.submit(enterprise(serial=8)).body)["filing_id"]
    before = stack.item_count()
    cases = [
        (worker(employer, health_code="red"), "health_code"),
        (
            worker(employer, id_number=make_id(1)[:-1] + ("0" if make_id(1)[-1] != "0" else "1")),
            "id_number",
        ),
        (worker(pending), "employer_filing_id"),
        (worker("0" * 32), "employer_filing_id"),
        (worker(employer, lodging_town="东阳市"), "lodging_town"),
    ]
    for body, field in cases:
        answer = stack.post_json(WORKERS, body)
        assert answer.status_code == 400, body
        assert list(json.loads(answer.body)["fields"]) == [field]
    assert stack.item_count() == before


def test_withdrawal_revokes_the_pass_and_gones_the_links(stack: Stack) -> None:
    employer = approved_employer(stack)
    filing_id = json.loads(stack.post_json(WORKERS, worker(employer)).body)["filing_id"]
    stack.pump()
    link = stack.link("employer", filing_id)
    token = links.status_token(filing_id)
    # WHEN the worker withdraws through the status link
    answer = stack.client.http.post(f"/api/filings/{filing_id}/withdraw?token={token}")
    assert answer.status_code == 200
    assert json.loads(answer.body)["status"] == "withdrawn"
    # THEN the employer's link answers 410 and the worker may register again
    assert stack.client.http.get(link).status_code == 410
    assert Task.get(filing_id, "employer").status == "superseded"
    assert stack.post_json(WORKERS, worker(employer)).status_code == 201
    # AND a wrong token withdraws nothing
    other = json.loads(stack.post_json(WORKERS, worker(employer, serial=2)).body)["filing_id"]
    refused = stack.client.http.post(f"/api/filings/{other}/withdraw?token={token}")
    assert refused.status_code == 403
    assert Filing.get(other).status == "submitted"


def test_a_pass_is_revoked_at_once_when_its_worker_withdraws(stack: Stack) -> None:
    employer = approved_employer(stack)
    filing_id, code = approved_worker(stack, employer, 3)
    assert verify(stack, code)["status"] == "valid"
    token = links.status_token(filing_id)
    assert (
        stack.client.http.post(f"/api/filings/{filing_id}/withdraw?token={token}").status_code
        == 200
    )
    assert verify(stack, code)["status"] == "revoked"
    assert "已撤销" in stack.client.http.get(f"/verify/{code}").body.decode()


def test_every_pass_of_an_employer_is_revoked_when_its_filing_is_revoked(stack: Stack) -> None:
    employer = approved_employer(stack)
    passes = [approved_worker(stack, employer, serial)[1] for serial in (4, 5)]
    certificate = Filing.get(employer).document_codes()["certificate"]
    assert {verify(stack, c)["status"] for c in [*passes, certificate]} == {"valid"}
    # WHEN the district revokes the employer's filing
    transitions.revoke(employer, "虚假承诺", "婺城区三服务办")
    # THEN its certificate and every pass of its workers verify as revoked at once
    assert {verify(stack, c)["status"] for c in [*passes, certificate]} == {"revoked"}
    # AND no new worker can name it
    answer = stack.post_json(WORKERS, worker(employer, serial=6))
    assert answer.status_code == 400


def test_a_pass_expires_after_its_days(stack: Stack) -> None:
    employer = approved_employer(stack)
    long_ago = (TODAY - timedelta(days=30)).isoformat()
    filing_id = json.loads(
        stack.post_json(WORKERS, worker(employer, serial=9, arrival_date=long_ago)).body
    )["filing_id"]
    stack.pump()
    for step in ("employer", "village", "checkin_employer", "checkin_village"):
        assert stack.decide(stack.link(step, filing_id), "approve").status_code == 200
        stack.pump()
    code = Filing.get(filing_id).document_codes()["pass"]
    assert verify(stack, code)["status"] == "expired"


def test_staff_revoke_from_the_command_line(stack: Stack) -> None:
    from click.testing import CliRunner

    from ops import cli

    employer = approved_employer(stack)
    certificate = Filing.get(employer).document_codes()["certificate"]
    result = CliRunner().invoke(
        cli.main, ["revoke", employer, "--reason", "停产整顿", "--by", "婺城区三服务办"]
    )
    assert result.exit_code == 0, result.output
    assert "revoked" in result.output
    assert verify(stack, certificate)["status"] == "revoked"
    # a second revocation, or one without a reason, is refused with a clear message
    again = CliRunner().invoke(cli.main, ["revoke", employer, "--reason", "x", "--by", "y"])
    assert again.exit_code != 0 and "FilingClosed" in again.output
    assert CliRunner().invoke(cli.main, ["revoke", employer, "--by", "y"]).exit_code != 0
