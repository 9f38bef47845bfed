"""Every transition of the workflow engine, on a form of three stages: a single step,
two parallel steps, and a final step; documents issued by the second and the last."""

from __future__ import annotations

import pytest

from chalicelib.errors import FilingClosed, InvalidTransition, ReasonRequired, StepNotOpen
from chalicelib.workflow import (
    CloseStep,
    FlowState,
    IssueDocuments,
    NotifyApplicant,
    OpenStep,
    Stage,
    Step,
    Workflow,
    decide,
    open_steps,
    revoke,
    start,
    withdraw,
)

EMPLOYER = Step("employer", "企业确认", "Employer", "employer_contact", "employer_filing_id")
VILLAGE = Step("village", "村社确认", "Village", "town_office", "lodging_town")
CHECK_A = Step("checkin_employer", "企业打卡", "Employer check-in", "employer_contact")
CHECK_B = Step("checkin_village", "村社打卡", "Village check-in", "town_office", "lodging_town")
FINAL = Step("district", "区审核", "District", "district_office")
FLOW = Workflow(
    (
        Stage((EMPLOYER,)),
        Stage((CHECK_A, CHECK_B), documents=("docking_slip",)),
        Stage((FINAL,), documents=("pass",)),
    )
)


def started() -> FlowState:
    return start(FLOW, FlowState()).state


def through_parallel_stage() -> FlowState:
    state = decide(FLOW, started(), "employer", "approve").state
    state = decide(FLOW, state, "checkin_employer", "approve").state
    return decide(FLOW, state, "checkin_village", "approve").state


def test_start_opens_the_first_stage_only() -> None:
    # GIVEN a submitted filing WHEN it starts
    transition = start(FLOW, FlowState())
    # THEN it is in review with the first stage's one step open
    assert transition.state.status == "in_review"
    assert transition.state.stage == 0
    assert open_steps(transition.state) == ("employer",)
    assert transition.effects == (OpenStep(EMPLOYER),)


def test_start_twice_is_refused() -> None:
    with pytest.raises(InvalidTransition):
        start(FLOW, started())


def test_approval_of_a_whole_stage_opens_every_step_of_the_next() -> None:
    # WHEN the single step of stage 0 is approved
    transition = decide(FLOW, started(), "employer", "approve", " 好 ")
    # THEN the applicant is told, with the trimmed comment, and both parallel steps open
    assert transition.state.stage == 1
    assert transition.state.steps["employer"] == "approved"
    assert set(open_steps(transition.state)) == {"checkin_employer", "checkin_village"}
    assert transition.effects == (
        NotifyApplicant("employer", "approve", "好"),
        OpenStep(CHECK_A),
        OpenStep(CHECK_B),
    )


@pytest.mark.parametrize(
    "first,second",
    [("checkin_employer", "checkin_village"), ("checkin_village", "checkin_employer")],
)
def test_parallel_steps_complete_the_stage_in_either_order(first: str, second: str) -> None:
    state = decide(FLOW, started(), "employer", "approve").state
    # WHEN one parallel step is approved
    halfway = decide(FLOW, state, first, "approve")
    # THEN the stage waits for the other: nothing opens, no document
    assert halfway.state.stage == 1
    assert open_steps(halfway.state) == (second,)
    assert halfway.effects == (NotifyApplicant(first, "approve", ""),)
    # WHEN the other is approved THEN the stage's document is issued and the next stage opens
    done = decide(FLOW, halfway.state, second, "approve")
    assert done.effects == (
        NotifyApplicant(second, "approve", ""),
        IssueDocuments(("docking_slip",)),
        OpenStep(FINAL),
    )
    assert done.state.status == "in_review"
    assert done.state.stage == 2


def test_approving_the_last_stage_approves_the_filing_and_issues_its_documents() -> None:
    transition = decide(FLOW, through_parallel_stage(), "district", "approve")
    assert transition.state.status == "approved"
    assert open_steps(transition.state) == ()
    assert transition.effects == (
        NotifyApplicant("district", "approve", ""),
        IssueDocuments(("pass",)),
    )


def test_rejection_ends_the_filing_with_its_reason_and_closes_parallel_steps() -> None:
    state = decide(FLOW, started(), "employer", "approve").state
    # WHEN one of two open parallel steps is rejected
    transition = decide(FLOW, state, "checkin_village", "reject", "  人员未到  ")
    # THEN the filing is rejected with the reason, the other step is superseded
    assert transition.state.status == "rejected"
    assert transition.state.reason == "人员未到"
    assert transition.state.steps["checkin_village"] == "rejected"
    assert transition.state.steps["checkin_employer"] == "superseded"
    assert transition.effects == (
        NotifyApplicant("checkin_village", "reject", "人员未到"),
        CloseStep("checkin_employer"),
    )


