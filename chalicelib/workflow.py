"""The workflow engine: stages of steps, decisions, and what each transition causes.

Pure: a transition takes the filing's state and an action and returns the new state
with its effects (steps to open or close, documents to issue, the applicant to tell).
The event handlers carry the effects out; nothing here touches AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from chalicelib.errors import FilingClosed, InvalidTransition, ReasonRequired, StepNotOpen

Decision = Literal["approve", "reject"]
FilingStatus = Literal["submitted", "in_review", "approved", "rejected", "withdrawn", "revoked"]
StepStatus = Literal["open", "approved", "rejected", "superseded"]

TERMINAL: frozenset[str] = frozenset({"approved", "rejected", "withdrawn", "revoked"})


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

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(step for stage in self.stages for step in stage.steps)

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise StepNotOpen(step_id)

    @property
    def documents(self) -> tuple[str, ...]:
        return tuple(kind for stage in self.stages for kind in stage.documents)


@dataclass(frozen=True)
class FlowState:
    status: FilingStatus = "submitted"
    stage: int = -1  # index of the current stage; -1 before the first opens
    steps: Mapping[str, StepStatus] = field(default_factory=dict)
    reason: str = ""  # why the filing was rejected


@dataclass(frozen=True)
class OpenStep:
    step: Step


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


Effect = OpenStep | CloseStep | IssueDocuments | NotifyApplicant


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
    workflow: Workflow, state: FlowState, step_id: str, decision: Decision, comment: str = ""
) -> Transition:
    """Record one step's decision; a rejection ends the filing, a full stage moves on."""
    if state.status != "in_review":
        raise _closed_or_invalid(state, f"decide {step_id}")
    if state.steps.get(step_id) != "open":
        raise StepNotOpen(step_id)
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


def withdraw(state: FlowState) -> Transition:
    """The applicant takes the filing back: undecided, or approved (its documents then
    stop being valid)."""
    if state.status not in ("submitted", "in_review", "approved"):
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
    opened = tuple(OpenStep(s) for s in stage.steps)
    return Transition(replace(state, stage=index, steps=steps), effects + opened)


def _end(
    state: FlowState,
    status: FilingStatus,
    decided: Mapping[str, StepStatus],
    reason: str,
    effects: tuple[Effect, ...],
) -> Transition:
    steps: dict[str, StepStatus] = {**state.steps, **decided}
    closed = [step_id for step_id, st in steps.items() if st == "open"]
    for step_id in closed:
        steps[step_id] = "superseded"
    new = replace(state, status=status, steps=steps, reason=reason)
    return Transition(new, effects + tuple(CloseStep(s) for s in closed))


def _closed_or_invalid(state: FlowState, action: str) -> InvalidTransition:
    if state.status in TERMINAL:
        return FilingClosed(f"{action}: filing is {state.status}")
    return InvalidTransition(f"{action}: filing is {state.status}")
