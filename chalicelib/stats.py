"""Aggregate counters, moved inside each transition's transaction.

Each counter is split over shards, one picked at random per write, so that no
partition key takes more than its share of a busy day's writes; reading sums
the shards.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from pynamodb.transactions import TransactWrite

from chalicelib.models import Counter, bind_models

SHARDS = 8


def filings_counter(form: str, town: str, status: str) -> str:
    return f"filings#{form}#{town}#{status}"


def move(tx: TransactWrite, changes: dict[str, int]) -> None:
    for name, delta in changes.items():
        if delta:
            shard = Counter(key=f"{name}#{random.randrange(SHARDS)}")
            tx.update(shard, actions=[Counter.value.add(delta)])


def status_change(form: str, town: str, old: str | None, new: str) -> dict[str, int]:
    changes = {filings_counter(form, town, new): 1}
    if old:
        changes[filings_counter(form, town, old)] = -1
    return changes


def read(names: Iterable[str]) -> dict[str, int]:
    bind_models()
    names = list(names)
    totals = dict.fromkeys(names, 0)
    keys = [f"{name}#{shard}" for name in names for shard in range(SHARDS)]
    for item in Counter.batch_get(keys):
        totals[item.key.rsplit("#", 1)[0]] += int(item.value)
    return totals
