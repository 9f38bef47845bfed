"""An approver's link: showing the filing (changes nothing) and deciding (once)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, NamedTuple

from chalicelib import links
from chalicelib.core.clock import china_today, utcnow
from chalicelib.core.errors import (
    DomainError,
    Forbidden,
    Gone,
    HealthHeld,
    InvalidTransition,
    RateLimited,
    ReasonRequired,
    TooEarly,
    ValidationFailed,
)
from chalicelib.core.i18n import N_
from chalicelib.core.roles import DISTRICT_OFFICE
from chalicelib.core.workflow import TERMINAL, Step, correction_fields
from chalicelib.filing import health
from chalicelib.forms import FormSpec, field_labels, get_form
from chalicelib.logs import name_filing
from chalicelib.store import audit, directory, metrics, ratelimit, records, s3
from chalicelib.store.models import Contact, Filing, Task, bind_models
from chalicelib.store.s3 import NotWritten
from chalicelib.store.tx import Action, Cancelled, transaction

log = logging.getLogger(__name__)


class Approval(NamedTuple):
    """What an approver's page shows: one filing, one step, the decisions so far."""

    token: str
    spec: FormSpec
    step: Step
    filing: Filing
    task: Task
    contact: Contact
    tasks: tuple[Task, ...]
    # input field -> the (value, text) options it offers (a town's instructors)
    choices: dict[str, list[tuple[str, str]]]


def open_link(token: str, history: bool = True) -> Approval:
    """Read-only: mail scanners open links, so this never writes. `history` (the
    decisions so far) is for the page: deciding does without that query."""
    claim = links.read_approval_token(token)
    name_filing(claim.filing_id)
    bind_models()
    try:
        task = Task.get(claim.filing_id, claim.step, consistent_read=True)
        filing = Filing.get(claim.filing_id, consistent_read=True)
    except (Task.DoesNotExist, Filing.DoesNotExist):
        raise Forbidden("link names no task") from None
    check_current(task, filing, claim.link_gen)
    spec = get_form(filing.form)
    step = spec.workflow.step(task.step)
    return Approval(
        token=token,
        spec=spec,
        step=step,
        filing=filing,
        task=task,
        contact=directory.find(task.role, task.contact_scope),
        tasks=tuple(Task.query(filing.filing_id)) if history else (),
        choices=input_choices(step, filing),
    )


class Evidence(NamedTuple):
    """An uploaded file as the approver opens it: a short-lived address, its name, size
    and type (None where the object is no longer there)."""

    filename: str
    size: int | None
    content_type: str
    url: str | None


EVIDENCE_SECONDS = 300  # long enough to tap, short enough not to travel


def evidence(approval: Approval) -> dict[str, Evidence]:
    """Each upload field of the filing (a passenger list, a supporting file) by field."""
    found: dict[str, Evidence] = {}
    labels = approval.spec.labels("zh")
    for field in approval.spec.uploads:
        key = approval.filing.data.get(field)
        if not key:
            continue
        ext = str(key).rsplit(".", 1)[-1] if "." in str(key) else "bin"
        filename = f"{approval.filing.slip_no}-{labels.get(field, field)}.{ext}"
        meta = s3.head(str(key))
        if meta is None:
            found[field] = Evidence(filename, None, "", None)
            continue
        content_type = str(meta.get("ContentType") or "application/octet-stream")
        url = s3.download_url(
            str(key), filename, EVIDENCE_SECONDS, content_type, disposition="attachment"
        )
        found[field] = Evidence(filename, int(meta.get("ContentLength", 0)), content_type, url)
    return found


def district_office() -> Contact:
    """Whom an approver whose link no longer works can call: the district office."""
    return directory.find(DISTRICT_OFFICE, directory.scope_for(None))


def input_choices(step: Step, filing: Filing) -> dict[str, list[tuple[str, str]]]:
    """The options of a step's inputs that name a directory contact: the contacts of the
    field's role in the filing's scope (`contact_choice`), as (scope, name)."""
    if step.inputs is None:
        return {}
    found: dict[str, list[tuple[str, str]]] = {}
    for name, prop in step.inputs.model_json_schema().get("properties", {}).items():
        role = prop.get("x-contact-role")
        if role:
            scope = str(filing.data.get(prop["x-scope-field"], ""))
            found[name] = directory.choices(role, f"{scope}#")
    return found


