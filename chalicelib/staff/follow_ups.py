"""What an official reads of a worker's health follow-up (chalicelib/filing/health.py
writes it): the worker (masked but for the district office), where they lodge, what
was measured, the follow-up's status. Reads only."""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.core import supervision
from chalicelib.core.errors import Forbidden, NotFound, ReasonRequired
from chalicelib.core.privacy import mask_name
from chalicelib.staff.access import StaffClaim
from chalicelib.store.models import Filing, bind_models


def get(claim: StaffClaim, filing_id: str) -> Filing:
    """The filing whose follow-up the official answers: NotFound without one, Forbidden
    for a worker lodging outside the official's towns."""
    bind_models()
    try:
        filing = Filing.get(filing_id, consistent_read=True)
    except Filing.DoesNotExist:
        raise NotFound(filing_id) from None
    if not filing.follow_up:
        raise NotFound(filing_id)
    if not claim.covers(filing.town):
        raise Forbidden(f"{claim.scope} does not follow up {filing.town}'s workers")
    return filing


def worker(claim: StaffClaim, filing_id: str) -> Filing:
    """A worker's filing within the official's towns: NotFound, or Forbidden."""
    bind_models()
    try:
        filing = Filing.get(filing_id, consistent_read=True)
    except Filing.DoesNotExist:
        raise NotFound(filing_id) from None
    if filing.form != "worker-return":
        raise NotFound(filing_id)
    if not claim.covers(filing.town):
        raise Forbidden(f"{claim.scope} does not see {filing.town}'s workers")
    return filing


def shown(claim: StaffClaim, filing: Filing) -> dict[str, Any]:
    found = dict(filing.follow_up or {})
    codes = str(found.get("symptoms") or supervision.NO_SYMPTOMS).split(",")
    return {
        "filing_id": filing.filing_id,
        "slip_no": filing.slip_no,
        "applicant": filing.applicant if claim.sees_personal_data else mask_name(filing.applicant),
        "town": filing.town,
        "village": filing.data.get("lodging_village", ""),
        "temperature": found.get("temperature"),
        "symptoms": [supervision.SYMPTOM_LABELS.get(c, c) for c in codes],
        "opened_at": found.get("opened_at", ""),
        "status": found.get("status", "open"),
        "status_label": supervision.FOLLOW_UP_LABELS.get(str(found.get("status")), ""),
        "isolation_until": found.get("isolation_until"),
        "note": found.get("note", ""),
        "open": bool(filing.health_hold),
        "isolating": filing.health_hold == "isolation",
    }


def parse_until(outcome: str, text: str) -> date | None:
    """An isolation's end day as typed (YYYY-MM-DD): ReasonRequired when isolation has
    none, or it is not a date."""
    if outcome != "isolation":
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ReasonRequired("isolation_until") from None
