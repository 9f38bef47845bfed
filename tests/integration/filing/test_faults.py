"""Faults at every AWS call of a filing's whole life (enterprise-resumption and
worker-return): every filing answered with 201 still reaches the end one clean run
reaches, with each document issued and each message sent once.

A fault point is a phase of the lifecycle (a person's request, the events it caused,
the reconciler's sweep), an AWS operation, and its first call in that phase
(`tests/support/faults.py` injects the faults through botocore's event hooks).
The lists below are every point of a clean lifecycle: the first test fails when the
code makes a call that no list names.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.filing import reconcile
from chalicelib.store.models import Filing
from tests.support.env import TEST_ENV
from tests.support.faults import Call, Faults, Lifecycle, Plan, end_state, no_backoff
from tests.support.phones import obtain_proof
from tests.support.stack import Stack, enterprise, in_process_stack
from tests.support.workers import approved_employer, worker

ENTERPRISE, WORKER = "enterprise-resumption", "worker-return"

_REQUEST = [
    ("dynamodb", "GetItem"),
    ("dynamodb", "TransactWriteItems"),
    ("s3", "PutObject"),
]
_SUBMIT = [
    ("dynamodb", "TransactWriteItems"),  # the client's rate window counted inside it
    ("s3", "PutObject"),
]
_EVENTS = [
    ("dynamodb", "GetItem"),
    ("dynamodb", "PutItem"),
    ("dynamodb", "Query"),
    ("dynamodb", "TransactWriteItems"),
    ("ses", "SendEmail"),
    ("sns", "Publish"),
]
_DECIDE = [*_REQUEST]  # the approver's rate window rides in the decision's transaction
# and the workbench's search entries (one BatchWriteItem)
_ON_FILED = [
    *_EVENTS,
    ("dynamodb", "UpdateItem"),
    ("s3", "PutObject"),
    ("dynamodb", "BatchWriteItem"),
]
_RECONCILE = [("dynamodb", "GetItem"), ("dynamodb", "Query"), ("dynamodb", "UpdateItem")]


def _points(phases: dict[str, list[tuple[str, str]]]) -> set[tuple[str, str, str]]:
    return {(phase, service, op) for phase, ops in phases.items() for service, op in ops}


POINTS = {
    ENTERPRISE: _points(
        {
            "submit": _SUBMIT,
            "submit-events": _ON_FILED,
            "decide-town": _DECIDE,
            "decide-town-events": _EVENTS,
            "decide-district": _DECIDE,
            # the last approval: the certificate's record, then the certificate
            "decide-district-events": [*_EVENTS, ("dynamodb", "UpdateItem"), ("s3", "PutObject")],
            "reconcile-1": _RECONCILE,
            "reconcile-2": [("dynamodb", "Query")],
        }
    ),
    WORKER: _points(
        {
            # the employer's filing read; the risk map in force (its newest version)
            "submit": [*_SUBMIT, ("dynamodb", "GetItem"), ("dynamodb", "Query")],
            "submit-events": _ON_FILED,
            "decide-employer": _DECIDE,
            "decide-employer-events": _EVENTS,
            "decide-village": _DECIDE,
            "decide-village-events": [*_EVENTS, ("dynamodb", "UpdateItem"), ("s3", "PutObject")],
            "decide-checkin_employer": _DECIDE,
            "decide-checkin_employer-events": _EVENTS,
            "decide-checkin_village": _DECIDE,
            # the joint check-in complete: the pass's record, then the pass
            "decide-checkin_village-events": [
                *(e for e in _EVENTS if e != ("dynamodb", "Query")),
                ("dynamodb", "UpdateItem"),
                ("s3", "PutObject"),
            ],
            "reconcile-1": _RECONCILE,
            "reconcile-2": [("dynamodb", "Query")],
        }
    ),
}
# Faults go where a code path runs first: a later phase that runs the same code (the
# district's request after the town's; the worker's decisions after the enterprise's)
# is named above, so that a new call fails the first test, but not faulted again. The
# worker's own paths: its submission (the employer's filing read), and the joint
# check-in completed (the parallel stage, the pass).
FAULT_PHASES = {
    ENTERPRISE: (
        "submit",
        "submit-events",
        "decide-town",
        "decide-town-events",
        "decide-district-events",
        "reconcile-1",
    ),
    WORKER: ("submit", "decide-checkin_village-events"),
}


def run(stack: Stack, form: str, faults: Faults) -> list[str]:
    """One lifecycle of `form` (a worker's after its employer's approval, unfaulted)."""
    ids = []
    body = enterprise()
    if form == WORKER:
        ids.append(approved_employer(stack))
        body = worker(ids[0])
    # the phone proven beforehand (its calls are the code's, not the lifecycle's)
    obtain_proof(stack, str(body.get("contact_phone") or body.get("phone")))
    with faults.installed():
        ids.append(Lifecycle(stack, faults).run(form, body))
    return ids


@pytest.fixture(scope="module")
def clean() -> dict[str, Any]:
    """Each lifecycle without faults: the calls it makes and the end it reaches."""
    found: dict[str, Any] = {}
    with pytest.MonkeyPatch.context() as env:
        for name, value in TEST_ENV.items():
            env.setenv(name, value)
        env.delenv("AWS_ENDPOINT_URL", raising=False)
        for form in (ENTERPRISE, WORKER):
            with in_process_stack() as stack:
                faults = Faults()
                ids = run(stack, form, faults)
                found[form] = (faults.calls, end_state(stack, ids))
    return found


def fault_plans() -> Iterator[Any]:
    for form, points in POINTS.items():
        for phase, service, op in sorted(points):
            if phase not in FAULT_PHASES[form]:
                continue
            call = Call(phase, service, op, 1)
            yield pytest.param(form, Plan(call), id=f"{form}:{call}")
            if op == "TransactWriteItems":  # a concurrent transaction on the same items
                plan = Plan(call, "TransactionCanceledException", ("TransactionConflict",))
                yield pytest.param(form, plan, id=f"{form}:{call}:conflict")


@pytest.mark.parametrize("form", [ENTERPRISE, WORKER])
def test_the_fault_points_are_every_call_of_a_clean_lifecycle(
    clean: dict[str, Any], form: str
) -> None:
    calls, state = clean[form]
    # THEN the lists name every (phase, service, operation) a clean lifecycle calls
    assert {(c.phase, c.service, c.operation) for c in calls} == POINTS[form]
    # AND the clean lifecycle ends approved, with its documents, its reconciler mark gone
    (*_, (_, status, _, _, documents, _, unmarked)) = state["filings"]
    assert status == "approved" and unmarked
    issued = ["certificate", "slip"] if form == ENTERPRISE else ["docking_slip", "pass", "slip"]
    assert documents == issued


@pytest.mark.parametrize(("form", "plan"), list(fault_plans()))
def test_a_call_that_fails_for_good_still_ends_as_a_clean_run(
    stack: Stack, clean: dict[str, Any], form: str, plan: Plan
) -> None:
    # GIVEN one call of the lifecycle that fails, its retries spent: the request
    # answers 5xx and is sent again, or the handler dies there after its earlier writes
    faults = Faults(plan=plan)
    # WHEN the lifecycle runs: people retry 5xx, SQS redelivers, the reconciler sweeps
    ids = run(stack, form, faults)
    # THEN the fault was met, and the end is the clean run's: the same filings, steps,
    # tasks, documents, counters, and each message sent exactly once
    assert faults.injected == [plan.call]
    assert end_state(stack, ids) == clean[form][1]


@pytest.mark.parametrize("form", [ENTERPRISE, WORKER])
def test_throttling_at_every_other_request_is_absorbed_by_the_retries(
    stack: Stack, clean: dict[str, Any], form: str
) -> None:
    # GIVEN every other request the app sends to AWS answered with throttling
    faults, sleeps = Faults(throttle=True), list[float]()
    with no_backoff(sleeps):
        ids = run(stack, form, faults)
    # THEN botocore retried each, after a backoff, and the end is the clean run's
    assert faults.throttled > 30
    assert len(sleeps) == faults.throttled and all(s > 0 for s in sleeps)
    assert end_state(stack, ids) == clean[form][1]


def test_a_snapshot_that_never_landed_is_written_again_by_the_reconciler(stack: Stack) -> None:
    # GIVEN the S3 write of a submission's snapshot fails after its transaction
    faults = Faults(plan=Plan(Call("submit", "s3", "PutObject", 1)))
    with faults.installed(), faults.in_phase("submit"):
        answer = stack.submit(enterprise())
    # THEN the applicant still gets the slip: the filing is stored
    assert faults.injected and answer.status_code == 201
    filing_id = json.loads(answer.body)["filing_id"]
    assert stack.pump() == 0  # and no event came
    filing = Filing.get(filing_id)
    assert filing.status == "submitted" and filing.emit_at is not None
    # WHEN the reconciler runs before its grace time, nothing is owed yet
    assert reconcile.sweep(filing.created_at).reemitted == ()
    # WHEN it runs after: the snapshot is written again and the lifecycle goes on
    swept = reconcile.sweep(filing.emit_at)
    assert swept.reemitted == (f"filings/enterprise-resumption/{filing_id}.json",)
    assert stack.pump() == 1
    assert Filing.get(filing_id).status == "in_review"
    asked = [m["step"] for m in stack.outbox() if m["step"]]  # the approvers' requests
    assert asked == ["town", "town"]
    # AND its next run finds nothing owed and removes the mark
    later = Filing.get(filing_id).emit_at
    assert reconcile.sweep(later).cleared == 1
    assert Filing.get(filing_id).emit_at is None


def test_a_decision_whose_record_never_landed_is_written_again(stack: Stack) -> None:
    filing_id = json.loads(stack.submit(enterprise()).body)["filing_id"]
    stack.pump()
    # GIVEN the town's decision stored, but the S3 write of its record failing
    faults = Faults(plan=Plan(Call("decide", "s3", "PutObject", 1)))
    with faults.installed(), faults.in_phase("decide"):
        decided = stack.decide(stack.link("town"), "approve")
    # THEN the approver is told it is recorded (the link is used), but no event came
    assert faults.injected and decided.status_code == 200
    assert stack.pump() == 0
    filing = Filing.get(filing_id)
    assert filing.step_status("town") == "open"
    # WHEN the reconciler runs after its grace time
    swept = reconcile.sweep(filing.emit_at)
    # THEN the decision's record is written again, and the district's step opens
    assert swept.reemitted == (f"decisions/{filing_id}/town.json",)
    stack.pump()
    assert Filing.get(filing_id).steps.as_dict() == {"town": "approved", "district": "open"}
