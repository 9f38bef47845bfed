"""The applicant's side of a filing, through its status link: what it shows (the steps,
their decisions, the documents, what happens next and by when), withdrawal and the
enterprise's start of work (开工)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from chalicelib import links
from chalicelib.core import workflow
from chalicelib.core.errors import InvalidTransition, NotFound, ValidationFailed
from chalicelib.core.roles import DISTRICT_OFFICE, TOWN_OFFICE
from chalicelib.core.workflow import ACTIVE
from chalicelib.filing import figures, transitions
from chalicelib.forms import FormSpec, get_form
from chalicelib.store import audit, counters, directory, s3
from chalicelib.store.models import Filing, Task, bind_models
from chalicelib.store.tx import transaction

AHEAD = frozenset({"pending", "open", "reopened"})  # reopened: to be decided again


class NextStep(NamedTuple):
    title: str
    title_en: str
    due_hours: int
    due_at: datetime | None  # known once the step is open: its task's due time


def get_for_applicant(filing_id: str, token: str | None) -> Filing:
    links.check_status_token(filing_id, token)
    bind_models()
    try:
        return Filing.get(filing_id)
    except Filing.DoesNotExist:
        raise NotFound(filing_id) from None


def status_view(filing: Filing) -> dict[str, Any]:
    """The applicant's view: steps with their decisions, documents to download."""
    spec = get_form(filing.form)
    tasks = {t.step: t for t in Task.query(filing.filing_id)}
    steps = []
    for step in spec.workflow.steps:
        task = tasks.get(step.id)
        steps.append(
            {
                "id": step.id,
                "title": step.title,
                "title_en": step.title_en,
                "status": filing.step_status(step.id) or "pending",
                "decided_at": task.decided_at.isoformat() if task and task.decided_at else None,
                "comment": task.comment if task and task.comment else None,
                # what the decider filled in (an approved amount, the instructor assigned)
                "outputs": [list(row) for row in (task.shown or [])] if task else [],
            }
        )
    titles = {step.id: (step.title, step.title_en) for step in spec.workflow.steps}
    history = [
        {
            **{k: v for k, v in entry.items() if k != "by"},  # approvers stay unnamed here
            "title": titles[entry["step"]][0],
            "title_en": titles[entry["step"]][1],
        }
        for entry in (filing.history or [])
        if entry.get("step") in titles
    ]
    token = links.status_token(filing.filing_id)
    base = links.public_base()
    documents = [
        {"kind": kind, "url": f"{base}/filings/{filing.filing_id}/documents/{kind}?token={token}"}
        for kind in filing.document_codes()
    ]
    return {
        "filing_id": filing.filing_id,
        "form": filing.form,
        "slip_no": filing.slip_no,
        "status": filing.status,
        "reason": filing.reason or None,
        "submitted_at": filing.created_at.isoformat(),
        "started_on": filing.started_on,
        "steps": steps,
        "history": history,  # every decision in order, reopens with their reasons
        "documents": documents,
    }


class Pickup(NamedTuple):
    """Where and when an approved supplies order's goods are collected, and whom to ask."""

    office: str
    place: str | None
    hours: str | None
    phones: tuple[str, ...]


def pickup(filing: Filing) -> Pickup | None:
    """An approved order's collection point: the town office's, from the directory."""
    if filing.status != "approved":
        return None
    office = directory.find(TOWN_OFFICE, filing.town)
    return Pickup(
        str(office.name), office.pickup_place, office.pickup_hours, tuple(office.phones or ())
    )


def slip_no_of(filing_id: str) -> str | None:
    """The slip number a person knows a filing by (a duplicate names the first one)."""
    bind_models()
    try:
        return str(Filing.get(filing_id, attributes_to_get=["slip_no"]).slip_no)
    except Filing.DoesNotExist:
        return None


def help_desk() -> Pickup:
    """Whom a person who cannot find their filing calls: the district office."""
    office = directory.find(DISTRICT_OFFICE, directory.scope_for(None))
    return Pickup(str(office.name), None, None, tuple(office.phones or ()))


def document_key(filing: Filing, kind: str) -> str:
    code = filing.document_codes().get(kind)
    if not code:
        raise NotFound(kind)
    return s3.document_key(filing.filing_id, kind, code)


def withdraw(filing_id: str, token: str | None, source_ip: str | None) -> Filing:
    """The applicant takes the filing back through the status link."""
    links.check_status_token(filing_id, token)
    return transitions.end_filing(filing_id, workflow.withdraw, "applicant", source_ip)


def report_start(
    filing_id: str, token: str | None, started_on: str, source_ip: str | None
) -> Filing:
    """An approved enterprise reports its start of work (开工), once, through its
    status link; the drive's figures count it in the same transaction."""
    filing = get_for_applicant(filing_id, token)
    if filing.form != figures.ENTERPRISE or filing.status != "approved":
        raise InvalidTransition("only an approved enterprise filing reports its start")
    try:
        day = date.fromisoformat(started_on)
    except ValueError:
        raise ValidationFailed({"started_on": "日期格式应为YYYY-MM-DD"}) from None
    above = bool(filing.data.get("above_scale"))
    with transaction() as tx:
        tx.update(
            filing,
            actions=[Filing.started_on.set(day.isoformat()), Filing.version.add(1)],
            condition=(Filing.version == filing.version)
            & (Filing.status == "approved")
            & Filing.started_on.does_not_exist(),
        )
        counters.move(tx, figures.start_changes(filing.town, above))
        started = Filing.from_raw_data(filing.serialize())
        started.started_on = day.isoformat()
        counters.move(tx, figures.figure_changes(get_form(filing.form), filing, started))
        tx.save(audit.entry(filing_id, "started", "applicant", source_ip))
    filing.refresh(consistent_read=True)
    return filing


def next_steps(
    spec: FormSpec, filing_id: str, status: str, steps: dict[str, str]
) -> list[NextStep]:
    """The steps still ahead of an active filing, in order; `steps` maps step id to its
    status as the applicant's view has it (pending, open, approved, ...)."""
    if status not in ACTIVE:
        return []
    ahead = [s for s in spec.workflow.steps if steps.get(s.id, "pending") in AHEAD]
    if not ahead:
        return []
    bind_models()
    due = {t.step: t.due_at for t in Task.query(filing_id) if t.status == "open"}
    return [
        NextStep(
            s.title, s.title_en, s.due_hours, due.get(s.id) if steps.get(s.id) == "open" else None
        )
        for s in ahead
    ]
