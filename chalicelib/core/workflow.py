"""The workflow engine: stages of steps, decisions, and what each transition causes.

Pure: a transition takes the filing's state and an action and returns the new state
with its effects (steps to open or close, documents to issue, the applicant to tell).
The event handlers carry the effects out; nothing here touches AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from chalicelib.core.errors import (
    FilingClosed,
    InvalidTransition,
    NotCorrectable,
    ReasonRequired,
    StepNotOpen,
)
from chalicelib.core.i18n import N_

if TYPE_CHECKING:
    import pydantic

# "reopen": a step that declares `reopen_to` sends the filing back to that earlier step
# (an enterprise not satisfied with a resolution) instead of rejecting it.
# "send_back" (退回补正): a step that declares `correctable` fields sends the filing back to
# its applicant naming the fields to correct; the corrected filing returns to that step.
Decision = Literal["approve", "reject", "reopen", "send_back"]
FilingStatus = Literal["submitted", "in_review", "approved", "rejected", "withdrawn", "revoked"]
# "reopened": decided once, then sent back by a later step's reopen; opened again when
# the flow reaches it.
# "sent_back": waiting for the applicant's correction; opened again when it comes.
StepStatus = Literal["open", "approved", "rejected", "superseded", "reopened", "sent_back"]

# The filing statuses' named sets: every place that asks "is it still open?" asks here.
STATUSES: tuple[str, ...] = (
    "submitted",
    "in_review",
    "approved",
    "rejected",
    "withdrawn",
    "revoked",
)  # in the order pages, counters and exports list them
# What a person reads for each status (pages, exports), through the catalogue.
STATUS_LABELS: dict[str, str] = {
    "submitted": N_("已提交"),
    "in_review": N_("审核中"),
    "approved": N_("已通过"),
    "rejected": N_("未通过"),
    "withdrawn": N_("已撤回"),
    "revoked": N_("已撤销"),
}
ACTIVE: frozenset[str] = frozenset({"submitted", "in_review"})  # awaiting an event or a decision
APPROVED: frozenset[str] = frozenset({"approved"})
OPEN_OR_APPROVED: frozenset[str] = ACTIVE | APPROVED  # holds its claim; may be withdrawn
TERMINAL: frozenset[str] = frozenset({"approved", "rejected", "withdrawn", "revoked"})
ENDED_UNAPPROVED: frozenset[str] = frozenset({"rejected", "withdrawn", "revoked"})  # may file again
TAKEN_BACK: frozenset[str] = frozenset({"withdrawn", "revoked"})  # its documents stop verifying

# The documents a filing yields, by kind, with their titles (shown through the catalogue).
DocumentKind = Literal["slip", "certificate", "docking_slip", "pass", "notice"]
DOCUMENT_TITLES: dict[str, str] = {
    "slip": N_("回执"),
    "certificate": N_("复工备案证明"),
    "docking_slip": N_("电子返婺对接单"),
    "pass": N_("一体通行证"),
    "notice": N_("补助核定通知书"),
}
WORKER_DOCUMENTS = ("docking_slip", "pass")  # counted per town for the drive's figures


@dataclass(frozen=True)
class Step:
    """One decision: who takes it (a directory role) and which filing field routes it."""

    id: str
    title: str
    title_en: str
    role: str
    route_field: str | None = None  # None: the role's district-wide office
    due_hours: int = 24  # a decision pending longer is reminded, twice as long escalated
    due_from_field: str | None = None  # a date field before which the clock does not run
    # A date field before whose day (China time) the step cannot be approved: a check-in
    # is on arrival, never before it.
    not_before_field: str | None = None
    # What the decider fills in when approving (an approved amount, an assignee, a
    # resolution): a pydantic model, validated at decision time with the filing's data
    # and the offered choices as its context; the values are stored as the filing's
    # outputs for this step (see chalicelib/filing/transitions.py, apply).
    inputs: type[pydantic.BaseModel] | None = field(default=None, compare=False)
    # Routed to the contact an earlier step chose: "<step id>.<input field>"; the field's
    # value is the contact's scope within `role`. Overrides route_field.
    route_input: str | None = None
    # A step whose second action sends the filing back to this earlier step (reopen)
    # rather than ending it; the reason is required, as for a rejection.
    reopen_to: str | None = None
    # The applicant's fields this step may send back for correction (退回补正), each named
    # with a comment; empty: it cannot send back. Fields that key anything (the route
    # field, the unique field, searched names and numbers) are left out by the forms.
    correctable: tuple[str, ...] = ()
    # Decided in bulk from the workbench's to-do list (a town confirming its workers):
    # only steps without inputs, whose approval needs nothing but a look.
    bulk: bool = False
    approve_label: str = N_("通过")  # shown through the pages' catalogue (chalicelib/core/i18n.py)
    reject_label: str = N_("驳回")  # the second button: reject, or reopen where reopen_to is set

    @property
    def decisions(self) -> tuple[Decision, Decision]:
        """The two actions its approver's page offers."""
        return ("approve", "reopen") if self.reopen_to else ("approve", "reject")


