"""A check-in with a fever or a symptom: no check-in, a health follow-up instead.

The pure rule is core/supervision.py's (check_in); this carries it out: the filing holds
the follow-up (`health_hold`, `follow_up`) in one transaction with the audit entry, the
check-in's task stays open (it is checked in once the follow-up is cleared), and the
lodging town's office is told, once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.core import supervision
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import Gone, NotFound
from chalicelib.core.roles import TOWN_OFFICE, VILLAGE_DOCTOR
from chalicelib.filing.wording import Words, compose
from chalicelib.forms import FormSpec
from chalicelib.store import audit, counters, directory, notify, ratelimit, records, s3
from chalicelib.store.models import Document, Filing, Task, bind_models, work_key
from chalicelib.store.tx import Action, Cancelled, transaction

log = logging.getLogger(__name__)
# the rate window among the items as sent: the audit entry and the task (puts), then it
_WINDOW_AT = 2
FOLLOW_UP = supervision.FOLLOW_UP_STEP  # the follow-up task's step, on the to-do list
FOLLOW_UP_HOURS = 2  # "not overnight": the village doctor sees the worker the same day
TASK_PREFIX = supervision.FOLLOW_UP_PREFIX  # its own partition: Task.query never meets it


def task_key(filing_id: str) -> str:
    return f"{TASK_PREFIX}{filing_id}"


def follow_up_task(filing: Filing, now: datetime) -> Task:
    """The follow-up's task on the lodging town's to-do list (the work index), until it
    is cleared. A follow-up opened again after one was cleared replaces it."""
    return Task(
        filing_id=task_key(filing.filing_id),
        step=FOLLOW_UP,
        form=filing.form,
        role=TOWN_OFFICE,
        scope=filing.town,
        status="open",
        opened_at=now,
        due_at=now + timedelta(hours=FOLLOW_UP_HOURS),
        town=filing.town,
        work_key=work_key(TOWN_OFFICE, filing.town),
    )


def hold(
    spec: FormSpec,
    filing: Filing,
    task: Task,
    actor: str,
    values: Mapping[str, Any],
    source_ip: str | None,
    rate_client: str | None = None,
) -> bool:
    """Open the follow-up a check-in's health (`values`, its validated inputs) calls for;
    True when this call opened it. A second abnormal check-in while it is open (the
    other check-in, or the same one posted again) changes nothing: the follow-up is the
    one already open, and nobody is told twice."""
    from chalicelib.forms.checkin import health_of

    health = health_of(dict(values))
    change = supervision.check_in(health) if health is not None else None
    if health is None or change is None:  # only abnormal health comes here
        raise ValueError("hold without a fever or a symptom")
    now = utcnow()
    follow_up = {
        "status": change.state.status,
        "opened_at": now.isoformat(),
        "step": task.step,
        "by": actor,
        "temperature": values.get("temperature"),
        "symptoms": values.get("symptoms"),
        "fever": health.fever,
    }
    try:
        with transaction() as tx:
            tx.save(
                audit.entry(
                    filing.filing_id,
                    f"health_hold:{task.step}",
                    actor,
                    source_ip,
                    f"{follow_up['temperature']} {follow_up['symptoms']}",
                )
            )
            tx.save(follow_up_task(filing, now))
            if rate_client:
                ratelimit.count(tx, rate_client, now, "approval")
            tx.update(
                Filing(filing_id=filing.filing_id),
                actions=[
                    Filing.health_hold.set(change.state.status),
                    Filing.follow_up.set(follow_up),
                    Filing.updated_at.set(now),
                ],
                condition=Filing.health_hold.does_not_exist(),
            )
            counters.move(tx, {counters.supervision_counter(filing.town, "fevers"): 1})
    except Cancelled as cancelled:
        if rate_client and _WINDOW_AT in cancelled.failed:
            raise ratelimit.refusal(now, "approval") from None
        # another check-in opened it first: that follow-up stands, nothing is doubled
        log.info("follow-up of %s already open", filing.filing_id)
        return False
    if any(isinstance(e, supervision.TellDoctor) for e in change.effects):
        tell_town(spec, filing, follow_up)
    return True


def tell_town(spec: FormSpec, filing: Filing, follow_up: Mapping[str, Any]) -> None:
    """The lodging town's office and its village doctor (where the directory has one)
    learn of it at once."""
    scope = directory.scope_for(filing.town)
    contacts = [directory.find(TOWN_OFFICE, scope)]
    doctor = directory.find_own(VILLAGE_DOCTOR, scope)
    if doctor is not None:
        contacts.append(doctor)
    messages: list[notify.Message] = []
    for contact in contacts:
        notice = compose(
            "health_alert",
            name=contact.name,
            form=Words(spec.title, spec.title_en),
            slip_no=filing.slip_no,
            applicant=filing.applicant,
            village=str(filing.data.get("lodging_village", "")),
            temperature=str(follow_up["temperature"]),
            doctor=contact is doctor,
        )
        messages += [
            notify.Message("email", address, notice.subject, notice.email, (), filing.filing_id)
            for address in contact.emails
        ] + [
            notify.Message("sms", phone, notice.subject, notice.sms, (), filing.filing_id)
            for phone in contact.phones
        ]
    notify.send_once(f"health:{follow_up['opened_at']}", messages)


def resolve(
    filing_id: str,
    outcome: str,
    until: date | None,
    note: str,
    actor: str,
    source_ip: str | None,
    today: date,
) -> Filing:
    """The follow-up's answer (core/supervision.resolve): `cleared` gives the pass back
    (or lets the check-in go on) and takes the task off the list; `isolation` until a
    day keeps both held. Conditional on the follow-up it read: of two answers at once
    one wins, the other is Gone."""
    bind_models()
    try:
        filing = Filing.get(filing_id, consistent_read=True)
    except Filing.DoesNotExist:
        raise NotFound(filing_id) from None
    held = filing.health_hold
    if not held:
        raise Gone("used")
    found = dict(filing.follow_up or {})
    until_before = found.get("isolation_until")
    state = supervision.FollowUp(
        status=held,  # type: ignore[arg-type]
        isolation_until=date.fromisoformat(until_before) if until_before else None,
    )
    change = supervision.resolve(state, outcome, today, until, note)
    now = utcnow()
    found.update(
        status=change.state.status,
        isolation_until=change.state.isolation_until.isoformat()
        if change.state.isolation_until
        else None,
        note=change.state.note,
        resolved_by=actor,
        resolved_at=now.isoformat(),
    )
    restore = any(isinstance(e, supervision.RestorePass) for e in change.effects)
    pass_code = filing.document_codes().get("pass")
    hold_actions: list[Action] = (
        [Filing.health_hold.remove()] if restore else [Filing.health_hold.set("isolation")]
    )
    try:
        with transaction() as tx:
            tx.save(audit.entry(filing_id, f"follow_up:{outcome}", actor, source_ip, note))
            tx.update(
                Filing(filing_id=filing_id),
                actions=[
                    *hold_actions,
                    Filing.follow_up.set(found),
                    Filing.version.add(1),
                    Filing.updated_at.set(now),
                ],
                condition=Filing.health_hold == held,
            )
            isolating = (change.state.status == "isolation") - (held == "isolation")
            if isolating:
                figure = counters.supervision_counter(filing.town, "isolations")
                counters.move(tx, {figure: isolating})
            if restore:
                tx.update(
                    Task(filing_id=task_key(filing_id), step=FOLLOW_UP),
                    actions=[
                        Task.status.set("decided"),
                        Task.decision.set(outcome),
                        Task.decided_by.set(actor),
                        Task.decided_at.set(now),
                        Task.work_key.remove(),
                    ],
                )
                if pass_code:
                    tx.update(Document(code=pass_code), actions=[Document.suspended.set(False)])
    except Cancelled:
        raise Gone("superseded") from None
    filing.refresh(consistent_read=True)
    if restore and pass_code:
        try:
            records.put_standing(filing, "reinstated")
        except s3.NotWritten:
            log.warning("standing record of %s not written", filing_id)
    return filing
