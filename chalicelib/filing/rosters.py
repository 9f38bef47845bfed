"""Rosters: an enterprise brings its workers back by charter and files them all at once.

An upload (CSV or XLSX) is read, streaming and bounded (`read_rows`), and every row
validated as a worker-return filing before anything is written: one bad row refuses
the upload with every row's errors, and nothing is stored. A valid upload becomes one
filing per row, each with its own slip, submitted with an idempotency key derived from
the upload and the row: the same upload sent again answers the same filings and stores
nothing twice.
"""

from __future__ import annotations

import csv
import hashlib
import io
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

from chalicelib import links
from chalicelib.core.errors import DomainError, ValidationFailed
from chalicelib.forms import FormSpec, get_form
from chalicelib.store import claims
from chalicelib.store.models import Filing, Unique, bind_models

FORM = "worker-return"
MAX_ROWS = 5000
MAX_BYTES = 4 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKERS = 8  # submissions in flight: each is one transaction and one S3 write

# What people type in a spreadsheet, to the form's values.
_VALUES: dict[str, dict[str, str]] = {
    "health_code": {
        "绿码": "green",
        "绿": "green",
        "黄码": "yellow",
        "黄": "yellow",
        "红码": "red",
        "红": "red",
    },
    "origin_risk": {
        "低风险": "low",
        "低": "low",
        "中风险": "medium",
        "中": "medium",
        "高风险": "high",
        "高": "high",
    },
    "travel_mode": {
        "火车": "train",
        "高铁": "train",
        "包车": "charter",
        "专列": "charter",
        "大巴": "bus",
        "客车": "bus",
        "自驾": "car",
        "飞机": "air",
        "其他": "other",
    },
    "symptoms_14d": {"是": "true", "有": "true", "否": "false", "无": "false"},
    "contact_history_14d": {"是": "true", "有": "true", "否": "false", "无": "false"},
}


class RosterRefused(DomainError):
    """Errors by row (its number in the file, the header being row 1) and field."""

    def __init__(self, rows: dict[int, dict[str, str]]) -> None:
        super().__init__(f"{len(rows)} row(s) refused")
        self.rows = rows


class Filed(NamedTuple):
    row: int
    filing_id: str
    slip_no: str
    status_url: str


# A workbook is a zip: 4 MiB of it may expand a thousandfold (a 168 KiB file held 1.2
# million rows). A real roster of MAX_ROWS rows is a few MiB of XML; what the zip says
# it expands to is checked before anything is read (zipfile never inflates a member past
# its stated size), and the rows are read streaming, stopping at the cap and the clock.
MAX_UNCOMPRESSED = 32 * 1024 * 1024
MAX_SECONDS = 10.0

_REFUSALS = {
    "encoding": ("文件编码无法识别，请另存为UTF-8编码的CSV", "Save the file as UTF-8 CSV"),
    "xlsx": ("无法读取该Excel文件", "The Excel file cannot be read"),
    "expands": (
        "Excel文件解压后过大，请只保留名单所在的工作表",
        "The Excel file expands too large: keep only the roster's sheet",
    ),
    "rows": (f"一次最多上传{MAX_ROWS}人", f"At most {MAX_ROWS} people per upload"),
    "slow": ("文件过于复杂，无法及时读取，请分批上传", "The file takes too long to read: split it"),
}


def _refused(kind: str, lang: str) -> ValidationFailed:
    zh, en = _REFUSALS[kind]
    return ValidationFailed({"_body": en if lang == "en" else zh})


def read_rows(body: bytes, content_type: str, lang: str = "zh") -> list[dict[str, str]]:
    """The rows of a CSV (UTF-8, or GB18030 as Chinese Excel saves it) or XLSX file,
    at most MAX_ROWS of them (more: ValidationFailed, the rest never read)."""
    if content_type.startswith(XLSX) or body[:2] == b"PK":
        return _capped(_xlsx_rows(body, lang), lang)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = body.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _refused("encoding", lang)
    return _capped((dict(row) for row in csv.DictReader(io.StringIO(text))), lang)


def _capped(rows: Iterator[dict[str, str]], lang: str) -> list[dict[str, str]]:
    deadline = time.monotonic() + MAX_SECONDS
    taken: list[dict[str, str]] = []
    for row in rows:
        if len(taken) == MAX_ROWS:
            raise _refused("rows", lang)
        if time.monotonic() > deadline:
            raise _refused("slow", lang)
        taken.append(row)
    return taken


def _expanded_size(body: bytes, lang: str) -> int:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise _refused("xlsx", lang) from None


def _xlsx_rows(body: bytes, lang: str = "zh") -> Iterator[dict[str, str]]:
    from openpyxl import load_workbook  # deferred: only roster uploads need it

    if _expanded_size(body, lang) > MAX_UNCOMPRESSED:
        raise _refused("expands", lang)
    try:
        book = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
        rows = book.active.iter_rows(values_only=True)
        yield from _sheet_rows(rows, lang)
    except ValidationFailed:
        raise
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise _refused("xlsx", lang) from None


