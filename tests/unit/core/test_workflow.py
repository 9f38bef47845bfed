"""Every transition of the workflow engine, on a form of three stages: a single step,
two parallel steps, and a final step; documents issued by the second and the last."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from chalicelib.core.errors import FilingClosed, InvalidTransition, ReasonRequired, StepNotOpen
from chalicelib.core.workflow import (
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


# --- decision inputs, routing by an earlier step's choice, reopening ------------------------


class _Assignment(BaseModel):
    instructor: str


ASSIGN = Step("assign", "派单", "Assign", "district_office", inputs=_Assignment)
RESOLVE = Step("resolve", "办理", "Resolve", "instructor", route_input="assign.instructor")
CONFIRM = Step("confirm", "确认", "Confirm", "employer_contact", reopen_to="resolve")
SERVICE = Workflow((Stage((ASSIGN,)), Stage((RESOLVE,)), Stage((CONFIRM,))))


def confirming() -> FlowState:
    state = start(SERVICE, FlowState()).state
    state = decide(SERVICE, state, "assign", "approve").state
    return decide(SERVICE, state, "resolve", "approve").state


def test_a_step_offers_approve_and_reject_unless_it_reopens() -> None:
    # GIVEN steps with and without reopen_to THEN their pages offer these two actions
    assert ASSIGN.decisions == ("approve", "reject")
    assert CONFIRM.decisions == ("approve", "reopen")


def test_reopen_sends_the_filing_back_to_the_earlier_step_with_its_reason() -> None:
    # GIVEN a request waiting for the enterprise's confirmation
    state = confirming()
    # WHEN the enterprise reopens it
    transition = decide(SERVICE, state, "confirm", "reopen", "  工人仍未到岗 ")
    # THEN the filing stays in review, back in the resolution's stage: the resolution
    # opens again (a task already decided: again=True), the confirmation is reopened
    new = transition.state
    assert new.status == "in_review"
    assert new.stage == 1
    assert dict(new.steps) == {"assign": "approved", "resolve": "open", "confirm": "reopened"}
    assert open_steps(new) == ("resolve",)
    assert transition.effects == (
        NotifyApplicant("confirm", "reopen", "工人仍未到岗"),
        OpenStep(RESOLVE, again=True),
    )


def test_after_a_reopen_the_resolution_opens_the_confirmation_again() -> None:
    # GIVEN a reopened request WHEN the instructor resolves it again
    state = decide(SERVICE, confirming(), "confirm", "reopen", "未解决").state
    transition = decide(SERVICE, state, "resolve", "approve")
    # THEN the confirmation opens again, as a step decided before (a new link)
    assert transition.effects[-1] == OpenStep(CONFIRM, again=True)
    assert open_steps(transition.state) == ("confirm",)
    # AND confirming it approves the filing
    assert decide(SERVICE, transition.state, "confirm", "approve").state.status == "approved"


def test_a_step_opened_for_the_first_time_is_not_opened_again() -> None:
    state = decide(SERVICE, start(SERVICE, FlowState()).state, "assign", "approve")
    assert state.effects[-1] == OpenStep(RESOLVE, again=False)


def test_a_reopen_needs_a_reason() -> None:
    with pytest.raises(ReasonRequired):
        decide(SERVICE, confirming(), "confirm", "reopen", "  ")


@pytest.mark.parametrize(
    ("step", "decision"),
    [("confirm", "reject"), ("assign", "reopen")],
    ids=["a reopening step does not reject", "a step without reopen_to does not reopen"],
)
def test_a_step_takes_only_its_own_two_decisions(step: str, decision: str) -> None:
    state = start(SERVICE, FlowState()).state if step == "assign" else confirming()
    with pytest.raises(InvalidTransition):
        decide(SERVICE, state, step, decision, "理由")  # type: ignore[arg-type]


def test_the_existing_transitions_are_unchanged_by_reopen() -> None:
    # GIVEN the three-stage flow without reopen THEN a rejection still ends the filing
    transition = decide(FLOW, started(), "employer", "reject", "不是本企业员工")
    assert transition.state.status == "rejected"
    assert all(not isinstance(e, OpenStep) or not e.again for e in transition.effects)


def test_a_workflow_refuses_back_references_to_no_earlier_step() -> None:
    # GIVEN steps that reopen, or route by the input of, a step not before them
    loose = Step("confirm", "确认", "Confirm", "x", reopen_to="nowhere")
    misrouted = Step("resolve", "办理", "Resolve", "x", route_input="assign.nobody")
    unrouted = Step("resolve", "办理", "Resolve", "x", route_input="later.instructor")
    later = Step("later", "后", "Later", "x", inputs=_Assignment)
    # THEN each workflow is refused when declared
    with pytest.raises(ValueError, match="reopens"):
        Workflow((Stage((ASSIGN,)), Stage((loose,))))
    with pytest.raises(ValueError, match="routed by"):
        Workflow((Stage((ASSIGN,)), Stage((misrouted,))))
    with pytest.raises(ValueError, match="routed by"):
        Workflow((Stage((unrouted,)), Stage((later,))))
    with pytest.raises(ValueError, match="reopens"):
        Workflow((Stage((Step("a", "a", "a", "x", reopen_to="a"),)),))


def test_stage_of_names_the_stage_of_a_step() -> None:
    assert [SERVICE.stage_of(s) for s in ("assign", "resolve", "confirm")] == [0, 1, 2]
    with pytest.raises(StepNotOpen):
        SERVICE.stage_of("nowhere")


def test_a_step_routed_by_an_earlier_input_goes_to_the_contact_chosen() -> None:
    from chalicelib.filing.transitions import route_scope
    from chalicelib.store.models import Filing

    # GIVEN a filing whose assignment chose 白龙桥镇's second instructor
    filing = Filing(data={"town": "白龙桥镇"})
    outputs = {"assign": {"instructor": "白龙桥镇#2"}}
    # THEN the resolution is routed to that contact's scope; a field-routed step by its
    # field; a step with neither to the district
    assert route_scope(filing, RESOLVE, outputs) == "白龙桥镇#2"
    assert route_scope(filing, Step("v", "", "", "town_office", "town"), {}) == "白龙桥镇"
    assert route_scope(filing, FINAL, outputs) == "婺城区"
    # AND with no choice recorded (never so in a valid flow) the district's office
    assert route_scope(filing, RESOLVE, {}) == "婺城区"


def test_a_decision_is_recorded_on_the_filing_as_its_transition_took_it() -> None:
    from datetime import UTC, datetime

    from chalicelib.filing.transitions import decision_record
    from chalicelib.store.models import Filing, Task

    # GIVEN a filing with one decision kept, and the finance step's approval with its input
    filing = Filing(history=[{"step": "commerce", "decision": "approve"}], outputs={})
    task = Task(
        step="finance",
        decision="approve",
        comment="",
        decided_by="婺城区财政局",
        decided_at=datetime(2020, 2, 21, 2, 0, tzinfo=UTC),
        inputs={"approved_amount": "45000.00"},
        shown=[["核定金额（元）", "45000.00"]],
    )
    approved = FlowState("approved", 1, {"commerce": "approved", "finance": "approved"})
    # WHEN the transition approved it THEN the output is stored and the decision appended
    outputs, history = decision_record(filing, task, approved)
    assert outputs == {"finance": {"approved_amount": "45000.00"}}
    assert [h["step"] for h in history] == ["commerce", "finance"]
    assert history[-1]["shown"] == [["核定金额（元）", "45000.00"]]
    # AND an approval the transition turned into a rejection (no stock) sets nothing
    refused = FlowState("rejected", 1, {"finance": "rejected"}, reason="库存不足")
    outputs, history = decision_record(filing, task, refused)
    assert outputs == {}
    assert (history[-1]["decision"], history[-1]["comment"], history[-1]["shown"]) == (
        "reject",
        "库存不足",
        [],
    )


def test_a_reopen_closes_a_step_still_open_beside_the_reopening_one() -> None:
    # GIVEN a last stage of two parallel confirmations, one of them still open
    other = Step("confirm_town", "镇确认", "Town confirms", "town_office", "town")
    flow = Workflow((Stage((ASSIGN,)), Stage((RESOLVE,)), Stage((CONFIRM, other))))
    state = start(flow, FlowState()).state
    state = decide(flow, state, "assign", "approve").state
    state = decide(flow, state, "resolve", "approve").state
    # WHEN the enterprise reopens THEN the town's open step is closed and reopened later
    transition = decide(flow, state, "confirm", "reopen", "未解决")
    assert CloseStep("confirm_town") in transition.effects
    assert transition.state.steps["confirm_town"] == "reopened"
    again = decide(flow, transition.state, "resolve", "approve")
    assert OpenStep(other, again=True) in again.effects
