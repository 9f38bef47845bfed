"""An approver's link: showing the filing (changes nothing) and deciding (once)."""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import audit, directory, links, storage
from chalicelib.errors import Forbidden, Gone, InvalidTransition, ReasonRequired
from chalicelib.forms import FormSpec, get_form
from chalicelib.ids import utcnow
from chalicelib.models import Contact, Filing, Task, bind_models, connection
from chalicelib.workflow import TERMINAL, Step


@dataclass(frozen=True)
class Approval:
    """What an approver's page shows: one filing, one step, the decisions so far."""

    token: str
    spec: FormSpec
    step: Step
    filing: Filing
    task: Task
    contact: Contact
    tasks: tuple[Task, ...]


def open_link(token: str, history: bool = True) -> Approval:
    """Read-only: mail scanners open links, so this never writes. `history` (the
    decisions so far) is for the page: deciding does without that query."""
    claim = links.read_approval_token(token)
    bind_models()
    try:
        task = Task.get(claim.filing_id, claim.step, consistent_read=True)
        filing = Filing.get(claim.filing_id, consistent_read=True)
    except (Task.DoesNotExist, Filing.DoesNotExist):
        raise Forbidden("link names no task") from None
    _check_current(task, filing, claim.link_gen)
    spec = get_form(filing.form)
    return Approval(
        token=token,
        spec=spec,
        step=spec.workflow.step(task.step),
        filing=filing,
        task=task,
        contact=directory.find(task.role, task.scope),
        tasks=tuple(Task.query(filing.filing_id)) if history else (),
    )


def _check_current(task: Task, filing: Filing, link_gen: int) -> None:
    if task.status == "decided":
        raise Gone("used")
    if task.status != "open" or task.link_gen != link_gen or filing.status in TERMINAL:
        raise Gone("superseded")


@dataclass(frozen=True)
class Decided:
    filing_id: str
    step: str
    decision: str

    def as_json(self) -> dict[str, str]:
        return {"filing_id": self.filing_id, "step": self.step, "decision": self.decision}


def decide(token: str, decision: str, comment: str, source_ip: str | None) -> Decided:
    """Consume the link with a conditional write: of two concurrent POSTs one wins,
    the other finds it used. The S3 record then moves the workflow on."""
    approval = open_link(token, history=False)
    comment = comment.strip()[:500]
    if decision not in ("approve", "reject"):
        raise InvalidTransition(f"unknown decision {decision!r}")
    if decision == "reject" and not comment:
        raise ReasonRequired(approval.step.id)
    task, now = approval.task, utcnow()
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.update(
                task,
                actions=[
                    Task.status.set("decided"),
                    Task.decision.set(decision),
                    Task.comment.set(comment),
                    Task.decided_by.set(approval.contact.name),
                    Task.decided_at.set(now),
                    Task.alert_shard.remove(),  # out of the reminders' index
                    Task.alert_at.remove(),
                ],
                condition=(Task.status == "open") & (Task.link_gen == task.link_gen),
            )
            tx.save(
                audit.entry(
                    task.filing_id, f"{decision}:{task.step}", approval.contact.name, source_ip
                )
            )
    except TransactWriteError as exc:
        if any(r is not None for r in exc.cancellation_reasons):
            task.refresh(consistent_read=True)
            _check_current(task, approval.filing, int(task.link_gen))
        raise
    storage.put_json(
        storage.decision_key(task.filing_id, task.step),
        {
            "filing_id": task.filing_id,
            "step": task.step,
            "decision": decision,
            "comment": comment,
            "decided_by": approval.contact.name,
            "decided_at": now.isoformat(),
        },
    )
    return Decided(task.filing_id, task.step, decision)
