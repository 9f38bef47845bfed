"""A form's filings as a spreadsheet (CSV or XLSX) for the staff who may see them.

Exports are what finance pays from: each row carries the filing's answers and every
step's decision (its words, time, decider, comment and outputs: an approved amount, the
instructor assigned, a resolution), the reason a filing ended, and its whole history.
Statuses and coded values are written as their Chinese labels, amounts and counts as
numbers Excel sums, times as times, an uploaded file by its file name.

Two dangers are handled here. Formula injection: a value typed by an applicant that
starts with = + - @ (or a tab or carriage return) would run as a formula when the file
is opened, so such text is written with a leading apostrophe. Personal data: a form's
personal fields are masked unless the link's role may see them (the district office);
ID numbers and phone numbers are masked for every link: only the approver deciding a
filing sees them whole (DESIGN: "masked in every view but the approver's").
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from chalicelib.core.clock import CHINA
from chalicelib.core.privacy import always_masked, mask
from chalicelib.core.workflow import STATUS_LABELS, STATUSES, Step
from chalicelib.forms import FormSpec, code_word
from chalicelib.staff import listing
from chalicelib.staff.access import StaffClaim
from chalicelib.store.models import Filing

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE_SUBSTITUTES = str.maketrans("/\\:*?[]", "／＼：＊？［］")  # what Excel refuses
TIME_FORMAT = "yyyy-mm-dd hh:mm"
MIN_WIDTH, MAX_WIDTH = 8, 50  # a column's width, in characters (a CJK character is two)


# What XML 1.0 cannot carry (openpyxl raises IllegalCharacterError on it): C0 controls
# but tab, newline and carriage return; lone surrogates; U+FFFE and U+FFFF.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def neutral(value: Any) -> Any:
    """A cell that no spreadsheet will run and every writer takes: text that would start
    a formula is quoted, characters XML cannot hold become U+FFFD. Stored text from
    before the forms refused control characters must not stop an export."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_XML.sub(REPLACEMENT, value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class Column(NamedTuple):
    title: str
    value: Callable[[Filing], Any]  # the cell's value, before neutralising


def columns(spec: FormSpec, claim: StaffClaim) -> list[Column]:
    """The filing's own columns, its answers, then each step's decision and outputs."""
    schema = spec.json_schema()["properties"]
    labels = spec.labels("zh")
    personal = masked_fields(spec, claim)
    out = [
        Column("回执编号", lambda f: f.slip_no),
        Column("状态", lambda f: STATUS_LABELS.get(f.status, f.status)),
        Column("镇街", lambda f: f.town),
        Column("提交时间", lambda f: _local(f.created_at)),
        Column("最后更新", lambda f: _local(f.updated_at)),
        Column("结束原因", lambda f: f.reason or None),
    ]
    for name, prop in schema.items():
        out.append(Column(labels.get(name, name), _answer(spec, name, prop, name in personal)))
    for stage in spec.workflow.stages:
        for step in stage.steps:
            out += _step_columns(step)
    out.append(Column("办理记录", lambda f: _history(spec, f)))
    return out


def header(spec: FormSpec, claim: StaffClaim) -> list[str]:
    return [c.title for c in columns(spec, claim)]


def masked_fields(spec: FormSpec, claim: StaffClaim) -> set[str]:
    fields = set(spec.json_schema()["properties"])
    if not claim.sees_personal_data:
        return set(spec.personal_fields) | {f for f in fields if always_masked(f)}
    return {f for f in fields if always_masked(f)}


def _answer(spec: FormSpec, name: str, prop: dict[str, Any], masked: bool) -> Callable[..., Any]:
    kind = prop.get("format")

    def value(filing: Filing) -> Any:
        given = filing.data.get(name)
        if given is None:
            return None
        if masked:
            return mask(name, given)
        if kind == "yuan":
            return _amount(given)
        if kind == "upload" or name in spec.uploads:
            return _file_name(filing, spec.labels("zh").get(name, name), str(given))
        return code_word(spec.model, name, given, "zh")

    return value


def _step_columns(step: Step) -> list[Column]:
    def last(filing: Filing) -> dict[str, Any]:
        entries = [e for e in (filing.history or []) if e.get("step") == step.id]
        return entries[-1] if entries else {}

    cols = [
        Column(f"{step.title}：结果", lambda f: _decision(step, last(f).get("decision"))),
        Column(f"{step.title}：时间", lambda f: _local(last(f).get("at"))),
        Column(f"{step.title}：经办人", lambda f: last(f).get("by") or None),
        Column(f"{step.title}：意见", lambda f: last(f).get("comment") or None),
    ]
    if step.inputs is not None:
        inputs = step.inputs.model_json_schema()["properties"]
        labels = {n: i.title or n for n, i in step.inputs.model_fields.items()}
        for name, prop in inputs.items():
            cols.append(Column(f"{step.title}：{labels[name]}", _output(step, name, labels, prop)))
    return cols


