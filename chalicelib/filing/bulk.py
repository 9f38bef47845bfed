"""Bulk decisions from the workbench's to-do list: steps that allow them (a town
confirming its returning workers) approved by the dozen, each exactly as if by its own
link — the same checks and the same conditional write on its task at the generation the
list showed, each recorded and audited on its own. One failing leaves the others be;
sent twice, the second finds each one used and records nothing again.

Reads are batched: one BatchGetItem for the tasks, one for the filings, one GetItem per
distinct contact; then, per filing, its transaction and its S3 record."""

from __future__ import annotations

from typing import NamedTuple

from chalicelib import links
from chalicelib.core.errors import DomainError, Forbidden, Gone, TooEarly
from chalicelib.filing import approve
from chalicelib.forms import get_form
from chalicelib.store import directory
from chalicelib.store.models import Contact, Filing, Task, bind_models

MAX_BULK = 100  # a BatchGetItem's keys; the page offers no more than a screenful anyway


class Ref(NamedTuple):
    filing_id: str
    step: str
    link_gen: int


class Outcome(NamedTuple):
    filing_id: str
    step: str
    result: str  # decided | already (decided before: nothing recorded again) | a refusal's code


def parse_refs(values: list[str]) -> list[Ref]:
    """The list's checkboxes: "<filing id>|<step>|<link generation>" each; malformed
    ones are dropped (they name nothing the list showed)."""
    found: list[Ref] = []
    for value in values:
        parts = value.split("|")
        if len(parts) == 3 and parts[2].isdigit():
            found.append(Ref(parts[0], parts[1], int(parts[2])))
    return list(dict.fromkeys(found))[:MAX_BULK]


def approve_all(
    refs: list[Ref], role: str, scope: str, actor: str, source_ip: str | None
) -> list[Outcome]:
    """Approve each step of `refs` that is `role`'s in `scope` (the signed-in office)."""
    bind_models()
    if not refs:
        return []
    tasks = {
        (t.filing_id, t.step): t
        for t in Task.batch_get([(r.filing_id, r.step) for r in refs], consistent_read=True)
    }
    ids = sorted({r.filing_id for r in refs})
    filings = {f.filing_id: f for f in Filing.batch_get(ids, consistent_read=True)}
    contacts: dict[tuple[str, str], Contact] = {}
    outcomes = []
    for ref in refs:
        task, filing = tasks.get((ref.filing_id, ref.step)), filings.get(ref.filing_id)
        try:
            if task is None or filing is None:
                raise Forbidden("no such task")
            if task.role != role or task.scope != scope:
                raise Forbidden("not this office's step")
            key = (str(task.role), task.contact_scope)
            if key not in contacts:
                contacts[key] = directory.find(*key)
            approval = _approval(ref, task, filing, contacts[key])
            pending = approve.check_decision(approval, "approve", "")
            approve.record(approval, pending, source_ip, via=actor)
            outcomes.append(Outcome(ref.filing_id, ref.step, "decided"))
        except Gone as exc:
            result = "already" if exc.reason == "used" else "superseded"
            outcomes.append(Outcome(ref.filing_id, ref.step, result))
        except TooEarly:
            outcomes.append(Outcome(ref.filing_id, ref.step, "too_early"))
        except Forbidden:
            outcomes.append(Outcome(ref.filing_id, ref.step, "not_yours"))
        except DomainError:
            outcomes.append(Outcome(ref.filing_id, ref.step, "refused"))
    return outcomes


def _approval(ref: Ref, task: Task, filing: Filing, contact: Contact) -> approve.Approval:
    """What opening the step's own link at the list's generation would give (Gone when
    used or no longer current); Forbidden for a step that is not decided in bulk."""
    approve.check_current(task, filing, ref.link_gen)
    spec = get_form(filing.form)
    step = spec.workflow.step(task.step)
    if not step.bulk:
        raise Forbidden(f"{step.id} is decided one at a time")
    return approve.Approval(
        token=links.approval_token(ref.filing_id, ref.step, ref.link_gen),
        spec=spec,
        step=step,
        filing=filing,
        task=task,
        contact=contact,
        tasks=(),
        choices={},
    )
