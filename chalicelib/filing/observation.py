"""The days of observation after a worker's pass: one report a China day (temperature
and symptoms) through the status link; a fever or a symptom suspends the pass at once.

The rules are core/supervision.py's (`report`); this carries them out in one
transaction: the day's claim (one report a worker a day, whoever sends it), the report
on the filing, and, where it opens a follow-up, the hold and the pass's suspension. The
revocation list follows through the filing's standing record.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple

from chalicelib.core import privacy, supervision
from chalicelib.core.clock import china_today, utcnow
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.filing import health
from chalicelib.forms import get_form
from chalicelib.settings import get_settings
from chalicelib.store import audit, claims, counters, records, s3
from chalicelib.store.models import Document, Filing
from chalicelib.store.tx import Action, Cancelled, transaction

log = logging.getLogger(__name__)
WORKERS = "worker-return"
ATTEMPTS = 4  # another write to the filing between its read and this one


def observation_of(filing: Filing) -> supervision.Observation | None:
    """A worker's days of observation, once the pass is issued; None before (or for
    any other filing)."""
    if filing.form != WORKERS or "pass" not in filing.document_codes():
        return None
    arrival = date.fromisoformat(str(filing.data["arrival_date"]))
    days = {date.fromisoformat(r["day"]) for r in filing.reports or []}
    length = get_settings().observation_days
    if filing.observation_until:  # a new risk map extended it (chalicelib/filing/recheck.py)
        until = date.fromisoformat(filing.observation_until)
        length = max(length, (until - arrival).days + 1)
    return supervision.Observation(arrival, length, frozenset(days))


class View(NamedTuple):
    """What the status page shows of the observation."""

    first: str
    last: str
    days: int
    done: int
    left: int
    due_today: bool  # today is a day of observation and its report is not in
    reported_today: bool
    held: str | None  # the follow-up's status while one is open
    reports: tuple[dict[str, Any], ...]


def view(filing: Filing, today: date | None = None) -> View | None:
    obs = observation_of(filing)
    if obs is None:
        return None
    today = today or china_today()
    return View(
        obs.first.isoformat(),
        obs.last.isoformat(),
        obs.days,
        obs.done(today),
        obs.left(today),
        obs.missing(today),
        today in obs.reported,
        filing.health_hold,
        tuple(sorted(filing.reports or [], key=lambda r: str(r["day"]))),
    )


class Reported(NamedTuple):
    day: str
    recorded: bool  # False: the day's report was in already (nothing written)
    held: bool  # a follow-up is open (opened by this report, or before)


def validated(values: Mapping[str, str], lang: str = "zh") -> supervision.Health:
    """The report's temperature and symptoms, else ValidationFailed naming each."""
    import pydantic

    from chalicelib.forms.checkin import HealthCheck
    from chalicelib.forms.messages import messages

    raw = {k: values[k] for k in ("temperature", "symptoms") if values.get(k, "") != ""}
    try:
        return HealthCheck.model_validate(raw).health()
    except pydantic.ValidationError as exc:
        raise ValidationFailed(messages(exc, lang)) from None


def report(
    filing: Filing, values: Mapping[str, str], by: str, source_ip: str | None, lang: str = "zh"
) -> Reported:
    """Record today's report for a worker (ValidationFailed for bad health, NotObserved
    outside the days); a second report the same day is answered, not recorded."""
    found = validated(values, lang)
    for _ in range(ATTEMPTS):
        try:
            return _report(filing, found, by, source_ip)
        except Conflict:
            filing.refresh(consistent_read=True)
    raise Conflict(f"{filing.filing_id}: report not recorded")


