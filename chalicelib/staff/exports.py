"""A form's filings as a spreadsheet (CSV or XLSX) for the staff who may see them.

Two dangers are handled here. Formula injection: a value typed by an applicant that
starts with = + - @ (or a tab or carriage return) would run as a formula when the file
is opened, so such text is written with a leading apostrophe. Personal data: a form's
personal fields are masked unless the link's role may see them (the district office);
ID numbers and phone numbers are masked for every link: only the approver deciding a
filing sees them whole (DESIGN: "masked in every view but the approver's").
"""

from __future__ import annotations

import csv
import heapq
import io
import re
from collections.abc import Iterator
from typing import Any

from chalicelib.core.clock import china_time
from chalicelib.core.privacy import always_masked, mask
from chalicelib.core.workflow import STATUSES
from chalicelib.forms import FormSpec
from chalicelib.staff.access import StaffClaim
from chalicelib.store.models import Filing, bind_models, queue_keys

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def header(spec: FormSpec) -> list[str]:
    labels = spec.labels("zh")
    fields = list(spec.json_schema()["properties"])
    return ["回执编号", "状态", "镇街", "提交时间", *(labels.get(f, f) for f in fields)]


def masked_fields(spec: FormSpec, claim: StaffClaim) -> set[str]:
    fields = set(spec.json_schema()["properties"])
    if not claim.sees_personal_data:
        return set(spec.personal_fields) | {f for f in fields if always_masked(f)}
    return {f for f in fields if always_masked(f)}


def rows(spec: FormSpec, claim: StaffClaim) -> Iterator[list[Any]]:
    """Every filing of the form in the link's towns, by town and status, oldest first."""
    bind_models()
    fields = list(spec.json_schema()["properties"])
    personal = masked_fields(spec, claim)
    for town in claim.towns:
        for status in STATUSES:
            shards = (Filing.queue_index.query(k) for k in queue_keys(spec.id, town, status))
            for filing in heapq.merge(*shards, key=lambda f: f.created_at):
                data = filing.data
                values = [mask(f, data.get(f)) if f in personal else data.get(f) for f in fields]
                yield [
                    filing.slip_no,
                    filing.status,
                    filing.town,
                    china_time(filing.created_at),
                    *values,
                ]


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    return neutral(value)


def to_csv(spec: FormSpec, claim: StaffClaim) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header(spec))
    for row in rows(spec, claim):
        writer.writerow(["" if v is None else _cell(v) for v in row])
    return "\ufeff" + out.getvalue()  # the BOM: Excel then reads it as UTF-8


def to_xlsx(spec: FormSpec, claim: StaffClaim) -> bytes:
    from openpyxl import Workbook  # deferred: only exports need it

    book = Workbook(write_only=True)
    sheet = book.create_sheet(spec.title[:31])
    sheet.append(header(spec))
    for row in rows(spec, claim):
        sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
