"""What finance pays from: every form exports in both formats, whatever its title, fields
or values; a decided filing's row carries its decisions (words, time, comment, outputs),
statuses and coded values as Chinese labels, amounts as numbers, files by name; the
workbook's header row is frozen and its columns sized."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from chalicelib.forms import all_forms
from chalicelib.settings import get_settings
from chalicelib.staff import access
from tests.support.claims import decide, upload
from tests.support.exports import export
from tests.support.stack import Stack, approved_enterprise
from tests.support.subsidies import PASSENGERS, charter
from tests.support.workers import approved_employer, worker


def district() -> str:
    return access.staff_token("district_office", get_settings().district_scope)


def csv_rows(answer: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(answer.body.decode("utf-8").removeprefix("\ufeff"))))


def sheet_of(answer: Any) -> Any:
    assert answer.status_code == 200, answer.body[:300]
    return load_workbook(io.BytesIO(answer.body)).active


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("form", [spec.id for spec in all_forms()])
def test_every_form_exports_in_both_formats_even_empty(stack: Stack, form: str, fmt: str) -> None:
    # GIVEN the district's link and no filing WHEN each form is exported in each format
    answer = export(stack, district(), fmt, form)
    # THEN it answers with the file: its header alone (the charter's "/" title included)
    assert answer.status_code == 200, answer.body[:300]
    if fmt == "xlsx":
        sheet = sheet_of(answer)
        assert sheet.max_row == 1 and sheet["A1"].value == "回执编号"
        assert "/" not in sheet.title
    else:
        assert answer.body.decode("utf-8").removeprefix("\ufeff").startswith("回执编号,状态")


def approved_charter(stack: Stack) -> str:
    employer = approved_enterprise(stack, serial=41)
    key = upload(stack, "charter-subsidy", "passenger_list", PASSENGERS)
    body = charter(employer, key, vehicle="浙G·12345", contact_name="=1+2")
    answer = stack.post_json("/api/filings/charter-subsidy", body)
    assert answer.status_code == 201, answer.body
    filing_id = str(json.loads(answer.body)["filing_id"])
    stack.pump()
    assert (
        decide(stack, stack.link("commerce", filing_id), "approve", "材料齐全").status_code == 200
    )
    stack.pump()
    finance = stack.link("finance", filing_id)
    assert (
        decide(stack, finance, "approve", "按名单核定", approved_amount="45000.5").status_code
        == 200
    )
    stack.pump()
    return filing_id


def test_a_charter_claim_exports_what_finance_pays_from(stack: Stack) -> None:
    # GIVEN a charter claim approved by commerce, then finance at 45000.50 yuan
    approved_charter(stack)

    # WHEN the district exports it as XLSX
    sheet = sheet_of(export(stack, district(), "xlsx", "charter-subsidy"))
    head = [c.value for c in sheet[1]]
    row = dict(zip(head, [c.value for c in sheet[2]], strict=True))

    # THEN the status is in Chinese, the claim and the approved amount are numbers
    assert row["状态"] == "已通过"
    assert row["包车费用（元）"] == pytest.approx(48000.50)
    assert isinstance(sheet.cell(2, head.index("包车费用（元）") + 1).value, float | int | Decimal)
    assert row["区财政局核定：核定金额（元）"] == pytest.approx(45000.50)
    # AND each step's decision is there in its words, with its time and comment
    assert row["区经商局审核：结果"] == "通过" and row["区经商局审核：意见"] == "材料齐全"
    assert row["区财政局核定：意见"] == "按名单核定"
    assert row["区财政局核定：时间"] is not None and row["提交时间"] is not None
    assert row["区财政局核定：结果"] == "核定并通过"  # its own words
    assert "区财政局核定 核定并通过" in row["办理记录"]
    # AND the passenger list by a file name, not its storage key; the formula neutralised
    assert row["乘车人员名单"].startswith(row["回执编号"]) and row["乘车人员名单"].endswith(".csv")
    assert not any(str(v).startswith("uploads/") for v in row.values())
    assert row["联系人"] == "'=1+2"
    assert row["车牌号或车次"] == "浙G·12345"
    # AND the header row is frozen and the columns sized to what they hold
    assert sheet.freeze_panes == "B2"
    assert all(c.font.bold for c in sheet[1])
    widths = {k: d.width for k, d in sheet.column_dimensions.items()}
    assert min(widths.values()) >= 8 and max(widths.values()) <= 50

    # WHEN it is exported as CSV THEN the same figures, as plain numbers
    (line,) = csv_rows(export(stack, district(), "csv", "charter-subsidy"))
    assert line["区财政局核定：核定金额（元）"] == "45000.50"
    assert line["包车费用（元）"] == "48000.50"
    assert line["状态"] == "已通过"


def test_a_workers_coded_answers_export_as_their_chinese_labels(stack: Stack) -> None:
    # GIVEN a returning worker's filing, its answers stored as the contract's codes
    employer = approved_employer(stack, serial=43)
    body = worker(employer, serial=5, origin_risk="low", health_code="green", travel_mode="train")
    assert stack.post_json("/api/filings/worker-return", body).status_code == 201
    stack.pump()

    # WHEN the district exports the form THEN the codes read as their Chinese labels
    (line,) = csv_rows(export(stack, district(), "csv", "worker-return"))
    assert line["状态"] in ("已提交", "审核中")
    # (the words the form itself shows for each code: one vocabulary for pages and exports)
    assert {line[k] for k in line if line[k] in ("低风险", "绿码", "火车（高铁）")} == {
        "低风险",
        "绿码",
        "火车（高铁）",
    }
    assert "low" not in line.values() and "green" not in line.values()
