"""Persisting a transition: one transaction, guarded by the filing's version, writes the
filing's new state and everything that moves with it (its tasks opened, reopened or
closed, its counters and figures, its draws on the town's stock, its unique claim
released). Every change of a filing goes through `apply`: an event's (chalicelib/filing/
advance.py) or a request's (`end_filing`: withdrawal, revocation)."""

from __future__ import annotations

import contextlib
import logging
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from chalicelib.core import workflow
from chalicelib.core.clock import china_moment, utcnow
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.workflow import (
    ENDED_UNAPPROVED,
    CloseStep,
    FlowState,
    OpenStep,
    Step,
    Transition,
)
from chalicelib.filing import eligibility, figures, stock
from chalicelib.forms import FormSpec, get_form
from chalicelib.store import audit, claims, counters, directory, records, s3
from chalicelib.store.models import (
    ALERT_SHARDS,
    Audit,
    Filing,
    Task,
    bind_models,
    form_key,
    queue_key,
    work_key,
)
from chalicelib.store.tx import Action, Transaction, transaction

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5  # lost races on one filing's version before the message is retried by SQS


def load(filing_id: str) -> Filing | None:
    bind_models()
    try:
        return Filing.get(filing_id, consistent_read=True)
    except Filing.DoesNotExist:
        return None


def flow_state(filing: Filing) -> FlowState:
    return FlowState(
        status=filing.status,  # type: ignore[arg-type]
        stage=int(filing.stage),
        steps=dict(filing.steps.as_dict()),
        reason=filing.reason,
    )


def apply(
    spec: FormSpec,
    filing: Filing,
    transition: Transition,
    entry: Audit | None = None,
    decided: Task | None = None,
    marked: bool = False,
    corrected: Correction | None = None,
) -> None:
    """Persist one transition atomically, guarded by the filing's version. `decided`:
    the task whose decision this transition records; its inputs become the filing's
    outputs for that step, and the decision joins the filing's history. `corrected`:
    the applicant's correction (退回补正), its data the filing's next revision."""
    new = transition.state
    now = utcnow()
    outputs, history = decision_record(filing, decided, new)
    if corrected is not None:
        history.append(corrected.entry)
    with transaction() as tx:
        if entry is not None:
            tx.save(entry)
        actions: list[Action] = [
            Filing.status.set(new.status),
            Filing.stage.set(new.stage),
            Filing.steps.set(dict(new.steps)),
            Filing.reason.set(new.reason),
            Filing.queue_key.set(queue_key(filing.form, filing.town, new.status, filing.filing_id)),
            Filing.form_key.set(form_key(filing.form, new.status, filing.filing_id)),
            Filing.updated_at.set(now),
            Filing.version.add(1),
        ]
        if decided is not None:
            actions += [Filing.outputs.set(outputs), Filing.history.set(history)]
        if marked:  # it owes an S3 record: the reconciler's mark, until it is seen through
            actions += records.mark_actions(now)
        if corrected is not None:
            actions += [
                Filing.data.set(corrected.data),
                Filing.data_rev.add(1),
                Filing.history.set(history),
            ]
            # a corrected origin or arrival day moves the worker in the origin index
            origin, arrival = eligibility.origin_keys(get_form(filing.form), corrected.data)
            if origin and arrival:
                actions += [Filing.origin_key.set(origin), Filing.arrival_day.set(arrival)]
        tx.update(filing, actions=actions, condition=Filing.version == filing.version)
        for effect in transition.effects:
            if isinstance(effect, OpenStep) and effect.again:
                _reopen_task(
                    tx, filing, effect.step, route_scope(filing, effect.step, outputs), now
                )
            elif isinstance(effect, OpenStep):
                step = effect.step
                scope = route_scope(filing, step, outputs)
                task = Task(
                    filing_id=filing.filing_id,
                    step=step.id,
                    form=filing.form,
                    role=step.role,
                    scope=scope,
                    status="open",
                    link_gen=1,
                    opened_at=now,
                    due_at=due_time(filing, step, now),
                    town=filing.town,
                    work_key=work_key(step.role, scope),
                )
                task.alert_shard = alert_shard()
                task.alert_at = task.due_at
                tx.save(task, condition=Task.filing_id.does_not_exist())
            elif isinstance(effect, CloseStep) and _is_open(filing.filing_id, effect.step_id):
                # A link consumed meanwhile stays decided; its event finds the filing ended.
                tx.update(
                    Task(filing_id=filing.filing_id, step=effect.step_id),
                    actions=[
                        Task.status.set("superseded"),
                        Task.alert_shard.remove(),
                        Task.alert_at.remove(),
                        Task.work_key.remove(),
                    ],
                    condition=Task.status == "open",
                )
        if new.status != filing.status:
            counters.move(
                tx, figures.status_change(filing.form, filing.town, filing.status, new.status)
            )
            started = bool(filing.started_on)
            counters.move(
                tx,
                figures.approval_changes(
                    filing.form, filing.town, filing.data, filing.status, new.status, started
                ),
            )
        # The form's figures, and its draws on the town's stock (conditional: a lost
        # condition fails the whole transition, and on_decided refuses the approval).
        after = stored_after(filing, new, outputs if decided is not None else None)
        if corrected is not None:
            after.data = corrected.data
        counters.move(tx, figures.figure_changes(spec, filing, after))
        stock.move(tx, spec, filing, filing.status, new.status)
        if new.status in ENDED_UNAPPROVED and filing.unique_value:
            # The applicant may file again once this one has ended without approval.
            claims.release_open(tx, filing.form, filing.unique_value, filing.filing_id)


