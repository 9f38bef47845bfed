"""Re-check on change: a new version of the risk map reaches the event handler (its S3
object under risk-maps/), is compared with the version before it, and every worker from
a county it raised who is still in their days of observation (or has not arrived yet)
is re-checked as the new map's rules say: the pass suspended (a level that may not come
back now) or the observation extended (a level that isolates first), the filing's
history naming the version, the lodging town's office and the enterprise told.

The rule is core/recheck.py's. The workers are found through the origin index (origin
county, arrival day: a query per raised county, never a scan). Each re-check is one
transaction keyed by filing and map version (a claim): replayed, delivered twice or
out of order, a filing is re-checked once by a version, its figure moved once, and its
notices go out once (notify.send_once keyed by the version).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from chalicelib.core import privacy, recheck
from chalicelib.core.clock import china_today, utcnow
from chalicelib.core.errors import Conflict
from chalicelib.core.i18n import translate
from chalicelib.core.risk import LEVEL_LABELS, RiskMap
from chalicelib.core.roles import EMPLOYER_CONTACT, TOWN_OFFICE
from chalicelib.filing.observation import observation_of
from chalicelib.filing.wording import Words, compose
from chalicelib.settings import get_settings
from chalicelib.store import audit, claims, counters, directory, notify, records, risk_maps, s3
from chalicelib.store.models import Document, Filing, bind_models
from chalicelib.store.tx import Action, Cancelled, transaction

log = logging.getLogger(__name__)
ACTOR = "risk-map"  # the audit's actor of a re-check: the map, not a person
ATTEMPTS = 4  # another write to the filing between its read and this one
NOTICE = "risk_recheck"


def claim_key(filing_id: str, version: str) -> str:
    return f"recheck#{filing_id}#{version}"


def on_map_stored(version: str, today: date | None = None) -> int:
    """Re-check the workers the map `version` concerns; returns how many this call
    re-checked (0 when replayed)."""
    new = risk_maps.get(version)
    old = risk_maps.previous(version)
    today = today or china_today()
    done = 0
    for county in recheck.raised(new, old):
        if county.action is None:
            continue
        for filing_id in affected_ids(county.county, today):
            done += recheck_filing(filing_id, new, county)
    return done


def affected_ids(county: str, today: date) -> list[str]:
    """The filings from `county` whose arrival day is within the days of observation
    today, or later (a worker on the way is re-checked too)."""
    bind_models()
    first = recheck.first_arrival(today, get_settings().observation_days).isoformat()
    found = Filing.origin_index.query(county, Filing.arrival_day >= first)
    return [f.filing_id for f in found]


def recheck_filing(filing_id: str, new: RiskMap, county: recheck.Raised) -> int:
    for _ in range(ATTEMPTS):
        try:
            filing = Filing.get(filing_id, consistent_read=True)
        except Filing.DoesNotExist:
            return 0
        try:
            return _recheck(filing, new, county)
        except Conflict:
            continue
    raise Conflict(f"{filing_id}: re-check by {new.version} not recorded")


def _recheck(filing: Filing, new: RiskMap, county: recheck.Raised) -> int:
    obs = observation_of(filing)
    if obs is None or county.action is None:
        return 0  # no pass yet (its approvers judge it), or not a worker's filing
    now = utcnow()
    entry: dict[str, Any] = {
        "step": recheck.HISTORY_STEP,
        "decision": county.action,
        "version": new.version,
        "county": county.county,
        "level": county.after,
        "at": now.isoformat(),
    }
    actions: list[Action] = []
    if county.action == recheck.EXTEND:
        map_day = date.fromisoformat(new.published) if new.published else china_today()
        until = recheck.observed_until(obs.first, map_day, get_settings().observation_days)
        if until <= obs.last:
            return 0  # already observed as long as the new rule asks
        entry["observation_until"] = until.isoformat()
        actions.append(Filing.observation_until.set(until.isoformat()))
    actions += [
        Filing.history.set([*(filing.history or []), entry]),
        Filing.version.add(1),
        Filing.updated_at.set(now),
    ]
    pass_code = filing.document_codes()["pass"]
    marker = claims.new(
        claim_key(filing.filing_id, new.version), filing.filing_id, now, privacy.expiry(now)
    )
    figure = counters.recheck_counter(filing.town, new.version, county.action)
    try:
        with transaction() as tx:
            claims.claim(tx, marker)
            tx.save(
                audit.entry(filing.filing_id, f"recheck:{county.action}", ACTOR, None, new.version)
            )
            counters.move(tx, {figure: 1})
            tx.update(
                Filing(filing_id=filing.filing_id),
                actions=actions,
                condition=Filing.version == filing.version,
            )
            if county.action == recheck.SUSPEND:
                tx.update(
                    Document(code=pass_code),
                    actions=[Document.suspended.set(True)],
                    condition=Document.code.exists(),
                )
    except Cancelled as cancelled:
        if 0 not in cancelled.failed:
            raise Conflict(f"{filing.filing_id} changed") from None
        # re-checked by this version already (a replay): what may not have followed
        # then (the standing record, the notices) is done again, once
        filing.refresh(consistent_read=True)
        _follow(filing, new, county, now)
        return 0
    filing.refresh(consistent_read=True)
    _follow(filing, new, county, now)
    return 1


def _follow(filing: Filing, new: RiskMap, county: recheck.Raised, now: datetime) -> None:
    if county.action == recheck.SUSPEND:
        try:  # the checkpoints' offline list follows; online verification reads the document
            records.put_standing(filing, "suspended")
        except s3.NotWritten:
            log.warning("standing record of %s not written", filing.filing_id)
    tell(filing, new, county)


def tell(filing: Filing, new: RiskMap, county: recheck.Raised) -> int:
    """The lodging town's office and the worker's enterprise, once per map version."""
    entry: dict[str, Any] = next(
        (
            e
            for e in reversed(filing.history or [])
            if e.get("step") == recheck.HISTORY_STEP and e.get("version") == new.version
        ),
        {},
    )
    label = LEVEL_LABELS.get(county.after, county.after)
    context = dict(
        slip_no=filing.slip_no,
        applicant=filing.applicant,
        county=str(filing.data.get("origin_county") or county.county),
        level=Words(label, translate("en", label)),
        version=new.version,
        until=str(entry.get("observation_until", "")),
    )
    variant = county.action or recheck.SUSPEND
    contacts = [directory.find(TOWN_OFFICE, directory.scope_for(filing.town))]
    employer = str(filing.data.get("employer_filing_id") or "")
    if employer:
        contacts.append(directory.find(EMPLOYER_CONTACT, employer))
    messages: list[notify.Message] = []
    for contact in contacts:
        notice = compose(NOTICE, name=contact.name, action=variant, **context)
        messages += [
            notify.Message("email", a, notice.subject, notice.email, (), filing.filing_id)
            for a in contact.emails
        ] + [
            notify.Message("sms", p, notice.subject, notice.sms, (), filing.filing_id)
            for p in contact.phones
        ]
    return notify.send_once(f"{NOTICE}:{new.version}", messages)
