"""Re-check on change: what a new risk map means for the workers already here. Pure: it
compares two versions of the map (core/risk.py) and says, for each county whose level
went up, what its rules now ask of a worker from there who is still in their days of
observation; chalicelib/filing/recheck.py finds those workers and carries it out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from chalicelib.core.risk import RiskMap

Action = Literal["suspend", "extend"]
SUSPEND: Action = "suspend"  # the level may not come back now: the pass is suspended
EXTEND: Action = "extend"  # the level isolates first: the observation starts again
ACTIONS: tuple[Action, ...] = (SUSPEND, EXTEND)
HISTORY_STEP = "risk_recheck"  # the filing's history entry of a re-check


@dataclass(frozen=True)
class Raised:
    """A county the new map raised, and what its rules now ask (None: nothing, the new
    level still returns without isolating)."""

    county: str
    before: str
    after: str
    action: Action | None


def action_for(risk_map: RiskMap, level: str) -> Action | None:
    rules = risk_map.rules
    if level not in rules.may_return:
        return SUSPEND
    if level in rules.isolation_first:
        return EXTEND
    return None


def raised(new: RiskMap, old: RiskMap) -> list[Raised]:
    """Every county whose level is higher in `new` than in `old`, by code; a county that
    went down or stayed is not here (a lower level changes nothing already done)."""
    return [
        Raised(code, old.level_of(code), new.level_of(code), action_for(new, new.level_of(code)))
        for code in sorted(new.raised_from(old))
    ]


def first_arrival(today: date, days: int) -> date:
    """The earliest arrival day still within its days of observation today."""
    return today - timedelta(days=days - 1)


def observed_until(arrival: date, map_day: date, days: int) -> date:
    """An extended observation's last day: `days` counted again from the map's day (from
    the arrival, for a worker who arrives after it)."""
    return max(arrival, map_day) + timedelta(days=days - 1)
