"""Aggregate counters: their names, their moves inside a transaction, their reads.
What a transition moves is decided in chalicelib/filing/figures.py.

Each counter is split over shards, one picked at random per write, so that no
partition key takes more than its share of a busy day's writes; reading sums
the shards.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
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


def read(names: Iterable[str]) -> dict[str, int]:
    bind_models()
    names = list(names)
    totals = dict.fromkeys(names, 0)
    keys = [f"{name}#{shard}" for name in names for shard in range(SHARDS)]
    for item in Counter.batch_get(keys):
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
