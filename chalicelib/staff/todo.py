"""待办: the open steps of a signed-in official's role and scope, oldest first, one
bounded page at a time (the tasks' work index: one Query a page, then one BatchGetItem
for what the page shows of each filing)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from chalicelib import links
from chalicelib.core import supervision
from chalicelib.core.errors import Forbidden, Gone
from chalicelib.forms import all_forms, get_form
from chalicelib.staff.access import StaffClaim
from chalicelib.staff.rows import filing_row
from chalicelib.store.models import Filing, Task, bind_models, work_key
from chalicelib.store.paging import one_page

PAGE_SIZE = 25  # rows a page: a phone's screenful or two
CURSOR_SECONDS = 8 * 3600  # a page's "next" link lives as long as a session


class Filters(NamedTuple):
    form: str = ""
    step: str = ""
    town: str = ""
    late: bool = False

    def as_query(self) -> dict[str, str]:
        found = {"form": self.form, "step": self.step, "town": self.town}
        if self.late:
            found["late"] = "1"
        return {k: v for k, v in found.items() if v}


class Row(NamedTuple):
    filing_id: str
    step: str
    step_title: str
    step_title_en: str
    form: str
    form_title: str
    form_title_en: str
    slip_no: str
    applicant: str  # masked where it names a person and the role may not see it whole
    town: str
    opened_at: datetime
    due_at: datetime
    age_hours: float
    late: bool
    link_gen: int
    url: str  # the decision page: the same link the email carried, at its current generation
    bulk: bool  # the step may be decided from the list in bulk
    assignee: str  # the colleague it was handed to ("": the office)


class TodoPage(NamedTuple):
    rows: list[Row]
    next_cursor: str | None


def encode_cursor(last_key: dict[str, Any] | None, key: str) -> str | None:
    return links.sign(links.PAGE, {"k": last_key, "q": key}) if last_key else None


def decode_cursor(cursor: str | None, key: str) -> dict[str, Any] | None:
    """The key a page goes on from: None for the first page or a cursor of another list
    (a stale or foreign cursor starts over rather than failing)."""
    if not cursor:
        return None
    try:
        payload = links.read(links.PAGE, cursor, CURSOR_SECONDS)
    except (Forbidden, Gone):
        return None
    found = payload.get("k")
    return found if payload.get("q") == key and isinstance(found, dict) else None


def list_key(claim: StaffClaim) -> str:
    return work_key(claim.role, claim.scope)


def page(claim: StaffClaim, filters: Filters, now: datetime, cursor: str | None = None) -> TodoPage:
    """One page of the claim's open steps, oldest first, filtered in the query (the
    page reads PAGE_SIZE items whatever the filters keep)."""
    bind_models()
    key = list_key(claim)
    condition: Any = None
    for part in _conditions(filters, now):
        condition = part if condition is None else condition & part
    found = one_page(
        Task.work_index.query,
        key,
        PAGE_SIZE,
        decode_cursor(cursor, key),
        filter_condition=condition,
    )
    tasks: list[Task] = found.items
    filings = _filings({_filing_of(t) for t in tasks})
    rows = [_row(claim, t, filings[_filing_of(t)], now) for t in tasks if _filing_of(t) in filings]
    return TodoPage(rows, encode_cursor(found.last_key, key))


def _conditions(filters: Filters, now: datetime) -> list[Any]:
    parts: list[Any] = [Task.status == "open"]
    if filters.form:
        parts.append(Task.form == filters.form)
    if filters.step:
        parts.append(Task.step == filters.step)
    if filters.town:
        parts.append(Task.town == filters.town)
    if filters.late:
        parts.append(Task.due_at < now)
    return parts


SHOWN = ["filing_id", "slip_no", "applicant", "town", "form"]


def _filings(ids: set[str]) -> dict[str, Filing]:
    """What the page shows of each filing, in one BatchGetItem (a page is under 100)."""
    if not ids:
        return {}
    return {f.filing_id: f for f in Filing.batch_get(sorted(ids), attributes_to_get=SHOWN)}


def _filing_of(task: Task) -> str:
    """The filing a task is of: a health follow-up's (core/supervision.py) is keyed apart."""
    return str(task.filing_id).removeprefix(supervision.FOLLOW_UP_PREFIX)


def _follow_up_row(claim: StaffClaim, task: Task, filing: Filing, now: datetime) -> Row:
    """A health follow-up on the list: answered on its own workbench page."""
    title, title_en = supervision.FOLLOW_UP_TITLE
    return Row(
        **filing_row(claim, get_form(task.form), filing),
        step=task.step,
        step_title=title,
        step_title_en=title_en,
        opened_at=task.opened_at,
        due_at=task.due_at,
        age_hours=(now - task.opened_at).total_seconds() / 3600,
        late=task.due_at < now,
        link_gen=int(task.link_gen),
        url=f"/work/health/{filing.filing_id}",
        bulk=False,
        assignee="",
    )


def _row(claim: StaffClaim, task: Task, filing: Filing, now: datetime) -> Row:
    if task.step == supervision.FOLLOW_UP_STEP:
        return _follow_up_row(claim, task, filing, now)
    spec = get_form(task.form)
    step = spec.workflow.step(task.step)
    return Row(
        **filing_row(claim, spec, filing),
        step=task.step,
        step_title=step.title,
        step_title_en=step.title_en,
        opened_at=task.opened_at,
        due_at=task.due_at,
        age_hours=(now - task.opened_at).total_seconds() / 3600,
        late=task.due_at < now,
        link_gen=int(task.link_gen),
        url=links.approve_url(task.filing_id, task.step, int(task.link_gen)),
        bulk=step.bulk,
        assignee=str(task.assignee or ""),
    )


def step_choices(form: str = "") -> list[tuple[str, str, str]]:
    """(form, step, title): the filter's options, a form's steps or each step id once."""
    found: dict[str, tuple[str, str, str]] = {}
    for spec in all_forms():
        for step in spec.workflow.steps:
            if (not form or spec.id == form) and step.id not in found:
                found[step.id] = (spec.id, step.id, step.title)
    return list(found.values())


def slips(ids: list[str]) -> dict[str, str]:
    """Filing id -> slip number, in one BatchGetItem: what a bulk page lists."""
    bind_models()
    if not ids:
        return {}
    found = Filing.batch_get(sorted(set(ids)), attributes_to_get=["filing_id", "slip_no"])
    return {f.filing_id: f.slip_no for f in found}