@dataclass(frozen=True)
class Stage:
    """Steps that must all be approved, in any order, before the next stage opens."""

    steps: tuple[Step, ...]
    documents: tuple[str, ...] = ()  # kinds issued when the stage completes


@dataclass(frozen=True)
class Workflow:
    stages: tuple[Stage, ...]

    def __post_init__(self) -> None:
        ids = [s.id for s in self.steps]
        if not self.stages or any(not st.steps for st in self.stages):
            raise ValueError("a workflow needs stages, each with steps")
        if len(ids) != len(set(ids)):
            raise ValueError(f"step ids repeat: {ids}")
        for index, stage in enumerate(self.stages):
            earlier = [s for st in self.stages[:index] for s in st.steps]
            for step in stage.steps:
                _check_back_references(step, earlier)
                if step.bulk and step.inputs is not None:
                    raise ValueError(f"step {step.id}: decided in bulk, yet it takes inputs")

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(step for stage in self.stages for step in stage.steps)

    def stage_of(self, step_id: str) -> int:
        for index, stage in enumerate(self.stages):
            if any(s.id == step_id for s in stage.steps):
                return index
        raise StepNotOpen(step_id)

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise StepNotOpen(step_id)

    @property
    def documents(self) -> tuple[str, ...]:
        return tuple(kind for stage in self.stages for kind in stage.documents)


def _check_back_references(step: Step, earlier: list[Step]) -> None:
    """A step may only route by, or reopen, a step of an earlier stage: the value it
    needs is then decided before it opens."""
    by_id = {s.id: s for s in earlier}
    if step.reopen_to is not None and step.reopen_to not in by_id:
        raise ValueError(f"step {step.id}: reopens {step.reopen_to}, not an earlier step")
    if step.route_input is not None:
        source, _, name = step.route_input.partition(".")
        inputs = by_id[source].inputs if source in by_id else None
        if inputs is None or name not in inputs.model_fields:
            raise ValueError(f"step {step.id}: routed by {step.route_input}, no earlier input")


@dataclass(frozen=True)
class FlowState:
    status: FilingStatus = "submitted"
    stage: int = -1  # index of the current stage; -1 before the first opens
    steps: Mapping[str, StepStatus] = field(default_factory=dict)
    reason: str = ""  # why the filing was rejected


@dataclass(frozen=True)
class OpenStep:
    step: Step
    again: bool = False  # decided before and reopened: its task gets a new link generation


@dataclass(frozen=True)
class CloseStep:
    """A step still open when the filing ended: its link no longer counts."""

    step_id: str


@dataclass(frozen=True)
class IssueDocuments:
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class NotifyApplicant:
    step_id: str
    decision: Decision
    comment: str


@dataclass(frozen=True)
class RequestCorrection:
    """Tell the applicant which fields to correct, each with the step's comment."""

    step_id: str
    fields: tuple[tuple[str, str], ...]  # (field, comment), in the step's declared order


