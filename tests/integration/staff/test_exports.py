"""Each form's filings exported to CSV and XLSX from the dashboard's staff link: safe to
open (no formula runs), personal fields masked unless the link's role may see them."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook

from chalicelib.settings import get_settings
from chalicelib.staff import access
from tests.support.exports import export
from tests.support.stack import Stack, enterprise

EVIL = '=HYPERLINK("http://evil.example","点我")'


def filed(stack: Stack) -> None:
    """One filing whose name would be a formula, another in a second town."""
    for serial, changes in [
        (61, {"enterprise_name": EVIL, "town": "罗埠镇"}),
        (62, {"contact_name": "@SUM(A1)", "town": "白龙桥镇"}),
    ]:
        assert stack.submit(enterprise(serial=serial, **changes)).status_code == 201
    stack.pump()


def csv_rows(answer: Any) -> list[dict[str, str]]:
    text = answer.body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_district_exports_every_town_phones_masked_and_no_cell_is_a_formula(
    stack: Stack,
) -> None:
    # GIVEN two filings, one named like a formula, and the district's staff link
    filed(stack)
    token = access.staff_token("district_office", get_settings().district_scope)

    # WHEN the enterprise form is exported as CSV
    answer = export(stack, token, "csv")

    # THEN both filings are there, the formula neutralised, names in full, phones masked
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert answer.headers["Content-Disposition"] == "attachment; filename=enterprise-resumption.csv"
    rows = csv_rows(answer)
    assert sorted(r["镇街"] for r in rows) == ["白龙桥镇", "罗埠镇"]
    assert {r["企业名称"] for r in rows} >= {"'" + EVIL}
    assert {r["联系人"] for r in rows} >= {"'@SUM(A1)"}
    assert {r["联系电话"] for r in rows} == {"139****1234"}
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())

    # WHEN it is exported as XLSX
    answer = export(stack, token, "xlsx")

    # THEN the workbook holds the same rows, every cell text or number, none a formula
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(answer.body)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert sheet.max_row == 3
    assert all(c.data_type != "f" for c in cells)
    assert "'" + EVIL in {c.value for c in cells}


def test_an_export_is_kept_a_day_and_never_starts_the_workflow(stack: Stack) -> None:
    """Exports hold personal data: the bucket's rule deletes them after a day, and their
    prefix is none of those whose objects the events queue hears of."""
    filed(stack)
    token = access.staff_token("district_office", get_settings().district_scope)
    assert export(stack, token, "csv").status_code == 200
    bucket = get_settings().bucket
    listed = stack.s3.list_objects_v2(Bucket=bucket, Prefix="exports/")["Contents"]
    assert len(listed) == 1 and listed[0]["Key"].endswith(".csv")
    rules = stack.s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    (rule,) = [r for r in rules if r["Filter"].get("Prefix") == "exports/"]
    assert rule["Expiration"]["Days"] == 1 and rule["Status"] == "Enabled"
    assert stack.receive() == []  # no event: nothing to pump


def test_a_town_exports_its_own_filings_with_personal_fields_masked(stack: Stack) -> None:
    # GIVEN filings in two towns and 白龙桥镇's staff link
    filed(stack)
    token = access.staff_token("town_office", "白龙桥镇")

    # WHEN it exports the enterprise form
    rows = csv_rows(export(stack, token, "csv"))

    # THEN only its town's filing is there, with the contact's phone and email masked
    assert [r["镇街"] for r in rows] == ["白龙桥镇"]
    assert rows[0]["联系电话"] == "139****1234"
    assert rows[0]["电子邮箱"] == "***"
    assert rows[0]["企业名称"] == enterprise()["enterprise_name"]


def test_an_export_needs_a_good_staff_link(stack: Stack) -> None:
    filed(stack)
    # WHEN the export is asked for without a link, or with an applicant's token
    from chalicelib import links

    assert stack.client.http.get("/dashboard/exports/enterprise-resumption").status_code == 403
    assert export(stack, links.status_token("x"), "csv").status_code == 403
    # AND an unknown form is not found
    token = access.staff_token("district_office", get_settings().district_scope)
    assert export(stack, token, "csv", form="nope").status_code == 404
    # THEN the dashboard offers both formats of each form
    html = stack.client.http.get(f"/dashboard?token={token}").body.decode()
    assert "format=xlsx" in html and "/dashboard/exports/worker-return" in html