def validate_inputs(
    approval: Approval, posted: Mapping[str, str], lang: str = "zh"
) -> tuple[dict[str, Any], list[list[str]]]:
    """The step's decision inputs as validated (with the filing's data and the offered
    choices as context), and as [label, text] rows; ValidationFailed naming each bad one."""
    import pydantic

    from chalicelib.forms.messages import messages  # with pydantic

    model = approval.step.inputs
    if model is None:
        return {}, []
    raw = {name: posted[name] for name in model.model_fields if posted.get(name, "") != ""}
    context = {"data": approval.filing.data, "choices": approval.choices}
    try:
        values = model.model_validate(raw, context=context).model_dump(mode="json")
    except pydantic.ValidationError as exc:
        raise ValidationFailed(messages(exc, lang)) from None
    labels = field_labels(model, lang)
    shown = [
        [labels[name], _shown(model, name, value, approval.choices.get(name, ()), lang)]
        for name, value in values.items()
        if value is not None
    ]
    return values, shown


def _shown(model: type[Any], name: str, value: object, choices: Any, lang: str) -> str:
    """An input's value in words: an offered choice's name, a code's words (each of a
    comma-separated list of codes: the symptoms), else the value."""
    from chalicelib.forms.spec import code_word

    offered = dict(choices)
    if value in offered:
        return str(offered[value])
    parts = str(value).split(",")
    sep = ", " if lang == "en" else "、"
    return sep.join(str(code_word(model, name, part, lang)) for part in parts)


def check_current(task: Task, filing: Filing, link_gen: int) -> None:
    if task.status == "decided":
        raise Gone("used")
    if task.status != "open" or task.link_gen != link_gen or filing.status in TERMINAL:
        raise Gone("superseded")


class Decided(NamedTuple):
    filing_id: str
    step: str
    decision: str
    # What the page after deciding repeats: the filing, the words of the decision, the
    # comment and what the decider filled in.
    slip_no: str = ""
    applicant: str = ""
    form_title: str = ""
    form_title_en: str = ""
    label: str = ""
    comment: str = ""
    shown: tuple[tuple[str, str], ...] = ()

    def as_json(self) -> dict[str, str]:
        return {"filing_id": self.filing_id, "step": self.step, "decision": self.decision}


class Pending(NamedTuple):
    """A decision checked but not yet recorded: what its confirmation page repeats."""

    decision: str
    label: str  # the step's own words for it (派单, 未解决，重新办理, ...), marked with N_
    comment: str
    values: dict[str, Any]
    shown: list[list[str]]
    # A send-back's fields, each with its comment, in the step's order.
    corrections: tuple[tuple[str, str], ...] = ()
    # A check-in whose temperature or symptoms open a health follow-up instead
    # (chalicelib/filing/health.py): recorded as the follow-up, the step stays open.
    held: bool = False


SEND_BACK_LABEL = N_("退回补正")
HELD_LABEL = N_("转健康随访")  # a check-in with a fever or a symptom
CORRECT_PREFIX = "correct."  # a send-back's form field per named field: its comment


def posted_corrections(posted: Mapping[str, str]) -> dict[str, str]:
    """The fields a send-back names: each `correct.<field>` filled in, with its text."""
    return {
        name.removeprefix(CORRECT_PREFIX): text
        for name, text in posted.items()
        if name.startswith(CORRECT_PREFIX) and text.strip()
    }


def not_before(approval: Approval) -> str | None:
    """The day the step may first be approved, while it is still ahead (China time)."""
    field = approval.step.not_before_field
    day = str(approval.filing.data.get(field) or "") if field else ""
    return day if day and day > china_today().isoformat() else None


def decision_label(step: Step, decision: str) -> str:
    """A decision in its step's words: the approve button's or the second button's."""
    if decision == "send_back":
        return SEND_BACK_LABEL
    return step.approve_label if decision == "approve" else step.reject_label


