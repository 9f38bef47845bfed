"""Re-check on change, pure: which counties a new map raised, and what its rules ask of
a worker from each (core/recheck.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from chalicelib.core import recheck
from chalicelib.core.risk import DEFAULT_RULES, RiskMap

A, B, C, D = "520328", "420102", "420111", "330702"


def risk_map(levels: dict[str, str], default: str = "low", **rules: frozenset[str]) -> RiskMap:
    return RiskMap("v", "2026-12-01", default, levels, replace(DEFAULT_RULES, **rules))


def test_only_the_counties_that_went_up_are_raised() -> None:
    # GIVEN a map, and a new one raising A, lowering B, keeping C and listing D anew
    old = risk_map({A: "low", B: "high", C: "medium"})
    new = risk_map({A: "medium", B: "medium_low", C: "medium", D: "high"})
    # WHEN they are compared
    found = recheck.raised(new, old)
    # THEN A (low -> medium) and D (unlisted, so the default low -> high) went up, by code
    assert [(r.county, r.before, r.after) for r in found] == [
        (D, "low", "high"),
        (A, "low", "medium"),
    ]


def test_a_higher_default_raises_every_county_not_listed() -> None:
    old, new = risk_map({A: "low"}), risk_map({A: "low"}, default="medium")
    # THEN a county listed in neither is not named (nobody could know it); A stayed
    assert recheck.raised(new, old) == []
    old = risk_map({A: "low", B: "low"})
    assert [r.county for r in recheck.raised(risk_map({A: "low"}, default="high"), old)] == [B]


@pytest.mark.parametrize(
    ("level", "action"),
    [
        ("low", None),
        ("medium_low", None),
        ("medium", "extend"),
        ("medium_high", "extend"),
        ("high", "suspend"),
    ],
)
def test_the_default_rules_say_what_a_raised_level_asks(level: str, action: str | None) -> None:
    assert recheck.action_for(risk_map({}), level) == action


def test_the_new_maps_own_rules_decide() -> None:
    # GIVEN a map whose rules let nobody from medium come back, and isolate medium_low
    strict = risk_map(
        {},
        may_return=frozenset({"low", "medium_low"}),
        isolation_first=frozenset({"medium_low"}),
    )
    # THEN medium suspends and medium_low extends
    assert recheck.action_for(strict, "medium") == "suspend"
    assert recheck.action_for(strict, "medium_low") == "extend"
    old = risk_map({A: "low"})
    (found,) = recheck.raised(replace(strict, levels={A: "medium_low"}), old)
    assert found.action == "extend"


def test_an_extended_observation_counts_its_days_again_from_the_maps_day() -> None:
    arrival, map_day = date(2026, 12, 1), date(2026, 12, 6)
    # THEN 14 days from the map's day: the 6th to the 19th
    assert recheck.observed_until(arrival, map_day, 14) == date(2026, 12, 19)
    # AND a worker arriving after the map's day counts from the arrival
    assert recheck.observed_until(date(2026, 12, 8), map_day, 14) == date(2026, 12, 21)


def test_the_workers_still_observed_arrived_within_the_last_days() -> None:
    today = date(2026, 12, 15)
    # THEN the first of them arrived 13 days ago (its 14th day is today); 15 days: no
    assert recheck.first_arrival(today, 14) == date(2026, 12, 2)
    assert date(2026, 11, 30) < recheck.first_arrival(today, 14)
