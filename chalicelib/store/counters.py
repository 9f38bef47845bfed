"""Aggregate counters, moved inside each transition's transaction.

Each counter is split over shards, one picked at random per write, so that no
partition key takes more than its share of a busy day's writes; reading sums
the shards.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from pynamodb.transactions import TransactWrite

from chalicelib.store.models import Counter, bind_models

if TYPE_CHECKING:
    from chalicelib.forms import FormSpec
    from chalicelib.store.models import Filing

SHARDS = 8
WHOLE_DISTRICT = "*"  # the scope of a day's submissions in every town together


def filings_counter(form: str, town: str, status: str) -> str:
    return f"filings#{form}#{town}#{status}"


def move(tx: TransactWrite, changes: dict[str, int]) -> None:
    for name, delta in changes.items():
        if delta:
            shard = Counter(key=f"{name}#{random.randrange(SHARDS)}")
            tx.update(shard, actions=[Counter.value.add(delta)])


def submissions_counter(form: str, scope: str, day: date) -> str:
    """Filings submitted on one China day in a town, or in the district (WHOLE_DISTRICT)."""
    return f"submitted_on#{form}#{scope}#{day:%Y%m%d}"


def status_change(
    form: str, town: str, old: str | None, new: str, day: date | None = None
) -> dict[str, int]:
    """The counters a transition moves; a submission (no old status) also counts on its
    day, in its town and in the district, for the dashboard's line over days."""
    changes = {filings_counter(form, town, new): 1}
    if old:
        changes[filings_counter(form, town, old)] = -1
    else:
        from chalicelib.core.ids import CHINA, utcnow

        on = day or utcnow().astimezone(CHINA).date()
        changes[submissions_counter(form, town, on)] = 1
        changes[submissions_counter(form, WHOLE_DISTRICT, on)] = 1
    return changes


def read(names: Iterable[str]) -> dict[str, int]:
    bind_models()
    names = list(names)
    totals = dict.fromkeys(names, 0)
    keys = [f"{name}#{shard}" for name in names for shard in range(SHARDS)]
    for item in Counter.batch_get(keys):
        totals[item.key.rsplit("#", 1)[0]] += int(item.value)
    return totals


ENTERPRISE = "enterprise-resumption"
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


def approval_changes(
    form: str, town: str, data: dict[str, object], old: str | None, new: str, started: bool
) -> dict[str, int]:
    """An enterprise filing entering or leaving `approved` moves the drive's figures."""
    if form != ENTERPRISE or (old == "approved") == (new == "approved"):
        return {}
    sign = 1 if new == "approved" else -1
    above = bool(data.get("above_scale"))
    changes = {
        drive_counter(town, "approved"): sign,
        drive_counter(town, "approved_above_scale"): sign if above else 0,
        drive_counter(town, "employees"): sign * int(str(data.get("employees_total", 0))),
        drive_counter(town, "employees_returned"): sign
        * int(str(data.get("employees_returned", 0))),
    }
    if started and sign < 0:  # a started enterprise taken back stops counting as started
        changes[drive_counter(town, "started")] = -1
        changes[drive_counter(town, "started_above_scale")] = -1 if above else 0
    return changes


def start_changes(town: str, above_scale: bool) -> dict[str, int]:
    return {
        drive_counter(town, "started"): 1,
        drive_counter(town, "started_above_scale"): 1 if above_scale else 0,
    }


def figure_counter(form: str, town: str, name: str) -> str:
    return f"figure#{form}#{town}#{name}"


def figure_changes(spec: FormSpec, before: Filing | None, after: Filing) -> dict[str, int]:
    """What a change of the filing (`before` None: its submission) moves in each of its
    form's figures: the value leaves with a status that counts it, and comes with one."""
    changes: dict[str, int] = {}
    for figure in spec.figures:
        delta = 0
        if before is not None and before.status in figure.statuses:
            delta -= int(figure.value(before))
        if after.status in figure.statuses:
            delta += int(figure.value(after))
        if delta:
            changes[figure_counter(spec.id, after.town, figure.name)] = delta
    return changes