Effect = OpenStep | CloseStep | IssueDocuments | NotifyApplicant | RequestCorrection


@dataclass(frozen=True)
class Transition:
    state: FlowState
    effects: tuple[Effect, ...]


def start(workflow: Workflow, state: FlowState) -> Transition:
    """Open the first stage of a submitted filing."""
    if state.status != "submitted":
        raise _closed_or_invalid(state, "start")
    return _open_stage(workflow, replace(state, status="in_review"), 0, ())


def decide(
    workflow: Workflow,
    state: FlowState,
    step_id: str,
    decision: Decision,
    comment: str = "",
    corrections: Mapping[str, str] | None = None,
) -> Transition:
    """Record one step's decision; a rejection ends the filing, a full stage moves on,
    a send-back (with `corrections`, field -> comment) waits for the applicant."""
    if state.status != "in_review":
        raise _closed_or_invalid(state, f"decide {step_id}")
    if state.steps.get(step_id) != "open":
        raise StepNotOpen(step_id)
    step = workflow.step(step_id)
    if decision == "send_back":
        return send_back(workflow, state, step_id, corrections or {})
    if decision not in step.decisions:
        raise InvalidTransition(f"{step_id} does not take {decision!r}")
    if decision == "reopen":
        if not comment.strip():
            raise ReasonRequired(step_id)
        return _reopen(workflow, state, step, comment.strip())
    if decision == "reject":
        if not comment.strip():
            raise ReasonRequired(step_id)
        return _end(
            state,
            "rejected",
            {step_id: "rejected"},
            comment.strip(),
            (NotifyApplicant(step_id, "reject", comment.strip()),),
        )
    if decision != "approve":
        raise InvalidTransition(f"unknown decision {decision!r}")

    steps = {**state.steps, step_id: "approved"}
    effects: list[Effect] = [NotifyApplicant(step_id, "approve", comment.strip())]
    stage = workflow.stages[state.stage]
    if any(steps[s.id] != "approved" for s in stage.steps):
        return Transition(replace(state, steps=steps), tuple(effects))
    if stage.documents:
        effects.append(IssueDocuments(stage.documents))
    if state.stage + 1 == len(workflow.stages):
        return Transition(replace(state, status="approved", steps=steps), tuple(effects))
    return _open_stage(workflow, replace(state, steps=steps), state.stage + 1, tuple(effects))


def _reopen(workflow: Workflow, state: FlowState, step: Step, comment: str) -> Transition:
    """Back to the earlier step: it opens again (with a new link), and every step decided
    after its stage is `reopened`, to be opened again as the flow reaches it once more."""
    if step.reopen_to is None:
        raise InvalidTransition(f"{step.id} does not reopen")
    index = workflow.stage_of(step.reopen_to)
    later = {s.id for st in workflow.stages[index + 1 :] for s in st.steps}
    # A step still open beside the reopening one loses its link too (CloseStep).
    closed = tuple(
        CloseStep(k) for k, v in state.steps.items() if k in later and k != step.id and v == "open"
    )
    steps: dict[str, StepStatus] = {
        k: "reopened" if k in later else v for k, v in state.steps.items()
    }
    steps[step.reopen_to] = "open"
    target = workflow.step(step.reopen_to)
    new = replace(state, stage=index, steps=steps)
    notice = NotifyApplicant(step.id, "reopen", comment)
    return Transition(new, (notice, *closed, OpenStep(target, again=True)))