def test_a_rejection_needs_a_reason() -> None:
    with pytest.raises(ReasonRequired):
        decide(FLOW, started(), "employer", "reject", "   ")


def test_an_unknown_decision_is_refused() -> None:
    with pytest.raises(InvalidTransition):
        decide(FLOW, started(), "employer", "maybe")  # type: ignore[arg-type]


@pytest.mark.parametrize("step", ["checkin_employer", "district", "nonexistent"])
def test_a_step_that_is_not_open_cannot_be_decided(step: str) -> None:
    with pytest.raises(StepNotOpen):
        decide(FLOW, started(), step, "approve")


def test_a_step_cannot_be_decided_twice() -> None:
    state = decide(FLOW, started(), "employer", "approve").state
    with pytest.raises(StepNotOpen):
        decide(FLOW, state, "employer", "reject", "改主意")


def test_a_submitted_filing_cannot_be_decided_before_it_starts() -> None:
    with pytest.raises(InvalidTransition) as raised:
        decide(FLOW, FlowState(), "employer", "approve")
    assert not isinstance(raised.value, FilingClosed)


@pytest.mark.parametrize("ending", ["approved", "rejected", "withdrawn", "revoked"])
def test_an_ended_filing_takes_no_decision(ending: str) -> None:
    state = FlowState(status=ending, stage=0, steps={"employer": "superseded"})  # type: ignore[arg-type]
    with pytest.raises(FilingClosed):
        decide(FLOW, state, "employer", "approve")
    with pytest.raises(FilingClosed):
        start(FLOW, state)


@pytest.mark.parametrize("ending", ["rejected", "withdrawn", "revoked"])
def test_a_refused_or_taken_back_filing_cannot_be_withdrawn_or_revoked(ending: str) -> None:
    state = FlowState(status=ending, stage=0, steps={"employer": "rejected"})  # type: ignore[arg-type]
    with pytest.raises(FilingClosed):
        withdraw(state)
    with pytest.raises(FilingClosed):
        revoke(state, "理由")


def test_an_approved_filing_can_be_withdrawn_by_its_applicant() -> None:
    state = FlowState(status="approved", stage=2, steps={"district": "approved"})
    transition = withdraw(state)
    assert transition.state.status == "withdrawn"
    assert transition.state.steps == {"district": "approved"}


def test_only_an_approved_filing_is_revoked_and_only_with_a_reason() -> None:
    approved = FlowState(status="approved", stage=2, steps={"district": "approved"})
    transition = revoke(approved, " 虚假承诺 ")
    assert (transition.state.status, transition.state.reason) == ("revoked", "虚假承诺")
    with pytest.raises(ReasonRequired):
        revoke(approved, " ")
    with pytest.raises(InvalidTransition):
        revoke(started(), "理由")


def test_withdrawal_before_review_ends_the_filing() -> None:
    transition = withdraw(FlowState())
    assert transition.state.status == "withdrawn"
    assert transition.effects == ()


def test_withdrawal_in_review_closes_every_open_step() -> None:
    state = decide(FLOW, started(), "employer", "approve").state
    transition = withdraw(state)
    assert transition.state.status == "withdrawn"
    assert set(transition.effects) == {CloseStep("checkin_employer"), CloseStep("checkin_village")}
    assert open_steps(transition.state) == ()


def test_transitions_leave_the_given_state_unchanged() -> None:
    state = started()
    before = dict(state.steps)
    decide(FLOW, state, "employer", "approve")
    assert dict(state.steps) == before


def test_a_workflow_refuses_repeated_step_ids_and_empty_stages() -> None:
    with pytest.raises(ValueError):
        Workflow((Stage((EMPLOYER,)), Stage((EMPLOYER,))))
    with pytest.raises(ValueError):
        Workflow((Stage(()),))
    with pytest.raises(ValueError):
        Workflow(())


def test_a_workflow_lists_its_steps_and_documents_in_order() -> None:
    assert [s.id for s in FLOW.steps] == [
        "employer",
        "checkin_employer",
        "checkin_village",
        "district",
    ]
    assert FLOW.documents == ("docking_slip", "pass")
    assert FLOW.step("district") is FINAL
    with pytest.raises(StepNotOpen):
        FLOW.step("nope")
