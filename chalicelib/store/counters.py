"""Aggregate counters: their names, their moves inside a transaction, their reads.
What a transition moves is decided in chalicelib/filing/figures.py.

Each counter is split over shards, one picked at random per write, so that no
partition key takes more than its share of a busy day's writes; reading sums
the shards.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from chalicelib.store.models import Counter, bind_models
from chalicelib.store.tx import Transaction

SHARDS = 8
WHOLE_DISTRICT = "*"  # the scope of a day's submissions in every town together


def filings_counter(form: str, town: str, status: str) -> str:
    return f"filings#{form}#{town}#{status}"


def move(tx: Transaction, changes: dict[str, int]) -> None:
    for name, delta in changes.items():
        if delta:
            shard = Counter(key=f"{name}#{random.randrange(SHARDS)}")
            tx.update(shard, actions=[Counter.value.add(delta)])


def submissions_counter(form: str, scope: str, day: date) -> str:
    """Filings submitted on one China day in a town, or in the district (WHOLE_DISTRICT)."""
    return f"submitted_on#{form}#{scope}#{day:%Y%m%d}"


BATCH = 100  # BatchGetItem's most keys a call
READERS = 8  # batches read at once: the district's dashboard reads a hundred of them


def read(names: Iterable[str]) -> dict[str, int]:
    """Each counter's total over its shards: BatchGetItem, 100 keys a call, the calls made
    side by side (each waits on the network, not on us)."""
    bind_models()
    names = list(names)
    totals = dict.fromkeys(names, 0)
    keys = [f"{name}#{shard}" for name in names for shard in range(SHARDS)]
    batches = [keys[i : i + BATCH] for i in range(0, len(keys), BATCH)]
    if len(batches) > 1:
        Counter._get_connection()  # built once, before the readers share it
    with ThreadPoolExecutor(max_workers=min(READERS, len(batches) or 1)) as pool:
        for items in pool.map(lambda batch: list(Counter.batch_get(batch)), batches):
            for item in items:
                totals[item.key.rsplit("#", 1)[0]] += int(item.value)
    return totals


# The figures officials report, per town: enterprises approved and started (and those
# above designated size), their employees and those back at work, documents issued.
DRIVE_FIGURES = (
    "approved",
    "approved_above_scale",
    "started",
    "started_above_scale",
    "employees",
    "employees_returned",
)


def drive_counter(town: str, figure: str) -> str:
    return f"drive#{town}#{figure}"


def documents_counter(kind: str, town: str) -> str:
    return f"documents#{kind}#{town}"


def figure_counter(form: str, town: str, name: str) -> str:
    return f"figure#{form}#{town}#{name}"
