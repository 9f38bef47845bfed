"""The daily return-to-work rate (在岗人数 / 员工总数) as staff read it: by town from the
counters the dashboard reads already (chalicelib/forms/at_work.py names the figures),
and for one town's link by enterprise, from the two per-enterprise items of that town
read in the same batches, with the enterprises' names in one batch of their filings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from chalicelib.forms import at_work
from chalicelib.store import counters
from chalicelib.store.models import Filing

ENTERPRISE = "enterprise-resumption"
WORKER = "worker-return"


class EnterpriseAtWork(NamedTuple):
    filing_id: str
    name: str
    employees: int  # 员工总数: the approved filing's employees_total
    at_work: int  # 在岗人数: its workers with a pass, not taken back

    @property
    def rate(self) -> float | None:
        return rate(self.at_work, self.employees)


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole > 0 else None


def town_counter(town: str) -> counters.Name:
    """The town's workers at work (the town of their employer)."""
    return counters.figure_counter(WORKER, town, at_work.AT_WORK.name)


def enterprise_items(town: str) -> list[str]:
    """The two items that hold one town's figures per enterprise."""
    return [
        counters.figure_per_item(ENTERPRISE, town, at_work.EMPLOYEES.name),
        counters.figure_per_item(WORKER, town, at_work.AT_WORK.name),
    ]


def by_enterprise(town: str, whole: dict[str, dict[str, int]]) -> list[EnterpriseAtWork]:
    """One town's approved enterprises (those with employees counted), largest first,
    from its items as `counters.read_with` read them, named from their filings."""
    employees_item, at_work_item = enterprise_items(town)
    employees = {k: n for k, n in whole.get(employees_item, {}).items() if n > 0}
    present = whole.get(at_work_item, {})
    names = _names(employees)
    rows = [
        EnterpriseAtWork(fid, names.get(fid, fid), n, max(0, present.get(fid, 0)))
        for fid, n in employees.items()
    ]
    return sorted(rows, key=lambda r: (-r.employees, r.name))


def _names(filing_ids: Iterable[str]) -> dict[str, str]:
    """The enterprises' names (their filings' applicant), 100 a call (PynamoDB batches)."""
    ids = sorted(filing_ids)
    if not ids:
        return {}
    shown = ["filing_id", "applicant"]
    return {f.filing_id: f.applicant for f in Filing.batch_get(ids, attributes_to_get=shown)}
