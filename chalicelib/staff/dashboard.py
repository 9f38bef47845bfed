"""The staff dashboard's figures: filings by town and status from the sharded counters,
and a page of the queue of filings waiting for a decision, oldest first, with their age."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import NamedTuple

from chalicelib.core.clock import china_day
from chalicelib.core.roles import TOWN_OFFICE
from chalicelib.core.workflow import STATUSES, WORKER_DOCUMENTS
from chalicelib.filing import stock
from chalicelib.forms import all_forms
from chalicelib.staff import at_work, checkpoints, waiting
from chalicelib.staff.access import StaffClaim
from chalicelib.staff.waiting import Waiting
from chalicelib.store import counters
from chalicelib.store.paging import Position

DAYS = 14  # the line over days: the last two weeks, today included


class TownRow(NamedTuple):
    town: str
    counts: dict[str, int]  # status -> filings of every form
    drive: dict[str, int]  # counters.DRIVE_FIGURES, documents and "at_work"
    # A town's link: its enterprises' return-to-work rates (chalicelib/staff/at_work.py).
    enterprises: tuple[at_work.EnterpriseAtWork, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def start_rate_above_scale(self) -> float | None:
        """Started over approved, among enterprises above designated size (规上开工率)."""
        return _rate(
            self.drive.get("started_above_scale", 0), self.drive.get("approved_above_scale", 0)
        )

    @property
    def return_rate(self) -> float | None:
        """Employees back at work over employees, in approved enterprises (返岗率)."""
        return _rate(self.drive.get("employees_returned", 0), self.drive.get("employees", 0))

    @property
    def at_work_rate(self) -> float | None:
        """Workers at work (checked in, not taken back) over employees (在岗率)."""
        return _rate(self.drive.get("at_work", 0), self.drive.get("employees", 0))


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole > 0 else None


class Dashboard(NamedTuple):
    claim: StaffClaim
    towns: list[TownRow]
    queue: list[Waiting]  # one page of the waiting list (chalicelib/staff/waiting.py)
    days: list[tuple[date, int]]  # submissions per China day, oldest first
    stock: dict[str, dict[str, int]]  # town -> item -> left
    scans: checkpoints.ScanFigures | None = None  # the checkpoints' scans, per day
    queue_next: str | None = None  # the queue's next page (waiting.read_cursor reads it)

    @property
    def totals(self) -> dict[str, int]:
        return {s: sum(row.counts[s] for row in self.towns) for s in STATUSES}

    @property
    def drive_totals(self) -> TownRow:
        """The district as one row: the sums of the towns' figures."""
        keys = {k for row in self.towns for k in row.drive}
        summed = {k: sum(row.drive.get(k, 0) for row in self.towns) for k in keys}
        return TownRow("合计", self.totals, summed)

    @property
    def active_towns(self) -> list[TownRow]:
        """The towns with anything to show (a filing, or a figure of the drive); a town's
        own link always shows its row."""
        if len(self.towns) == 1:
            return list(self.towns)
        return [row for row in self.towns if row.total or any(row.drive.values())]

    @property
    def quiet_towns(self) -> int:
        """The towns left out of the charts and tables: nothing filed, nothing counted."""
        return len(self.towns) - len(self.active_towns)

    @property
    def stocked(self) -> dict[str, dict[str, int]]:
        """The towns that hold any stock (the form to set levels offers every town)."""
        return {town: left for town, left in self.stock.items() if any(left.values())}

    @staticmethod
    def step(part: int, whole: int) -> int:
        """A bar's length in twentieths (app.css's .w0 to .w20): a page's CSP allows no
        inline style; a bar of anything is never shorter than a twentieth."""
        if whole <= 0 or part <= 0:
            return 0
        return max(1, round(part / whole * 20))

    @property
    def largest(self) -> int:
        return max((row.total for row in self.towns), default=0)

    @property
    def busiest_day(self) -> int:
        return max((n for _, n in self.days), default=0)


def by_town(claim: StaffClaim) -> list[TownRow]:
    forms = [spec.id for spec in all_forms()]
    names = {
        (town, status, form): counters.filings_counter(form, town, status)
        for town in claim.towns
        for status in STATUSES
        for form in forms
    }
    figures = (
        {
            (town, figure): counters.drive_counter(town, figure)
            for town in claim.towns
            for figure in counters.DRIVE_FIGURES
        }
        | {
            (town, kind): counters.documents_counter(kind, town)
            for town in claim.towns
            for kind in WORKER_DOCUMENTS
        }
        | {(town, "at_work"): at_work.town_counter(town) for town in claim.towns}
    )
    # one town's link: its enterprises' figures too, in the same batches
    per = at_work.enterprise_items(claim.towns[0]) if len(claim.towns) == 1 else []
    counted, whole = counters.read_with([*names.values(), *figures.values()], per)
    rows = []
    for town in claim.towns:
        counts = {
            status: sum(counted[names[(town, status, form)]] for form in forms)
            for status in STATUSES
        }
        drive = {key: counted[name] for (t, key), name in figures.items() if t == town}
        enterprises = tuple(at_work.by_enterprise(town, whole)) if per else ()
        rows.append(TownRow(town, counts, drive, enterprises))
    return rows


def by_day(claim: StaffClaim, today: date, days: int = DAYS) -> list[tuple[date, int]]:
    """Submissions of every form per day in the link's scope (a town, or the district)."""
    scope = claim.scope if claim.role == TOWN_OFFICE else counters.WHOLE_DISTRICT
    forms = [spec.id for spec in all_forms()]
    span = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    names = {(d, f): counters.submissions_counter(f, scope, d) for d in span for f in forms}
    counted = counters.read(names.values())
    return [(d, sum(counted[names[(d, f)]] for f in forms)) for d in span]


def build(claim: StaffClaim, now: datetime, after: Position | None = None) -> Dashboard:
    """The figures, and the queue's page after `after` (waiting.read_cursor's)."""
    today = china_day(now)
    queue = waiting.page(claim, now, after)

    return Dashboard(
        claim,
        by_town(claim),
        queue.rows,
        by_day(claim, today),
        stock.levels(claim.towns),
        checkpoints.figures(today, claim.towns),
        queue_next=queue.next_cursor,
    )