def decisions(step: Step) -> tuple[str, ...]:
    """Every decision the step takes: its two, and a send-back where it declares one."""
    return (*step.decisions, "send_back") if step.correctable else step.decisions


def check_decision(
    approval: Approval,
    decision: str,
    comment: str,
    inputs: Mapping[str, str] | None = None,
    lang: str = "zh",
) -> Pending:
    """Everything a decision must satisfy, checked without writing: a known decision,
    a reason where one is needed, valid inputs (ValidationFailed naming each)."""
    comment = _clean_comment(comment, lang)[:500]
    if decision not in decisions(approval.step):
        raise InvalidTransition(f"unknown decision {decision!r}")
    if decision == "send_back":
        named = {
            name: _clean_comment(text, lang)[:200]
            for name, text in posted_corrections(inputs or {}).items()
        }
        fields = correction_fields(approval.step, named)  # NotCorrectable, ReasonRequired
        joined = "；".join(text for _, text in fields)
        label = decision_label(approval.step, decision)
        return Pending(decision, label, joined, {}, [], fields)
    if decision != "approve" and not comment:
        raise ReasonRequired(approval.step.id)
    if decision == "approve" and (day := not_before(approval)):
        raise TooEarly(day)
    if decision == "approve" and approval.filing.health_hold:
        raise HealthHeld(approval.step.id)
    values, shown = (
        validate_inputs(approval, inputs or {}, lang) if decision == "approve" else ({}, [])
    )
    from chalicelib.forms.checkin import health_of  # with pydantic, as the inputs

    health = health_of(values) if decision == "approve" else None
    held = health is not None and health.abnormal
    label = HELD_LABEL if held else decision_label(approval.step, decision)
    return Pending(decision, label, comment, values, shown, held=held)


def _clean_comment(comment: str, lang: str) -> str:
    """The comment as the applicant will read it: clean text (forms.types.clean_text),
    else ValidationFailed naming it."""
    from pydantic_core import PydanticCustomError  # deferred: pydantic, as the forms' rules

    from chalicelib.forms.messages import message
    from chalicelib.forms.types import clean_text

    try:
        return str(clean_text(comment, multiline=True))
    except PydanticCustomError as exc:
        raise ValidationFailed({"comment": message(exc.type, exc.context, lang)}) from None


APPROVAL = "approval"  # the decisions' kind of chalicelib/store/ratelimit.py
# Where the client's rate window stands among the decision's items as PynamoDB sends
# them (its puts, then its updates): the audit entry, the task, the filing's mark, it.
_WINDOW_AT = 3


def decide(
    token: str,
    decision: str,
    comment: str,
    source_ip: str | None,
    inputs: Mapping[str, str] | None = None,
    lang: str = "zh",
    rate_limited: bool = False,
) -> Decided:
    """Consume the link with a conditional write: of two concurrent POSTs one wins,
    the other finds it used. The S3 record then moves the workflow on. An approval
    carries the step's inputs (Step.inputs), validated first: ValidationFailed names
    each bad one and nothing is written.

    `rate_limited`: the decision counts against `source_ip`'s window of approval POSTs
    (chalicelib/store/ratelimit.py) inside its own transaction, no call of its own; a
    full window cancels it (RateLimited, nothing decided). A POST refused before its
    transaction commits (a tampered, used or superseded link, a bad decision) counts
    with one update of its own, and is RateLimited instead when the window is full: a
    guessed or replayed link counts as much as a good one."""
    client = source_ip if rate_limited and ratelimit.counted(source_ip, APPROVAL) else None
    try:
        return _decide(token, decision, comment, source_ip, client, inputs, lang)
    except RateLimited:
        raise
    except DomainError:
        if client:
            ratelimit.admit(client, utcnow(), APPROVAL)
        raise


def _decide(
    token: str,
    decision: str,
    comment: str,
    source_ip: str | None,
    rate_client: str | None,
    inputs: Mapping[str, str] | None,
    lang: str,
) -> Decided:
    approval = open_link(token, history=False)
    pending = check_decision(approval, decision, comment, inputs, lang)
    if pending.held:
        return hold(approval, pending, source_ip, rate_client=rate_client)
    return record(approval, pending, source_ip, rate_client=rate_client)


