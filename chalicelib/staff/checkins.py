"""From a worker's docking slip (its QR scanned, or its code typed) to the check-in an
official signed in to the workbench may record for it: the village's check-in step of
that worker's filing, on the official's own approval page. Reads only."""

from __future__ import annotations

from chalicelib import links
from chalicelib.core.errors import Forbidden, Gone, NotFound
from chalicelib.core.roles import TOWN_OFFICE
from chalicelib.staff.access import StaffClaim
from chalicelib.store.models import Document, Filing, Task, bind_models

CHECKIN_STEP = "checkin_village"  # worker-return's check-in by the lodging town's office
SLIP_KIND = "docking_slip"


def normalised(code: str) -> str:
    """A typed or scanned code: the QR's address (/verify/CODE#...) or the code itself."""
    text = code.strip()
    text = text.split("#", 1)[0].rstrip("/")
    return text.rsplit("/", 1)[-1].strip().upper()


def checkin_url(claim: StaffClaim, code: str) -> str:
    """The approval page of the village check-in the docking slip `code` leads to.
    NotFound: no such docking slip; Forbidden: a worker lodging outside the official's
    towns; Gone: the check-in is not open (already checked in, or not yet approved)."""
    found = normalised(code)
    if not found or len(found) > 40:
        raise NotFound(code)
    bind_models()
    try:
        document = Document.get(found)
    except Document.DoesNotExist:
        raise NotFound(found) from None
    if document.kind != SLIP_KIND:
        raise NotFound(found)
    try:
        filing = Filing.get(document.filing_id, consistent_read=True)
        task = Task.get(document.filing_id, CHECKIN_STEP, consistent_read=True)
    except (Filing.DoesNotExist, Task.DoesNotExist):
        raise Gone("superseded") from None
    if not claim.covers(filing.town) or task.role != TOWN_OFFICE:
        raise Forbidden(f"{claim.scope} does not check in {filing.town}'s workers")
    if task.status != "open":
        raise Gone("used" if task.status == "decided" else "superseded")
    return links.approve_url(task.filing_id, task.step, int(task.link_gen))
