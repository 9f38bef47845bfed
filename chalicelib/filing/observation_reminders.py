""" "Not overnight" for the days of observation: a day without a report by 20:00 China
time reminds the worker and the enterprise, once; from 22:00 the lodging town's office
is told who has still not reported, once.

Run with the steps' reminders (app.py's schedule, every 10 minutes; devstack's local
scheduler runs it too): before 20:00 it reads nothing. Once only is the notices' claims
(`notify.send_once`, a conditional write per purpose, day and recipient): a second sweep,
or two at once, send nothing twice.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from typing import NamedTuple

from chalicelib import links
from chalicelib.core.clock import CHINA
from chalicelib.core.roles import EMPLOYER_CONTACT, TOWN_OFFICE
from chalicelib.core.towns import town_names
from chalicelib.filing.observation import WORKERS, observation_of
from chalicelib.filing.wording import compose
from chalicelib.settings import get_settings
from chalicelib.store import directory, notify
from chalicelib.store.models import Contact, Filing, bind_models, queue_keys

log = logging.getLogger(__name__)
REMIND_AT = time(20, 0)  # China time: the day's report is late
OVERNIGHT_AT = time(22, 0)  # China time: the village is told ("not overnight")


class Swept(NamedTuple):
    reminded: int  # workers whose reminder went out in this sweep
    towns_told: int


def sweep(now: datetime) -> Swept:
    local = now.astimezone(CHINA)
    if local.time() < REMIND_AT:
        return Swept(0, 0)
    today, overnight = local.date(), local.time() >= OVERNIGHT_AT
    bind_models()
    reminded = told = 0
    for town in town_names():
        missing = unreported(town, today)
        for filing in missing:
            reminded += remind(filing, today) > 0
        if overnight and missing and tell_town(town, today, missing) > 0:
            told += 1
    if reminded or told:
        log.info("observation: reminded %d worker(s), told %d town(s)", reminded, told)
    return Swept(reminded, told)


def unreported(town: str, today: date) -> list[Filing]:
    """The town's workers under observation whose report of `today` is not in: the
    approved worker filings (the queue index, which projects the data) arrived within
    the days of observation, each read whole for its reports."""
    days = get_settings().observation_days
    found: list[Filing] = []
    for key in queue_keys(WORKERS, town, "approved"):
        for listed in Filing.queue_index.query(key):
            arrival = str((listed.data or {}).get("arrival_date", ""))
            if not arrival or not 0 <= (today - date.fromisoformat(arrival)).days < days:
                continue
            filing = Filing.get(listed.filing_id, consistent_read=True)
            obs = observation_of(filing)
            if obs is not None and obs.missing(today):
                found.append(filing)
    return sorted(found, key=lambda f: str(f.slip_no))


def _messages(
    contact: Contact, subject: str, email: str, sms: str, filing_id: str
) -> list[notify.Message]:
    return [
        notify.Message("email", address, subject, email, (), filing_id)
        for address in contact.emails
    ] + [notify.Message("sms", phone, subject, sms, (), filing_id) for phone in contact.phones]


def remind(filing: Filing, today: date) -> int:
    """The worker (by SMS, to the phone filed) and the employer's contact, once a day."""
    url = links.status_url(filing.filing_id).replace(
        f"/filings/{filing.filing_id}?", f"/filings/{filing.filing_id}/report?"
    )
    context = dict(slip_no=filing.slip_no, applicant=filing.applicant, day=today, url=url)
    to_worker = compose("report_reminder", name=filing.applicant, **context)
    messages: list[notify.Message] = []
    phone = str(filing.data.get("phone") or "")
    if phone:
        to = notify.to_phone(phone)
        messages.append(
            notify.Message("sms", to, to_worker.subject, to_worker.sms, (url,), filing.filing_id)
        )
    employer = str(filing.data.get("employer_filing_id") or "")
    if employer:
        contact = directory.find(EMPLOYER_CONTACT, employer)
        notice = compose("report_reminder", name=contact.name, **context)
        messages += _messages(contact, notice.subject, notice.email, notice.sms, filing.filing_id)
    return notify.send_once(f"report_reminder:{today.isoformat()}", messages)


def tell_town(town: str, today: date, missing: list[Filing]) -> int:
    """The lodging town's office: how many, and which slips, have not reported."""
    contact = directory.find(TOWN_OFFICE, directory.scope_for(town))
    slips = ", ".join(str(f.slip_no) for f in missing)
    notice = compose(
        "overnight_alert", name=contact.name, town=town, day=today, count=len(missing), slips=slips
    )
    key = f"overnight#{town}"  # the claims' subject: one message a town a day
    return notify.send_once(
        f"overnight_alert:{today.isoformat()}",
        _messages(contact, notice.subject, notice.email, notice.sms, key),
    )
