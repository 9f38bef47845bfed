"""退回补正 (send back for correction) in the pure workflow: which steps may send back,
which fields they may name, the step's state while the applicant corrects, and its
return to the same step with a new link generation."""

from __future__ import annotations

import pytest

from chalicelib.core.errors import (
    FilingClosed,
    InvalidTransition,
    NotCorrectable,
    ReasonRequired,
    StepNotOpen,
)
from chalicelib.core.workflow import (
    CloseStep,
    FlowState,
    NotifyApplicant,
    OpenStep,
    RequestCorrection,
    Stage,
    Step,
    Workflow,
    awaiting_correction,
    decide,
    open_steps,
    resubmit,
    send_back,
    start,
    withdraw,
)

TOWN = Step("town", "镇街审核", "Town", "town_office", "town", correctable=("address", "masks"))
DISTRICT = Step("district", "区审核", "District", "district_office")
FLOW = Workflow((Stage((TOWN,)), Stage((DISTRICT,), documents=("certificate",))))


def started() -> FlowState:
    return start(FLOW, FlowState()).state


def sent_back() -> FlowState:
    return send_back(FLOW, started(), "town", {"masks": " 口罩数量与库存不符 "}).state


def test_a_send_back_waits_for_the_applicant_naming_each_field_with_its_comment() -> None:
    # GIVEN an open town step WHEN it sends back two fields (named out of order)
    transition = send_back(FLOW, started(), "town", {"masks": " 数量有误 ", "address": "写全门牌"})
    # THEN the filing stays in review, the step waits, nothing else opens or closes
    assert transition.state.status == "in_review"
    assert transition.state.steps["town"] == "sent_back"
    assert open_steps(transition.state) == ()
    assert awaiting_correction(transition.state) == "town"
    # AND the applicant is told, the fields in the step's declared order, comments trimmed
    assert transition.effects == (
        NotifyApplicant("town", "send_back", "写全门牌；数量有误"),
        RequestCorrection("town", (("address", "写全门牌"), ("masks", "数量有误"))),
    )


def test_decide_with_send_back_is_the_same_transition() -> None:
    # GIVEN the decision as an event carries it (decision and its corrections)
    by_decide = decide(FLOW, started(), "town", "send_back", "", {"address": "写全门牌"})
    # THEN it is the send-back's own transition
    assert by_decide == send_back(FLOW, started(), "town", {"address": "写全门牌"})


def test_a_field_the_step_does_not_declare_is_refused_by_name() -> None:
    # WHEN a send-back names the credit code (keyed: not declared) and an empty comment
    with pytest.raises(NotCorrectable) as refused:
        send_back(FLOW, started(), "town", {"uscc": "核对", "address": "  ", "masks": "核对"})
    # THEN both are named, and the refusal is a transition error
    assert refused.value.fields == ("address", "uscc")
    assert isinstance(refused.value, InvalidTransition)


def test_a_send_back_naming_no_field_needs_one() -> None:
    with pytest.raises(ReasonRequired):
        send_back(FLOW, started(), "town", {})


def test_a_step_without_correctable_fields_cannot_send_back() -> None:
    state = decide(FLOW, started(), "town", "approve").state
    with pytest.raises(InvalidTransition):
        send_back(FLOW, state, "district", {"address": "写全"})


def test_a_step_that_is_not_open_cannot_send_back() -> None:
    with pytest.raises(StepNotOpen):
        send_back(FLOW, sent_back(), "town", {"address": "再写全"})


def test_the_correction_reopens_the_same_step_with_a_new_link() -> None:
    # WHEN the applicant's correction comes in
    transition = resubmit(FLOW, sent_back(), "town")
    # THEN the same step opens again, as a step decided before (a new link generation)
    assert transition.state.steps["town"] == "open"
    assert transition.state.stage == 0
    assert transition.effects == (OpenStep(TOWN, again=True),)
    # AND it can be approved like any open step, moving the filing on
    after = decide(FLOW, transition.state, "town", "approve").state
    assert open_steps(after) == ("district",)


def test_a_correction_nobody_asked_for_is_refused() -> None:
    with pytest.raises(StepNotOpen):
        resubmit(FLOW, started(), "town")


def test_a_step_waiting_for_a_correction_cannot_be_decided() -> None:
    with pytest.raises(StepNotOpen):
        decide(FLOW, sent_back(), "town", "approve")


def test_withdrawing_while_sent_back_ends_the_step() -> None:
    # WHEN the applicant withdraws instead of correcting
    transition = withdraw(sent_back())
    # THEN the waiting step is superseded with the filing
    assert transition.state.status == "withdrawn"
    assert transition.state.steps["town"] == "superseded"
    assert transition.effects == (CloseStep("town"),)
    with pytest.raises(FilingClosed):
        resubmit(FLOW, transition.state, "town")


def test_a_bulk_step_may_not_take_inputs() -> None:
    from pydantic import BaseModel

    class Amount(BaseModel):
        amount: int

    bad = Step("finance", "核定", "Finance", "finance_office", bulk=True, inputs=Amount)
    with pytest.raises(ValueError, match="bulk"):
        Workflow((Stage((bad,)),))