def _sheet_rows(rows: Iterator[tuple[Any, ...]], lang: str) -> Iterator[dict[str, str]]:
    deadline = time.monotonic() + MAX_SECONDS
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    # Blank rows are skipped, not counted as people; a sheet of a million of them still
    # stops, at twice the cap of rows read, or on the clock, checked on every row.
    for read, values in enumerate(rows, start=1):
        if read > 2 * MAX_ROWS:
            raise _refused("rows", lang)
        if time.monotonic() > deadline:
            raise _refused("slow", lang)
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        yield {h: _cell(v) for h, v in zip(header, values, strict=False) if h}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):  # a datetime from a date cell
        return str(value.date().isoformat())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def columns(spec: FormSpec) -> dict[str, str]:
    """Header -> field: the field's own name, or its Chinese or English label."""
    names = {name: name for name in spec.model.model_fields}
    for lang in ("zh", "en"):
        names |= {label: name for name, label in spec.labels(lang).items()}
    return names


def validate(
    employer_filing_id: str, rows: list[dict[str, str]], lang: str = "zh", upload: str = ""
) -> list[Any]:
    """Every row as the form's model, or RosterRefused naming every bad row and field."""
    spec = get_form(FORM)
    if not rows:
        raise ValidationFailed({"_body": "名单中没有人员"})
    if len(rows) > MAX_ROWS:
        raise ValidationFailed({"_body": f"一次最多上传{MAX_ROWS}人"})
    header = columns(spec)
    errors: dict[int, dict[str, str]] = {}
    models: list[Any] = []
    for number, row in enumerate(rows, start=2):
        data = _row_data(row, header, employer_filing_id)
        try:
            models.append(spec.validate(data, lang))
        except ValidationFailed as exc:
            errors[number] = exc.fields
    _check_ids(models, rows, errors, lang, lambda n: row_key(employer_filing_id, upload, n))
    if errors:
        raise RosterRefused(errors)
    return models


def _row_data(row: dict[str, str], header: dict[str, str], employer: str) -> dict[str, Any]:
    data: dict[str, Any] = {"travel_mode": "charter"}  # a roster is a charter's passengers
    for column, raw in row.items():
        field = header.get((column or "").strip())
        if field is None:
            continue  # extra columns (序号, 备注) are a spreadsheet's own business
        value = (raw or "").strip()
        value = _VALUES.get(field, {}).get(value, value)
        if value != "" or field not in data:
            data[field] = value
    data = {k: v for k, v in data.items() if v != ""}
    data["employer_filing_id"] = employer
    return data


def row_key(employer_filing_id: str, upload: str, row: int) -> str:
    """The idempotency key of one row of one upload."""
    return f"roster:{employer_filing_id}:{upload}:{row}"


def _check_ids(
    models: list[Any],
    rows: list[dict[str, str]],
    errors: dict[int, dict[str, str]],
    lang: str,
    key_of_row: Callable[[int], str],
) -> None:
    """One open filing per person: twice in the roster, or already filed, is refused,
    unless this very upload filed it (the upload sent again)."""
    seen: dict[str, int] = {}
    numbers: dict[str, int] = {}
    valid_rows = [n for n in range(2, len(rows) + 2) if n not in errors]
    for number, model in zip(valid_rows, models, strict=True):
        if model.id_number in seen:
            first = seen[model.id_number]
            errors[number] = {"id_number": _msg(lang, f"与第{first}行重复", f"Same as row {first}")}
        else:
            seen[model.id_number] = number
            numbers[claims.open_key(FORM, model.id_number)] = number
    taken = {numbers[claim.key]: claim.filing_id for claim in Unique.batch_get(list(numbers))}
    ours = {
        claim.filing_id
        for claim in Unique.batch_get([claims.idem_key(FORM, key_of_row(n)) for n in taken])
    }
    for number, filing_id in taken.items():
        if filing_id not in ours:
            errors[number] = {
                "id_number": _msg(lang, "此人已有办理中的返婺登记", "Already has an open filing")
            }


def _msg(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def submit(
    employer_filing_id: str,
    token: str | None,
    body: bytes,
    content_type: str,
    source_ip: str | None,
    lang: str = "zh",
) -> list[Filed]:
    """Validate the whole roster, then file every row; the filings in row order."""
    links.check_status_token(employer_filing_id, token)
    from chalicelib.filing import submission  # not at the top: web imports rosters' limits

    bind_models()
    employer = Filing.get(employer_filing_id)
    spec = get_form(FORM)
    if employer.form != "enterprise-resumption" or employer.status != "approved":
        raise ValidationFailed(
            {"employer_filing_id": spec.references["employer_filing_id"].message(lang)}
        )
    upload = hashlib.sha256(body).hexdigest()[:24]
    models = validate(employer_filing_id, read_rows(body, content_type, lang), lang, upload)

    def file_one(item: tuple[int, Any]) -> Filed:
        number, model = item
        receipt = submission.submit(
            spec,
            model,
            idempotency_key=row_key(employer_filing_id, upload, number),
            digest=upload,
            source_ip=source_ip,
            lang=lang,
            references_checked=True,
            referenced={"employer_filing_id": employer.town},
        )
        return Filed(number, receipt.filing_id, receipt.slip_no, receipt.status_url)

    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(file_one, enumerate(models, start=2)))
