"""The figures a filing's change moves: its status counted by form, town and status (and
a submission on its day), the drive's figures of an enterprise entering or leaving
`approved`, its start of work, and each form's declared figures (chalicelib/forms/spec.py,
`Figure`). Pure arithmetic over the filing; the counters' names and moves are the
store's (chalicelib/store/counters.py)."""

from __future__ import annotations

from datetime import date

from chalicelib.core.clock import china_today
from chalicelib.forms import Figure, FilingView, FormSpec
from chalicelib.store import counters
from chalicelib.store.counters import WHOLE_DISTRICT, Name

ENTERPRISE = "enterprise-resumption"  # the form whose approvals move the drive's figures


def status_change(
    form: str, town: str, old: str | None, new: str, day: date | None = None
) -> dict[Name, int]:
    """The counters a transition moves; a submission (no old status) also counts on its
    day, in its town and in the district, for the dashboard's line over days."""
    changes = {counters.filings_counter(form, town, new): 1}
    if old:
        changes[counters.filings_counter(form, town, old)] = -1
    else:
        on = day or china_today()
        changes[counters.submissions_counter(form, town, on)] = 1
        changes[counters.submissions_counter(form, WHOLE_DISTRICT, on)] = 1
    return changes


def approval_changes(
    form: str, town: str, data: dict[str, object], old: str | None, new: str, started: bool
) -> dict[Name, int]:
    """An enterprise filing entering or leaving `approved` moves the drive's figures."""
    if form != ENTERPRISE or (old == "approved") == (new == "approved"):
        return {}
    sign = 1 if new == "approved" else -1
    above = bool(data.get("above_scale"))
    changes = {
        counters.drive_counter(town, "approved"): sign,
        counters.drive_counter(town, "approved_above_scale"): sign if above else 0,
        counters.drive_counter(town, "employees"): sign * int(str(data.get("employees_total", 0))),
        counters.drive_counter(town, "employees_returned"): sign
        * int(str(data.get("employees_returned", 0))),
    }
    if started and sign < 0:  # a started enterprise taken back stops counting as started
        changes[counters.drive_counter(town, "started")] = -1
        changes[counters.drive_counter(town, "started_above_scale")] = -1 if above else 0
    return changes


def start_changes(town: str, above_scale: bool) -> dict[Name, int]:
    return {
        counters.drive_counter(town, "started"): 1,
        counters.drive_counter(town, "started_above_scale"): 1 if above_scale else 0,
    }


def figure_changes(spec: FormSpec, before: FilingView | None, after: FilingView) -> dict[Name, int]:
    """What a change of the filing (`before` None: its submission) moves in each of its
    form's figures: the value leaves with a status that counts it, and comes with one."""
    changes: dict[Name, int] = {}
    for figure in spec.figures:
        for view, sign in ((before, -1), (after, 1)):
            if view is None or view.status not in figure.statuses:
                continue
            value = sign * int(figure.value(view))
            for name in figure_names(spec.id, figure, view):
                changes[name] = changes.get(name, 0) + value
    return {name: delta for name, delta in changes.items() if delta}


def figure_names(form: str, figure: Figure, filing: FilingView) -> list[Name]:
    """The counters a filing's value of one figure goes to: its town's (the filing's own,
    or the one the figure names), and its key's in that town where the figure has one."""
    town = figure.town(filing) if figure.town else filing.town
    if not town:
        return []
    names = [counters.figure_counter(form, town, figure.name)]
    if figure.per:
        names.append(counters.figure_per_counter(form, town, figure.name, figure.per(filing)))
    return names