def correction_fields(step: Step, corrections: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The fields a send-back names, each with its trimmed comment, in the step's order:
    NotCorrectable naming every field it may not send back, or whose comment is empty;
    ReasonRequired when it names none."""
    cleaned = {name: str(text).strip() for name, text in corrections.items()}
    refused = tuple(sorted(n for n, t in cleaned.items() if n not in step.correctable or not t))
    if refused:
        raise NotCorrectable(step.id, refused)
    if not cleaned:
        raise ReasonRequired(step.id)
    return tuple((name, cleaned[name]) for name in step.correctable if name in cleaned)


def send_back(
    workflow: Workflow, state: FlowState, step_id: str, corrections: Mapping[str, str]
) -> Transition:
    """退回补正: the open step waits for the applicant to correct the named fields; the
    filing stays in review, nothing else of it changes."""
    if state.status != "in_review":
        raise _closed_or_invalid(state, f"send back {step_id}")
    if state.steps.get(step_id) != "open":
        raise StepNotOpen(step_id)
    step = workflow.step(step_id)
    if not step.correctable:
        raise InvalidTransition(f"{step_id} does not send back")
    fields = correction_fields(step, corrections)
    steps: dict[str, StepStatus] = {**state.steps, step_id: "sent_back"}
    comment = "；".join(text for _, text in fields)
    effects = (NotifyApplicant(step_id, "send_back", comment), RequestCorrection(step_id, fields))
    return Transition(replace(state, steps=steps), effects)


def resubmit(workflow: Workflow, state: FlowState, step_id: str) -> Transition:
    """The applicant's correction came in: the step that sent it back opens again, with
    a new link generation (every earlier link of it answers 410)."""
    if state.status != "in_review":
        raise _closed_or_invalid(state, f"resubmit {step_id}")
    if state.steps.get(step_id) != "sent_back":
        raise StepNotOpen(step_id)
    step = workflow.step(step_id)
    steps: dict[str, StepStatus] = {**state.steps, step_id: "open"}
    return Transition(replace(state, steps=steps), (OpenStep(step, again=True),))


def awaiting_correction(state: FlowState) -> str | None:
    """The step waiting for the applicant's correction, if any."""
    return next((k for k, v in state.steps.items() if v == "sent_back"), None)


def withdraw(state: FlowState) -> Transition:
    """The applicant takes the filing back: undecided, or approved (its documents then
    stop being valid)."""
    if state.status not in OPEN_OR_APPROVED:
        raise _closed_or_invalid(state, "withdraw")
    return _end(state, "withdrawn", {}, "", ())


def revoke(state: FlowState, reason: str) -> Transition:
    """Staff take back an approval (a certificate obtained on false statements, say):
    the filing's documents, and those that depend on it, stop being valid."""
    if state.status != "approved":
        raise _closed_or_invalid(state, "revoke")
    if not reason.strip():
        raise ReasonRequired("revoke")
    return _end(state, "revoked", {}, reason.strip(), ())


def open_steps(state: FlowState) -> tuple[str, ...]:
    return tuple(step_id for step_id, status in state.steps.items() if status == "open")


def _open_stage(
    workflow: Workflow, state: FlowState, index: int, effects: tuple[Effect, ...]
) -> Transition:
    stage = workflow.stages[index]
    steps: dict[str, StepStatus] = {**state.steps, **{s.id: "open" for s in stage.steps}}
    opened = tuple(OpenStep(s, again=state.steps.get(s.id) == "reopened") for s in stage.steps)
    return Transition(replace(state, stage=index, steps=steps), effects + opened)


def _end(
    state: FlowState,
    status: FilingStatus,
    decided: Mapping[str, StepStatus],
    reason: str,
    effects: tuple[Effect, ...],
) -> Transition:
    steps: dict[str, StepStatus] = {**state.steps, **decided}
    # A step waiting for a correction ends too (its task is decided: CloseStep skips it).
    closed = [step_id for step_id, st in steps.items() if st in ("open", "sent_back")]
    for step_id in closed:
        steps[step_id] = "superseded"
    new = replace(state, status=status, steps=steps, reason=reason)
    return Transition(new, effects + tuple(CloseStep(s) for s in closed))


def _closed_or_invalid(state: FlowState, action: str) -> InvalidTransition:
    if state.status in TERMINAL:
        return FilingClosed(f"{action}: filing is {state.status}")
    return InvalidTransition(f"{action}: filing is {state.status}")
