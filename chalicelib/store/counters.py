"""Aggregate counters: their names, their moves inside a transaction, their reads.
What a transition moves is decided in chalicelib/filing/figures.py.

A counter is one figure (filings of a form in a status, a drive figure, documents of a
kind, submissions on a day) in one town: its `Name` is the item that holds that figure
for every town, and the town's attribute in it. The district's view reads each item once
for all its towns, so a dashboard reads as many items whatever the number of towns (a
town's share of an item is a few bytes: 27 towns fit in one write unit).

Each item is split over shards, one picked at random per write, so that no partition key
takes more than its share of a busy day's writes; reading sums the shards.
"""

from __future__ import annotations

import random
import time
import weakref
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any, NamedTuple

from pynamodb.expressions.operand import Path

from chalicelib.store.models import Counter, bind_models
from chalicelib.store.tx import Action, Transaction

SHARDS = 8
WHOLE_DISTRICT = "*"  # the scope of a day's submissions in every town together


class Name(NamedTuple):
    item: str  # the figure, for every town: "filings#<form>#<status>"
    town: str  # the town's attribute in it (or WHOLE_DISTRICT)


def filings_counter(form: str, town: str, status: str) -> Name:
    return Name(f"filings#{form}#{status}", town)


# The shards each transaction has written to, per item: two moves of one item in one
# transaction go to two shards (DynamoDB refuses a transaction naming an item twice).
_written: weakref.WeakKeyDictionary[Transaction, set[str]] = weakref.WeakKeyDictionary()


def move(tx: Transaction, changes: dict[Name, int]) -> None:
    """Add each change to its town's attribute: one update per item, all of an item's
    towns in it, on a shard this transaction has not written yet."""
    by_item: dict[str, dict[str, int]] = {}
    for name, delta in changes.items():
        if delta:
            towns = by_item.setdefault(name.item, {})
            towns[name.town] = towns.get(name.town, 0) + delta
    written = _written.setdefault(tx, set())
    for item, towns in by_item.items():
        free = [n for n in range(SHARDS) if f"{item}#{n}" not in written]
        key = f"{item}#{random.choice(free)}"
        written.add(key)
        actions: list[Action] = [Path([town]).add(d) for town, d in towns.items() if d]
        if actions:
            tx.update(Counter(key=key), actions=actions)


def submissions_counter(form: str, scope: str, day: date) -> Name:
    """Filings submitted on one China day in a town, or in the district (WHOLE_DISTRICT)."""
    return Name(f"submitted_on#{form}#{day:%Y%m%d}", scope)


BATCH = 100  # BatchGetItem's most keys a call
READERS = 8  # batches read at once


def read(names: Iterable[Name]) -> dict[Name, int]:
    """Each counter's total over its shards: every item named read once for all its towns,
    BatchGetItem, 100 keys a call, the calls made side by side (each waits on the
    network, not on us)."""
    return read_with(names, ())[0]


def read_with(
    names: Iterable[Name], whole: Iterable[str]
) -> tuple[dict[Name, int], dict[str, dict[str, int]]]:
    """`read`, and in the same batches every attribute of the `whole` items (a figure
    per enterprise, whose keys are not known before reading): item -> key -> total."""
    bind_models()
    names = list(names)
    wanted = sorted(set(whole))
    totals = dict.fromkeys(names, 0)
    items = sorted({name.item for name in names} | set(wanted))
    keys = [f"{item}#{shard}" for item in items for shard in range(SHARDS)]
    batches = [keys[i : i + BATCH] for i in range(0, len(keys), BATCH)]
    connection = Counter._get_connection()  # built once, before the readers share it
    found: dict[str, dict[str, int]] = {item: {} for item in items}
    with ThreadPoolExecutor(max_workers=min(READERS, len(batches) or 1)) as pool:
        for raws in pool.map(lambda batch: _batch_get(connection, batch), batches):
            for raw in raws:
                item = raw.pop("key")["S"].rsplit("#", 1)[0]
                sums = found[item]
                for town, value in raw.items():
                    if "N" in value:
                        sums[town] = sums.get(town, 0) + int(value["N"])
    for name in names:
        totals[name] = found[name.item].get(name.town, 0)
    return totals, {item: found[item] for item in wanted}


def _batch_get(connection: Any, keys: list[str]) -> list[dict[str, Any]]:
    """The raw items of up to 100 keys (their attributes are towns, which no model
    declares), asking again for what DynamoDB left unprocessed, with a short backoff."""
    table = Counter.Meta.table_name
    items: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = [{"key": {"S": key}} for key in keys]
    pause = 0.05
    while pending:
        answer = connection.batch_get_item(pending)
        items.extend(answer.get("Responses", {}).get(table, []))
        pending = answer.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
        if pending:
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
    return items


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


def drive_counter(town: str, figure: str) -> Name:
    return Name(f"drive#{figure}", town)


def documents_counter(kind: str, town: str) -> Name:
    return Name(f"documents#{kind}", town)


def figure_counter(form: str, town: str, name: str) -> Name:
    return Name(f"figure#{form}#{name}", town)


def figure_per_counter(form: str, town: str, name: str, key: str) -> Name:
    """A figure per key (an enterprise's filing id) within one town: one item per town
    and figure, every key of the town an attribute in it (a few dozen enterprises)."""
    return Name(figure_per_item(form, town, name), key)


def figure_per_item(form: str, town: str, name: str) -> str:
    return f"figure#{form}#{name}#{town}"


# Issue 17's supervision, per town: workers whose observation began on a day (their pass
# issued; under observation today: the last OBSERVATION_DAYS of these), the day's
# reports, follow-ups opened for a fever or a symptom, workers in isolation now.
SUPERVISION_FIGURES = ("fevers", "isolations")


def observing_counter(town: str, first_day: str) -> Name:
    return Name(f"observing_from#{first_day.replace('-', '')}", town)


def reports_counter(town: str, day: str) -> Name:
    return Name(f"reports_on#{day.replace('-', '')}", town)


def supervision_counter(town: str, figure: str) -> Name:
    return Name(f"supervision#{figure}", town)


def recheck_counter(town: str, version: str, action: str) -> Name:
    """Workers of a town a risk map's version re-checked (chalicelib/filing/recheck.py):
    `action` "suspend" or "extend"."""
    return Name(f"recheck#{version}#{action}", town)
