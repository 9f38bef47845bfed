"""Each town's stock of epidemic supplies (防疫物资), and the orders that draw on it.

A filing whose form declares `draws` takes its quantities from its town's stock in the
very transaction that approves it, each on the condition `remaining >= quantity`: of
any number of concurrent approvals, only those the stock covers succeed, and no level
ever goes below zero. An approved filing withdrawn or revoked gives its quantities
back. Staff set the levels (what they counted on the shelves) through a staff link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.core.clock import utcnow
from chalicelib.core.errors import ValidationFailed
from chalicelib.forms import FormSpec
from chalicelib.store.models import Filing, Stock, bind_models
from chalicelib.store.tx import Transaction, transaction


@dataclass(frozen=True)
class Item:
    id: str
    name: str  # Chinese first
    unit: str
    name_en: str
    unit_en: str


ITEMS: dict[str, Item] = {
    item.id: item
    for item in (
        Item("masks", "口罩", "只", "Masks", "pieces"),
        Item("disinfectant", "消毒液", "桶", "Disinfectant", "barrels"),
        Item("thermometers", "体温计", "支", "Thermometers", "pieces"),
    )
}
MAX_LEVEL = 10_000_000  # a level above this is a typing slip, not a warehouse


def levels(towns: Iterable[str]) -> dict[str, dict[str, int]]:
    """town -> item -> remaining, every item of every town (0 where never stocked)."""
    bind_models()
    towns = list(towns)
    found = {town: dict.fromkeys(ITEMS, 0) for town in towns}
    keys = [(town, item) for town in towns for item in ITEMS]
    for level in Stock.batch_get(keys, consistent_read=True):
        found[level.town][level.item] = int(level.remaining)
    return found


def parse_levels(body: object, lang: str = "zh") -> dict[str, int]:
    """A request's levels, `{"masks": 3000, ...}` (a subset of the items), or
    ValidationFailed naming every bad field."""
    from chalicelib.forms.messages import BODY, message

    if not isinstance(body, Mapping) or not body:
        return _refuse({BODY: _text("请填写至少一种物资的库存", "Give at least one level", lang)})
    bad: dict[str, str] = {}
    found: dict[str, int] = {}
    for name, value in body.items():
        if name not in ITEMS:
            bad[str(name)] = message("extra_forbidden", None, lang)
        elif not _whole(value):
            bad[name] = message("integer", None, lang)
        elif not 0 <= _level(value) <= MAX_LEVEL:
            bad[name] = _text(f"应为0至{MAX_LEVEL}", f"Must be 0 to {MAX_LEVEL}", lang)
        else:
            found[name] = _level(value)
    if bad:
        _refuse(bad)
    return found


# ASCII digits only ("²".isdigit() is true, int("²") fails), and few of them: int() of a
# 5,000-digit string raises past Python's conversion limit, and is slow before it.
# Full-width digits (a Chinese input method's) are digits; "²" is not.
_DIGITS = re.compile(r"[0-9]{1,12}", re.ASCII)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def _whole(value: object) -> bool:
    """A whole number, or its digits as an HTML form sends them (not a bool, not 1.5)."""
    if isinstance(value, str):
        return _DIGITS.fullmatch(_digits(value)) is not None
    return isinstance(value, int) and not isinstance(value, bool)


def _level(value: object) -> int:
    return int(_digits(value)) if isinstance(value, str) else int(str(value))


def _digits(value: str) -> str:
    return value.strip().translate(_FULL_WIDTH)


def _text(zh: str, en: str, lang: str) -> str:
    return en if lang == "en" else zh


def _refuse(fields: dict[str, str]) -> dict[str, int]:
    raise ValidationFailed(fields)


def set_levels(town: str, new_levels: Mapping[str, int], by: str) -> dict[str, int]:
    """Set a town's levels (one transaction: all or none); its whole stock after."""
    bind_models()
    now = utcnow()
    with transaction() as tx:
        for item, level in new_levels.items():
            tx.update(
                Stock(town=town, item=item),
                actions=[
                    Stock.remaining.set(level),
                    Stock.updated_at.set(now),
                    Stock.updated_by.set(by),
                ],
            )
    return levels([town])[town]


def draws(spec: FormSpec, filing: Filing) -> dict[str, int]:
    """What the filing takes from its town's stock when approved (item -> quantity > 0)."""
    if spec.draws is None:
        return {}
    return {item: int(n) for item, n in spec.draws(filing.data).items() if int(n) > 0}


def move(tx: Transaction, spec: FormSpec, filing: Filing, old: str, new: str) -> None:
    """Into `approved`: take the quantities, each only if enough is left (else the whole
    transaction fails); out of `approved`: give them back."""
    if (old == "approved") == (new == "approved"):
        return
    for item, quantity in draws(spec, filing).items():
        level = Stock(town=filing.town, item=item)
        if new == "approved":
            tx.update(
                level,
                actions=[Stock.remaining.add(-quantity)],
                condition=Stock.remaining >= quantity,  # absent: nothing left, refused too
            )
        else:
            tx.update(level, actions=[Stock.remaining.add(quantity)])


def shortfall(spec: FormSpec, filing: Filing) -> str | None:
    """Why the filing cannot be approved from its town's stock as it now stands,
    naming what is left ("库存不足：消毒液剩余 3 桶，申领 5 桶"); None if it can."""
    wanted = draws(spec, filing)
    if not wanted:
        return None
    left = levels([filing.town])[filing.town]
    short = [
        f"{ITEMS[item].name}剩余 {left[item]} {ITEMS[item].unit}，申领 {n} {ITEMS[item].unit}"
        for item, n in wanted.items()
        if left[item] < n
    ]
    return "库存不足：" + "；".join(short) if short else None


def as_json(found: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
    return {town: dict(items) for town, items in found.items()}
