"""The audit trail records who viewed or decided what, when, from which address:
approvers opening and deciding their links, staff opening the dashboard and exports."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from chalice.local import LambdaEventConverter

from chalicelib.settings import get_settings
from chalicelib.staff import access
from chalicelib.store import audit
from chalicelib.store.models import Audit, Task
from tests.support.stack import Stack, enterprise

APPROVER_ADDRESS = "198.51.100.23"
STAFF_ADDRESS = "203.0.113.42"


def entries(subject: str) -> list[Audit]:
    return list(Audit.query(subject))


def test_an_approvers_views_and_decision_are_recorded_with_their_address(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a filing whose town step is open, its approver on a known address
    filing_id = json.loads(stack.submit(enterprise()).body)["filing_id"]
    stack.pump()
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", APPROVER_ADDRESS)
    link = stack.link("town", filing_id)
    # WHEN the approver opens the link twice, then approves
    assert stack.client.http.get(link).status_code == 200
    assert stack.client.http.get(link).status_code == 200
    assert Task.get(filing_id, "town").status == "open"  # viewing changed nothing
    assert stack.decide(link, "approve", "材料齐全").status_code == 200
    # THEN the trail holds both views and the decision, by whom, from where, in order
    trail = [e for e in entries(filing_id) if e.action != "submitted"]
    assert [e.action for e in trail] == ["viewed:town", "viewed:town", "approve:town"]
    approver = Task.get(filing_id, "town").decided_by
    assert {e.actor for e in trail} == {approver}
    assert {e.source_ip for e in trail} == {APPROVER_ADDRESS}
    times = [datetime.fromisoformat(e.event_id.split("#")[0]) for e in trail]
    assert times == sorted(times)


def test_a_refused_link_records_no_view(stack: Stack) -> None:
    # GIVEN a filing; WHEN a tampered link is opened
    filing_id = json.loads(stack.submit(enterprise()).body)["filing_id"]
    stack.pump()
    link = stack.link("town", filing_id)
    assert stack.client.http.get(link[:-3] + "xyz").status_code == 403
    # THEN nothing was shown, so nothing is recorded as viewed
    assert [e.action for e in entries(filing_id)] == ["submitted"]


def test_staff_dashboard_views_and_exports_are_recorded(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a town's staff link used from a known address
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", STAFF_ADDRESS)
    token = access.staff_token("town_office", "罗埠镇")
    # WHEN the dashboard is opened and the worker form exported twice
    assert stack.client.http.get(f"/dashboard?token={token}").status_code == 200
    export = f"/dashboard/exports/worker-return?token={token}"
    assert stack.client.http.get(f"{export}&format=csv").status_code == 303  # to S3
    xlsx = stack.client.http.get(f"{export}&format=xlsx", headers={"Accept": "*/*"})
    assert xlsx.status_code == 303
    # THEN each is recorded under the link's role and scope, with format and address
    trail = entries(audit.staff_subject("town_office", "罗埠镇"))
    assert [(e.action, e.detail) for e in trail] == [
        ("dashboard", ""),
        ("export:worker-return", "csv"),
        ("export:worker-return", "xlsx"),
    ]
    assert {e.actor for e in trail} == {"town_office:罗埠镇"}
    assert {e.source_ip for e in trail} == {STAFF_ADDRESS}
    # AND another office's trail is its own
    district = audit.staff_subject("district_office", get_settings().district_scope)
    assert entries(district) == []


def test_a_refused_staff_link_records_nothing(stack: Stack) -> None:
    assert stack.client.http.get("/dashboard?token=forged").status_code == 403
    assert stack.client.http.get("/dashboard/exports/worker-return").status_code == 403
    assert Audit.count() == 0
