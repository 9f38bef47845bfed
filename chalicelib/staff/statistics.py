"""The drive's statistics for staff (`GET /api/stats`): read from the sharded counters
and the stock levels only (batch reads, never a scan), for the towns a staff link sees.

Every block has the same shape for the link's total and for each of its towns:

    {"filings": {form: {status: n}},
     "figures": {form: {figure: n}},           # each form's declared figures
     "enterprises": {"filed", "approved", "started", "approved_above_scale",
                     "started_above_scale", "start_rate_above_scale"},
     "workers": {"employees", "returned", "return_rate", "at_work", "at_work_rate"},
     "documents": {"docking_slip", "pass"},
     "stock": {item: remaining}}

Rates are fractions (0.75), null where nothing is counted under them. `return_rate` is
what the enterprises declared back (employees_returned); `at_work_rate` the daily
return-to-work rate (在岗人数 / 员工总数): workers checked in (pass issued) and not taken
back, in their employer's town, over the approved enterprises' employees. A town's link
also gets `at_work_by_enterprise`: {town: [{"filing_id", "enterprise_name", "employees",
"at_work", "at_work_rate"}]}, largest enterprise first.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core.workflow import STATUSES, WORKER_DOCUMENTS
from chalicelib.filing import stock
from chalicelib.filing.figures import ENTERPRISE
from chalicelib.forms import all_forms
from chalicelib.forms.at_work import AT_WORK as AT_WORK_FIGURE
from chalicelib.staff import at_work
from chalicelib.staff.access import StaffClaim
from chalicelib.store import counters


def summary(claim: StaffClaim) -> dict[str, Any]:
    forms = all_forms()
    names: dict[tuple[str, ...], counters.Name] = {}
    for town in claim.towns:
        for spec in forms:
            for status in STATUSES:
                names[(town, "filings", spec.id, status)] = counters.filings_counter(
                    spec.id, town, status
                )
            for figure in spec.figures:
                names[(town, "figures", spec.id, figure.name)] = counters.figure_counter(
                    spec.id, town, figure.name
                )
        for name in counters.DRIVE_FIGURES:
            names[(town, "drive", name)] = counters.drive_counter(town, name)
        for kind in WORKER_DOCUMENTS:
            names[(town, "documents", kind)] = counters.documents_counter(kind, town)
    per = at_work.enterprise_items(claim.towns[0]) if len(claim.towns) == 1 else []
    counted, whole = counters.read_with(names.values(), per)
    values = {key: counted[name] for key, name in names.items()}
    levels = stock.levels(claim.towns)
    towns = {town: _block(town, values, levels[town]) for town in claim.towns}
    answer: dict[str, Any] = {
        "scope": {"role": claim.role, "scope": claim.scope, "towns": list(claim.towns)},
        "total": _sum(list(towns.values())),
        "towns": towns,
    }
    if per:
        town = claim.towns[0]
        answer["at_work_by_enterprise"] = {
            town: [
                {
                    "filing_id": row.filing_id,
                    "enterprise_name": row.name,
                    "employees": row.employees,
                    "at_work": row.at_work,
                    "at_work_rate": _rounded(row.rate),
                }
                for row in at_work.by_enterprise(town, whole)
            ]
        }
    return answer


def _block(town: str, values: dict[tuple[str, ...], int], levels: dict[str, int]) -> dict[str, Any]:
    forms = all_forms()
    drive = {name: values[(town, "drive", name)] for name in counters.DRIVE_FIGURES}
    filings = {
        spec.id: {status: values[(town, "filings", spec.id, status)] for status in STATUSES}
        for spec in forms
    }
    block = {
        "filings": filings,
        "figures": {
            spec.id: {f.name: values[(town, "figures", spec.id, f.name)] for f in spec.figures}
            for spec in forms
            if spec.figures
        },
        "enterprises": {
            "filed": sum(filings.get(ENTERPRISE, {}).values()),
            "approved": drive["approved"],
            "started": drive["started"],
            "approved_above_scale": drive["approved_above_scale"],
            "started_above_scale": drive["started_above_scale"],
        },
        "workers": {
            "employees": drive["employees"],
            "returned": drive["employees_returned"],
            "at_work": values[(town, "figures", at_work.WORKER, AT_WORK_FIGURE.name)],
        },
        "documents": {kind: values[(town, "documents", kind)] for kind in WORKER_DOCUMENTS},
        "stock": dict(levels),
    }
    return _with_rates(block)


def _sum(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """The towns' blocks added up (rates recomputed from the sums, not averaged)."""

    def add(values: list[Any]) -> Any:
        if isinstance(values[0], dict):
            return {k: add([v[k] for v in values]) for k in values[0]}
        return sum(values)

    if not blocks:
        return {}
    plain = [{k: v for k, v in b.items()} for b in blocks]
    for b in plain:
        b["enterprises"] = {k: v for k, v in b["enterprises"].items() if "rate" not in k}
        b["workers"] = {k: v for k, v in b["workers"].items() if "rate" not in k}
    return _with_rates(add(plain))


def _with_rates(block: dict[str, Any]) -> dict[str, Any]:
    enterprises, workers = block["enterprises"], block["workers"]
    enterprises["start_rate_above_scale"] = _rate(
        enterprises["started_above_scale"], enterprises["approved_above_scale"]
    )
    workers["return_rate"] = _rate(workers["returned"], workers["employees"])
    workers["at_work_rate"] = _rate(workers["at_work"], workers["employees"])
    return block


def _rate(part: int, whole: int) -> float | None:
    return _rounded(part / whole if whole > 0 else None)


def _rounded(rate: float | None) -> float | None:
    return round(rate, 4) if rate is not None else None
