"""The dashboard's queue: the filings waiting for an event or a decision in a staff
link's towns, oldest first, one bounded page at a time. Every form's and status's index
keys are read side by side and merged (chalicelib/store/paging.py: one Query a key a
page, each started after the last row shown); the next page's cursor is that row's place
in the index's order, signed, so it cannot be forged or carried to another link's list."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from chalicelib import links
from chalicelib.core.errors import BadCursor, Forbidden, Gone
from chalicelib.core.workflow import ACTIVE
from chalicelib.forms import all_forms
from chalicelib.staff import listing
from chalicelib.staff.access import StaffClaim
from chalicelib.staff.rows import filing_row
from chalicelib.store.models import bind_models
from chalicelib.store.paging import Position, merged_page

PAGE_SIZE = 25  # rows a page: a phone's screenful or two
# what a row shows, and the keys its place is read from: not the form data the index
# also projects (for the exports), a page's bulk
SHOWN = ["filing_id", "created_at", "slip_no", "status", "town", "applicant"]
CURSOR_SECONDS = 7 * 24 * 3600  # as long as the staff link the page was opened with


class Waiting(NamedTuple):
    filing_id: str
    slip_no: str
    form: str
    form_title: str
    form_title_en: str
    town: str
    applicant: str  # masked where it names a person and the link may not see it
    status: str
    created_at: datetime
    age_hours: float


class WaitingPage(NamedTuple):
    rows: list[Waiting]
    next_cursor: str | None


def list_key(claim: StaffClaim) -> str:
    """Whose list a cursor belongs to: a cursor of another link's towns is refused."""
    return f"dashboard#{claim.role}#{claim.scope}"


def read_cursor(claim: StaffClaim, cursor: str | None) -> Position | None:
    """Where a page starts: None for the first page; BadCursor for a cursor this list did
    not give (tampered with, expired, another list's), read before anything is done."""
    if not cursor:
        return None
    try:
        payload = links.read(links.PAGE, cursor, CURSOR_SECONDS)
    except (Forbidden, Gone) as exc:
        raise BadCursor(type(exc).__name__) from exc
    after = payload.get("a")
    if payload.get("q") != list_key(claim) or not isinstance(after, list) or len(after) != 2:
        raise BadCursor("another list's cursor")
    sort, item = after
    if not isinstance(sort, str) or not isinstance(item, str):
        raise BadCursor("malformed cursor")
    return Position(sort, item)


def _cursor(claim: StaffClaim, after: Position | None) -> str | None:
    return links.sign(links.PAGE, {"q": list_key(claim), "a": list(after)}) if after else None


def page(claim: StaffClaim, now: datetime, after: Position | None = None) -> WaitingPage:
    """One page of the link's open filings of every form, oldest first, after `after`."""
    bind_models()
    specs = {}
    index: Any = None
    keys: list[str] = []
    for spec in all_forms():
        for status in sorted(ACTIVE):
            index, found = listing.partitions(claim, spec.id, status)
            specs.update(dict.fromkeys(found, spec))
            keys += found
    merged = merged_page(
        index, keys, PAGE_SIZE, after, readers=listing.READERS, attributes_to_get=SHOWN
    )
    rows = [
        Waiting(
            **filing_row(claim, specs[key], filing),
            status=filing.status,
            created_at=filing.created_at,
            age_hours=(now - filing.created_at).total_seconds() / 3600,
        )
        for key, filing in merged.items
    ]
    return WaitingPage(rows, _cursor(claim, merged.after))