class Correction(NamedTuple):
    """An applicant's correction as `apply` stores it: the whole data of the new
    revision, and its history entry (which fields changed, from what to what)."""

    data: dict[str, Any]
    entry: dict[str, Any]


def stored_after(filing: Filing, state: FlowState, outputs: dict[str, Any] | None) -> Filing:
    """The filing as `apply` leaves it (a copy): what its figures count afterwards."""
    after = Filing.from_raw_data(filing.serialize())
    after.status, after.stage, after.reason = state.status, state.stage, state.reason
    after.steps = dict(state.steps)
    if outputs is not None:
        after.outputs = outputs
    return after


def decision_record(
    filing: Filing, task: Task | None, new: FlowState
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The filing's outputs and history with `task`'s decision recorded, as the
    transition took it (an approval the stock cannot cover is recorded as the
    rejection it became, with its reason)."""
    outputs: dict[str, Any] = dict(filing.outputs or {})
    history: list[dict[str, Any]] = list(filing.history or [])
    if task is None:
        return outputs, history
    decision, comment = task.decision, task.comment or ""
    if decision == "approve" and new.steps.get(task.step) == "rejected":
        decision, comment = "reject", new.reason
    if decision == "approve" and task.inputs:
        outputs[task.step] = dict(task.inputs)
    history.append(
        {
            "step": task.step,
            "decision": decision,
            "comment": comment,
            "by": task.decided_by or "",
            "at": task.decided_at.isoformat() if task.decided_at else None,
            "shown": list(task.shown or []) if decision == "approve" else [],
        }
    )
    if decision == "send_back":  # the fields named, each with its comment
        history[-1]["fields"] = dict((task.inputs or {}).get("fields", {}))
    return outputs, history


def route_scope(filing: Filing, step: Step, outputs: dict[str, Any]) -> str:
    """Whose step it is: the contact an earlier step chose (route_input), the value of
    a field (route_field), else the district's office."""
    if step.route_input:
        source, _, name = step.route_input.partition(".")
        chosen = outputs.get(source, {}).get(name)
        return directory.scope_for(str(chosen) if chosen else None)
    return directory.scope_for(spec_value(filing, step.route_field) if step.route_field else None)


def _reopen_task(tx: Transaction, filing: Filing, step: Step, scope: str, now: datetime) -> None:
    """A decided step opened again: the next link generation (every earlier link of it
    answers 410), its decision cleared (the filing's history keeps it), due anew."""
    due = due_time(filing, step, now)
    tx.update(
        Task(filing_id=filing.filing_id, step=step.id),
        actions=[
            Task.status.set("open"),
            Task.scope.set(scope),
            Task.link_gen.add(1),
            Task.opened_at.set(now),
            Task.due_at.set(due),
            Task.alerts.set(0),
            Task.alert_shard.set(alert_shard()),
            Task.alert_at.set(due),
            Task.town.set(filing.town),
            Task.work_key.set(work_key(step.role, scope)),
            Task.assignee.remove(),  # back to the scope's own list
            Task.decision.remove(),
            Task.comment.remove(),
            Task.decided_by.remove(),
            Task.decided_at.remove(),
            Task.inputs.remove(),
            Task.shown.remove(),
        ],
        condition=Task.status.is_in("decided", "superseded"),
    )


def end_filing(
    filing_id: str, action: Callable[[FlowState], Transition], actor: str, source_ip: str | None
) -> Filing:
    """Withdraw or revoke: a transition taken on request, retried when it races one
    taken by an event. Its documents stop verifying as soon as it is stored."""
    for _ in range(MAX_ATTEMPTS):
        filing = load(filing_id)
        if filing is None:
            raise NotFound(filing_id)
        spec = get_form(filing.form)
        transition = action(flow_state(filing))  # FilingClosed when it has ended already
        entry = audit.entry(filing_id, transition.state.status, actor, source_ip)
        with contextlib.suppress(Conflict):
            apply(spec, filing, transition, entry, marked=True)
            ended = load(filing_id) or filing
            _standing_changed(ended)
            return ended
    raise Conflict(f"{filing_id}: could not record the change")


def _standing_changed(filing: Filing) -> None:
    """Its documents' standing changed: the checkpoints' offline lists follow (an
    event); online verification reads the stored status and needs nothing."""
    try:
        records.put_standing(filing, str(filing.status))
    except s3.NotWritten:
        log.warning(
            "standing record of %s not written: the reconciler sees to it", filing.filing_id
        )


def revoke(filing_id: str, reason: str, actor: str) -> Filing:
    """Staff take back an approval; the filing's documents and its workers' passes stop
    verifying at once."""
    return end_filing(filing_id, lambda state: workflow.revoke(state, reason), actor, None)


def alert_shard() -> str:
    return str(random.randrange(ALERT_SHARDS))


def due_time(filing: Filing, step: Step, now: datetime) -> datetime:
    """When a pending step is late: its due hours after it opened, or after the morning
    of a date it waits for (a check-in runs from the worker's arrival day)."""
    start = now
    if step.due_from_field and filing.data.get(step.due_from_field):
        day = date.fromisoformat(str(filing.data[step.due_from_field]))
        start = max(now, china_moment(day, time(8)))
    return start + timedelta(hours=step.due_hours)


def _is_open(filing_id: str, step: str) -> bool:
    try:
        return Task.get(filing_id, step, consistent_read=True).status == "open"
    except Task.DoesNotExist:
        return False


def spec_value(filing: Filing, field: str) -> str | None:
    value = filing.data.get(field)
    return str(value) if value is not None else None
