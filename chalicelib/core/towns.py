"""The towns, townships and subdistricts of Wucheng district (婺城区的镇、乡、街道).

Filings are routed to a town's task force by name, so the list is data shipped with the
code (chalicelib/core/data/wucheng_towns.csv), read once on first use rather than at import:
a Lambda cold start that never looks at towns should not pay for it.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


@cache
def town_names() -> tuple[str, ...]:
    """Every town name, in file order (the order the district lists them in)."""
    path = resources.files("chalicelib.core") / "data" / "wucheng_towns.csv"
    # utf-8-sig: the file may have been saved by a spreadsheet that writes a BOM.
    rows = csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines())
    return tuple(row["name"].strip() for row in rows if row["name"].strip())


@cache
def _town_set() -> frozenset[str]:
    return frozenset(town_names())


def is_town(name: str) -> bool:
    return name in _town_set()
