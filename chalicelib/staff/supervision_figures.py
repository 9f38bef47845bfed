"""Issue 17's figures of the days of observation, per town of the claim, from the
counters the transactions move (chalicelib/store/counters.py): workers under observation
today, reports received and missing today, follow-ups opened for a fever or a symptom,
workers in isolation now."""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from chalicelib.settings import get_settings
from chalicelib.staff.access import StaffClaim
from chalicelib.store import counters


class Row(NamedTuple):
    town: str
    under_observation: int
    reported_today: int
    fevers: int
    isolations: int

    @property
    def missing_today(self) -> int:
        return max(0, self.under_observation - self.reported_today)


def by_town(claim: StaffClaim, today: date) -> list[Row]:
    """One row a town the claim covers, in one read of every counter named."""
    days = [(today - timedelta(days=n)).isoformat() for n in range(get_settings().observation_days)]
    names = []
    for town in claim.towns:
        names += [counters.observing_counter(town, day) for day in days]
        names.append(counters.reports_counter(town, today.isoformat()))
        names += [counters.supervision_counter(town, f) for f in counters.SUPERVISION_FIGURES]
    found = counters.read(names)
    return [
        Row(
            town,
            sum(found[counters.observing_counter(town, day)] for day in days),
            found[counters.reports_counter(town, today.isoformat())],
            found[counters.supervision_counter(town, "fevers")],
            found[counters.supervision_counter(town, "isolations")],
        )
        for town in claim.towns
    ]
