"""One form's filings in a staff link's towns, by status, oldest first: the district's
through the form index (QUEUE_SHARDS queries a status, whatever the number of towns), a
town's through the queue index (as many for its own town)."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalicelib.core.roles import DISTRICT_OFFICE
from chalicelib.staff.access import StaffClaim
from chalicelib.store.models import Filing, bind_models, form_keys, queue_keys

READERS = 8  # a status's shards queried side by side


def filings(
    claim: StaffClaim, form: str, status: str, limit: int | None = None
) -> Iterator[Filing]:
    """The index's projection of each filing (not its decisions), oldest first."""
    bind_models()
    index, keys = partitions(claim, form, status)
    Filing._get_connection()  # built once, before the readers share it
    with ThreadPoolExecutor(max_workers=READERS) as pool:  # each waits on the network
        shards = list(pool.map(lambda k: list(index.query(k, limit=limit)), keys))
    merged = heapq.merge(*shards, key=lambda f: f.created_at)
    return itertools.islice(merged, limit) if limit is not None else merged


def partitions(claim: StaffClaim, form: str, status: str) -> tuple[Any, list[str]]:
    """The index that holds one form's filings of one status in the claim's towns, and
    its keys: the form index for the district, the queue index's towns otherwise."""
    if claim.role == DISTRICT_OFFICE:
        return Filing.form_index, list(form_keys(form, status))
    return Filing.queue_index, [k for town in claim.towns for k in queue_keys(form, town, status)]


def whole(listed: Iterable[Filing]) -> list[Filing]:
    """The filings themselves (their decisions, outputs and reasons), in the order given:
    BatchGetItem, 100 keys a call."""
    order = [f.filing_id for f in listed]
    found = {f.filing_id: f for f in Filing.batch_get(order)} if order else {}
    return [found[i] for i in order if i in found]
