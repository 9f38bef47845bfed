"""A check-in with a fever or a symptom: no check-in, a health follow-up instead.

The pure rule is core/supervision.py's (check_in); this carries it out: the filing holds
the follow-up (`health_hold`, `follow_up`) in one transaction with the audit entry, the
check-in's task stays open (it is checked in once the follow-up is cleared), and the
lodging town's office is told, once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from chalicelib.core import supervision
from chalicelib.core.clock import utcnow
from chalicelib.core.roles import TOWN_OFFICE
from chalicelib.filing.wording import Words, compose
from chalicelib.forms import FormSpec
from chalicelib.store import audit, directory, notify, ratelimit
from chalicelib.store.models import Filing, Task
from chalicelib.store.tx import Cancelled, transaction

log = logging.getLogger(__name__)
_WINDOW_AT = 1  # the rate window among the items as sent: the audit entry, then it


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
    """The lodging town's office (which sends the village doctor) learns of it at once."""
    contact = directory.find(TOWN_OFFICE, directory.scope_for(filing.town))
    notice = compose(
        "health_alert",
        name=contact.name,
        form=Words(spec.title, spec.title_en),
        slip_no=filing.slip_no,
        applicant=filing.applicant,
        village=str(filing.data.get("lodging_village", "")),
        temperature=str(follow_up["temperature"]),
    )
    messages = [
        notify.Message("email", address, notice.subject, notice.email, (), filing.filing_id)
        for address in contact.emails
    ] + [
        notify.Message("sms", phone, notice.subject, notice.sms, (), filing.filing_id)
        for phone in contact.phones
    ]
    notify.send_once(f"health:{follow_up['opened_at']}", messages)
