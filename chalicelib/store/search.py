"""The search index's entries (models.SearchEntry): written once per filing when its
snapshot lands (idempotent puts), read one page at a time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chalicelib.store import person_keys
from chalicelib.store.models import SearchEntry, bind_models
from chalicelib.store.paging import Page, one_page


def phone_term(phone: str) -> str:
    """A mainland mobile's term, through the one keyed hash of phones (ValidationFailed
    for something that is not one)."""
    from chalicelib.store.phone_codes import phone_key

    return f"phone#{phone_key(phone)}"


def id_term(id_number: str) -> str:
    return f"id#{person_keys.id_key(id_number)}"


def uscc_term(uscc: str) -> str:
    return f"uscc#{uscc.strip().upper()}"


def slip_term(slip_no: str) -> str:
    return f"slip#{slip_no.strip().upper()}"


def name_term(scope: str) -> str:
    """Enterprise names under a town (or the district's scope, for the district office)."""
    return f"name#{scope}"


def entry(
    term: str, sort: str, filing_id: str, form: str, town: str, expires: datetime | None
) -> SearchEntry:
    return SearchEntry(
        term=term, sort=sort, filing_id=filing_id, form=form, town=town, expires_at=expires
    )


def put_all(entries: Iterable[SearchEntry]) -> None:
    """BatchWriteItem, 25 a call; a replay writes the same items again."""
    bind_models()
    with SearchEntry.batch_write() as batch:
        for item in entries:
            batch.save(item)


def find(
    term: str, size: int, start: Any, prefix: str | None = None, town: str | None = None
) -> Page:
    """One page of a term's entries: newest first for an exact term, by name for a
    prefix (`prefix`); `town`: only that town's (a town office's scope)."""
    bind_models()
    kw: dict[str, Any] = {}
    if prefix is not None:
        kw["range_key_condition"] = SearchEntry.sort.startswith(prefix)
    else:
        kw["scan_index_forward"] = False
    if town is not None:
        kw["filter_condition"] = SearchEntry.town == town
    return one_page(SearchEntry.query, term, size, start, **kw)