def _output(
    step: Step, name: str, labels: dict[str, str], prop: dict[str, Any]
) -> Callable[[Filing], Any]:
    numeric = prop.get("format") == "yuan"
    counted = prop.get("type") == "integer" or any(
        p.get("type") == "integer" for p in prop.get("anyOf", [])
    )

    def value(filing: Filing) -> Any:
        given = filing.output(step.id, name)
        if given is None:
            return None
        if numeric:
            return _amount(given)
        if counted:
            return int(given)
        # a choice (an instructor) reads as the decider saw it: its name, not its key
        shown = dict(_shown(filing, step.id))
        return shown.get(labels[name], given)

    return value


def _shown(filing: Filing, step: str) -> list[tuple[str, str]]:
    for entry in reversed(filing.history or []):
        if entry.get("step") == step and entry.get("decision") == "approve":
            return [(str(k), str(v)) for k, v in entry.get("shown") or []]
    return []


def _decision(step: Step, decision: str | None) -> str | None:
    """A decision in its step's own words (派单, 未解决，重新办理, ...)."""
    if decision == "approve":
        return step.approve_label
    if decision == "reopen" or (decision == "reject" and step.reopen_to is None):
        return step.reject_label
    if decision == "reject":
        return "驳回"
    return decision


def _history(spec: FormSpec, filing: Filing) -> str | None:
    steps = {s.id: s for stage in spec.workflow.stages for s in stage.steps}
    lines = []
    for e in filing.history or []:
        step = steps.get(e.get("step", ""))
        at = _local(e.get("at"))
        parts = [
            at.strftime("%Y-%m-%d %H:%M") if at else "",
            step.title if step else str(e.get("step")),
            (_decision(step, e.get("decision")) if step else e.get("decision")) or "",
            str(e.get("by") or ""),
        ]
        said = "；".join(f"{k}：{v}" for k, v in e.get("shown") or [])
        comment = str(e.get("comment") or "")
        lines.append(
            " ".join(p for p in parts if p) + "".join(f"（{t}）" for t in (said, comment) if t)
        )
    return "\n".join(lines) or None


def _local(moment: datetime | str | None) -> datetime | None:
    """China time, without its zone (a spreadsheet's times have none)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(CHINA).replace(tzinfo=None, second=0, microsecond=0)


def _amount(value: Any) -> Decimal | Any:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return value


def _file_name(filing: Filing, label: str, key: str) -> str:
    """An upload by the name it is filed under (its slip and field), not its storage key."""
    ext = key.rsplit(".", 1)[-1] if "." in key.rsplit("/", 1)[-1] else ""
    return f"{filing.slip_no}-{label}" + (f".{ext}" if ext else "")


def rows(spec: FormSpec, claim: StaffClaim) -> list[list[Any]]:
    """Every filing of the form in the link's towns, by status, oldest first."""
    cols = columns(spec, claim)
    found = []
    for status in STATUSES:
        found += listing.whole(listing.filings(claim, spec.id, status))
    return [[c.value(f) for c in cols] for f in found]


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    return neutral(value)


def _text(value: Any) -> Any:
    """A CSV cell: times without seconds; the rest as _cell gives it."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else _cell(value)


def to_csv(spec: FormSpec, claim: StaffClaim) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header(spec, claim))
    for row in rows(spec, claim):
        writer.writerow([_text(v) for v in row])
    return "\ufeff" + out.getvalue()  # the BOM: Excel then reads it as UTF-8


def sheet_title(spec: FormSpec) -> str:
    """The form's title as a sheet's name: Excel refuses / \\ : * ? [ ] and more than 31."""
    return spec.title.translate(SHEET_TITLE_SUBSTITUTES).strip("'")[:31] or spec.id[:31]


def width(value: Any) -> int:
    """A column's width for a value, in characters: a CJK (wide) character counts two."""
    if isinstance(value, datetime):
        return 16
    text = str(value if value is not None else "").split("\n", 1)[0]
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def to_xlsx(spec: FormSpec, claim: StaffClaim) -> bytes:
    from openpyxl import Workbook  # deferred: only exports need it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    titles = header(spec, claim)
    body = rows(spec, claim)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(spec))
    sheet.freeze_panes = "B2"  # the header row and the slip numbers stay in view
    for i, title in enumerate(titles):
        widest = max([width(title), *(width(row[i]) for row in body)])
        sheet.column_dimensions[get_column_letter(i + 1)].width = min(
            MAX_WIDTH, max(MIN_WIDTH, widest + 2)
        )
    bold = Font(bold=True)
    head = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in body:
        cells: list[Any] = []
        for value in row:
            if isinstance(value, datetime):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = TIME_FORMAT
                cells.append(cell)
            elif isinstance(value, str) and "\n" in value:
                cell = WriteOnlyCell(sheet, value=_cell(value))
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cells.append(cell)
            else:
                cells.append(_cell(value))
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