def hold(
    approval: Approval,
    pending: Pending,
    source_ip: str | None,
    via: str = "",
    rate_client: str | None = None,
) -> Decided:
    """A check-in with a fever or a symptom: the follow-up is opened (chalicelib/filing/
    health.py), the step stays open and its link with it (checked in once cleared)."""
    actor = f"{approval.contact.name} via {via}" if via else approval.contact.name
    health.hold(
        approval.spec,
        approval.filing,
        approval.task,
        actor,
        pending.values,
        source_ip,
        rate_client=rate_client,
    )
    filing, spec = approval.filing, approval.spec
    return Decided(
        filing.filing_id,
        approval.task.step,
        "health_hold",
        slip_no=filing.slip_no,
        applicant=filing.applicant,
        form_title=spec.title,
        form_title_en=spec.title_en,
        label=pending.label,
        comment=pending.comment,
        shown=tuple((str(label), str(text)) for label, text in pending.shown),
    )


def record(
    approval: Approval,
    pending: Pending,
    source_ip: str | None,
    via: str = "",
    rate_client: str | None = None,
) -> Decided:
    """Record a checked decision on the task (the link's or the workbench's bulk path:
    one and the same write). `via`: the signed-in person who acted from the workbench,
    for the audit trail; `rate_client`: the address whose approval window the decision
    counts in (its link's POST), in the same transaction."""
    decision = pending.decision
    comment, values, shown = pending.comment, pending.values, pending.shown
    if pending.corrections:
        values = {"fields": dict(pending.corrections)}  # the event reads them back
    task, now = approval.task, utcnow()
    actions: list[Action] = [
        Task.status.set("decided"),
        Task.decision.set(decision),
        Task.comment.set(comment),
        Task.decided_by.set(approval.contact.name),
        Task.decided_at.set(now),
        Task.alert_shard.remove(),  # out of the reminders' index
        Task.alert_at.remove(),
        Task.work_key.remove(),  # off the to-do lists
    ]
    if values:
        actions += [Task.inputs.set(values), Task.shown.set(shown)]
    try:
        with transaction() as tx:
            tx.update(
                task,
                actions=actions,
                condition=(Task.status == "open") & (Task.link_gen == task.link_gen),
            )
            tx.save(
                audit.entry(
                    task.filing_id,
                    f"{decision}:{task.step}",
                    approval.contact.name,
                    source_ip,
                    f"via {via}" if via else "",
                )
            )
            # Its record may not land: the reconciler will look (chalicelib/filing/reconcile.py).
            tx.update(Filing(filing_id=task.filing_id), actions=records.mark_actions(now))
            if rate_client:
                ratelimit.count(tx, rate_client, now, APPROVAL)
    except Cancelled as cancelled:
        if rate_client and _WINDOW_AT in cancelled.failed:
            raise ratelimit.refusal(now, APPROVAL) from None
        task.refresh(consistent_read=True)
        check_current(task, approval.filing, int(task.link_gen))  # Gone: used or superseded
        raise
    task.status, task.decision, task.comment = "decided", decision, comment
    task.decided_by, task.decided_at = approval.contact.name, now
    task.inputs = values or None
    try:
        records.put_decision(task)
    except NotWritten:
        # The decision is stored and the link used: the filing carries the reconciler's
        # mark, and the reconciler writes this record again (chalicelib/filing/reconcile.py).
        log.exception("decision record of %s/%s not written", task.filing_id, task.step)
    spec, filing = approval.spec, approval.filing
    metrics.count("Decisions", form=spec.id, step=task.step, decision=decision)
    waited = (now - filing.created_at).total_seconds()
    metrics.count("DecisionSeconds", waited, Step=f"{spec.id}:{task.step}", decision=decision)
    return Decided(
        task.filing_id,
        task.step,
        decision,
        slip_no=filing.slip_no,
        applicant=filing.applicant,
        form_title=spec.title,
        form_title_en=spec.title_en,
        label=pending.label,
        comment=comment,
        shown=tuple((str(label), str(text)) for label, text in shown),
    )