def _report(filing: Filing, found: supervision.Health, by: str, source_ip: str | None) -> Reported:
    obs = observation_of(filing)
    if obs is None:
        raise supervision.NotObserved("no pass yet")
    today, now = china_today(), utcnow()
    try:
        change = supervision.report(obs, today, found, held=bool(filing.health_hold))
    except supervision.AlreadyReported:
        return Reported(today.isoformat(), False, bool(filing.health_hold))
    entry = {
        "day": today.isoformat(),
        "temperature": f"{found.temperature:.1f}",
        "symptoms": ",".join(found.symptoms) or supervision.NO_SYMPTOMS,
        "by": by,
        "at": now.isoformat(),
    }
    actions: list[Action] = [
        Filing.reports.set([*(filing.reports or []), entry]),
        Filing.version.add(1),
        Filing.updated_at.set(now),
    ]
    follow_up: dict[str, Any] | None = None
    if change is not None:
        follow_up = {
            "status": change.state.status,
            "opened_at": now.isoformat(),
            "step": "report",
            "by": by,
            "temperature": entry["temperature"],
            "symptoms": entry["symptoms"],
            "fever": found.fever,
        }
        actions += [Filing.health_hold.set("open"), Filing.follow_up.set(follow_up)]
    pass_code = filing.document_codes()["pass"]
    day_claim = claims.new(
        f"report#{filing.filing_id}#{today.isoformat()}",
        filing.filing_id,
        now,
        privacy.expiry(now),
    )
    try:
        with transaction() as tx:
            claims.claim(tx, day_claim)
            tx.save(audit.entry(filing.filing_id, "report", by, source_ip, entry["temperature"]))
            if change is not None:
                tx.save(health.follow_up_task(filing, now))
            figures = {counters.reports_counter(filing.town, entry["day"]): 1}
            if change is not None:
                figures[counters.supervision_counter(filing.town, "fevers")] = 1
            counters.move(tx, figures)
            tx.update(
                Filing(filing_id=filing.filing_id),
                actions=actions,
                condition=Filing.version == filing.version,
            )
            if change is not None:
                tx.update(
                    Document(code=pass_code),
                    actions=[Document.suspended.set(True)],
                    condition=Document.code.exists(),
                )
    except Cancelled as cancelled:
        if 0 in cancelled.failed:  # the day's claim: another report of today came first
            return Reported(today.isoformat(), False, bool(filing.health_hold))
        raise
    filing.refresh(consistent_read=True)
    if follow_up is not None:
        _standing_changed(filing)
        health.tell_town(get_form(filing.form), filing, follow_up)
    return Reported(today.isoformat(), True, bool(filing.health_hold))


def _standing_changed(filing: Filing) -> None:
    """The pass is suspended: the checkpoints' offline list follows (an event); online
    verification reads the document and needs nothing."""
    try:
        records.put_standing(filing, "suspended")
    except s3.NotWritten:
        log.warning("standing record of %s not written", filing.filing_id)


def workers_of(employer_id: str, today: date | None = None) -> list[Filing]:
    """An enterprise's workers under observation today, whatever town they lodge in."""
    from chalicelib.core.towns import town_names

    found = [f for town in town_names() for f in town_workers(town, today, employer_id)]
    return sorted(found, key=lambda f: str(f.slip_no))


def town_workers(
    town: str, today: date | None = None, employer_id: str | None = None
) -> list[Filing]:
    """A town's workers under observation today (their lodging town), by slip number;
    `employer_id`: only that enterprise's (filtered before any filing is read)."""
    from chalicelib.store.models import bind_models, queue_keys

    bind_models()
    today = today or china_today()
    days = get_settings().observation_days
    found: list[Filing] = []
    for key in queue_keys(WORKERS, town, "approved"):
        for listed in Filing.queue_index.query(key):
            data = listed.data or {}
            arrival = str(data.get("arrival_date", ""))
            if employer_id is not None and data.get("employer_filing_id") != employer_id:
                continue
            # an extended observation (a re-check) lasts at most twice as long: the index
            # does not hold its end, so the filing itself says whether today is one
            if arrival and 0 <= (today - date.fromisoformat(arrival)).days < 2 * days - 1:
                filing = Filing.get(listed.filing_id, consistent_read=True)
                obs = observation_of(filing)
                if obs is not None and obs.covers(today):
                    found.append(filing)
    return sorted(found, key=lambda f: str(f.slip_no))


def confirmed_today(filing: Filing, today: date | None = None) -> bool:
    day = (today or china_today()).isoformat()
    return any(c.get("day") == day for c in filing.lodging_checks or [])


def confirm_lodging(filing: Filing, by: str, source_ip: str | None) -> bool:
    """The village confirms the worker is at the lodging address today: True when this
    call recorded it, False when today's was in already (one a worker a day, a claim)."""
    today, now = china_today(), utcnow()
    obs = observation_of(filing)
    if obs is None or not obs.covers(today):
        raise supervision.NotObserved(today.isoformat())
    entry = {"day": today.isoformat(), "by": by, "at": now.isoformat()}
    day_claim = claims.new(
        f"lodging#{filing.filing_id}#{today.isoformat()}",
        filing.filing_id,
        now,
        privacy.expiry(now),
    )
    try:
        with transaction() as tx:
            claims.claim(tx, day_claim)
            tx.save(audit.entry(filing.filing_id, "lodging_confirmed", by, source_ip))
            tx.update(
                Filing(filing_id=filing.filing_id),
                actions=[
                    Filing.lodging_checks.set([*(filing.lodging_checks or []), entry]),
                    Filing.updated_at.set(now),
                ],
                condition=Filing.version == filing.version,
            )
    except Cancelled as cancelled:
        if 0 in cancelled.failed:
            return False
        raise
    return True
