"""A charter roster as an employer uploads it: its header, rows of returning workers,
the CSV Excel saves."""

from __future__ import annotations

import csv
import io

from tests.support.workers import TODAY, make_id

HEADER = [
    "序号",
    "姓名",
    "身份证号",
    "手机号码",
    "来源省",
    "来源市",
    "来源县",
    "来源地风险",
    "健康码",
    "抵婺日期",
    "落脚镇（乡、街道）",
    "落脚村（社区）",
    "落脚详细地址",
]


def roster_rows(count: int, start: int = 1) -> list[list[str]]:
    return [
        [
            str(i),
            f"返岗{i}号",
            make_id(i),
            f"138{i:08d}",
            "贵州省",
            "遵义市",
            "湄潭县",
            "低",
            "绿码",
            TODAY.isoformat(),
            "罗埠镇",
            "下徐村",
            f"下徐村{i}号",
        ]
        for i in range(start, start + count)
    ]


def as_csv(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")  # as Excel saves it


SHEET = "xl/worksheets/sheet1.xml"
_SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)


def xlsx_bomb(rows: int, cells: str = "x", pad: int = 0) -> bytes:
    """A small XLSX whose one sheet holds `rows` rows (each its `cells` text, inline,
    `pad` spaces of whitespace after it): a workbook that deflates a thousandfold, as a
    zip bomb does. openpyxl writes the package; its sheet is then replaced, streaming,
    so the test never holds the expanded sheet."""
    import zipfile

    from openpyxl import Workbook

    plain = io.BytesIO()
    Workbook().save(plain)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
    ):
        for member in source.infolist():
            if member.filename != SHEET:
                archive.writestr(member.filename, source.read(member))
        with archive.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_START)
            row = f'<row><c t="inlineStr"><is><t>{cells}</t></is></c></row>{" " * pad}'
            chunk = row.encode() * 1000
            for _ in range(rows // 1000):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()
