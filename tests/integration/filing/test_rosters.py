"""Charter rosters: one upload, one filing per row with its own slip; any bad row
refuses the whole upload with every row's errors, and nothing is stored."""

from __future__ import annotations

import io
import json
from typing import Any

from chalicelib import links
from chalicelib.store.models import Filing
from tests.support.rosters import HEADER, as_csv, roster_rows
from tests.support.stack import Stack, enterprise
from tests.support.workers import approved_employer


def workers_filed() -> int:
    return sum(1 for _ in Filing.scan(Filing.form == "worker-return"))


def upload(
    stack: Stack,
    employer: str,
    body: bytes,
    content_type: str = "text/csv",
    token: str | None = None,
) -> Any:
    token = token or links.status_token(employer)
    return stack.client.http.post(
        f"/api/filings/{employer}/roster?token={token}",
        headers={"Content-Type": content_type},
        body=body,
    )


def test_each_row_becomes_a_filing_with_its_own_slip(stack: Stack) -> None:
    employer = approved_employer(stack)
    answer = upload(stack, employer, as_csv(roster_rows(3)))
    assert answer.status_code == 201, answer.body
    result = json.loads(answer.body)
    assert result["rows"] == 3
    assert [f["row"] for f in result["filings"]] == [2, 3, 4]
    stack.pump()
    for filed in result["filings"]:
        filing = Filing.get(filed["filing_id"])
        assert filing.form == "worker-return"
        assert filing.data["travel_mode"] == "charter"
        assert filing.data["employer_filing_id"] == employer
        assert "slip" in filing.document_codes()
    # AND the same upload again answers the same filings and stores nothing more
    again = json.loads(upload(stack, employer, as_csv(roster_rows(3))).body)
    assert again["filings"] == result["filings"]
    assert workers_filed() == 3


def test_a_bad_row_refuses_the_whole_upload_naming_every_row(stack: Stack) -> None:
    employer = approved_employer(stack)
    rows = roster_rows(5)
    rows[1][8] = "红码"  # row 3 of the file
    rows[2][2] = rows[2][2][:-1] + ("1" if rows[2][2][-1] != "1" else "2")  # row 4
    rows[3][2] = rows[0][2]  # row 5 repeats row 2's person
    before = stack.item_count()
    answer = upload(stack, employer, as_csv(rows))
    assert answer.status_code == 400
    problem = json.loads(answer.body)
    assert problem["error"] == "validation_error"
    assert {row: set(fields) for row, fields in problem["rows"].items()} == {
        "3": {"health_code"},
        "4": {"id_number"},
        "5": {"id_number"},
    }
    assert "第2行" in problem["rows"]["5"]["id_number"]
    assert stack.item_count() == before


def test_an_xlsx_roster_is_read_like_a_csv(stack: Stack) -> None:
    from openpyxl import Workbook

    employer = approved_employer(stack)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in roster_rows(2, start=20):
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    answer = upload(stack, employer, data.getvalue(), xlsx)
    assert answer.status_code == 201, answer.body
    assert json.loads(answer.body)["rows"] == 2


def test_only_an_approved_employer_with_its_token_uploads(stack: Stack) -> None:
    pending = json.loads(stack.submit(enterprise(serial=30)).body)["filing_id"]
    answer = upload(stack, pending, as_csv(roster_rows(1)))
    assert answer.status_code == 400
    assert set(json.loads(answer.body)["fields"]) == {"employer_filing_id"}
    employer = approved_employer(stack)
    assert upload(stack, employer, as_csv(roster_rows(1)), token="wrong").status_code == 403
    assert workers_filed() == 0


def test_a_roster_of_a_thousand_rows_goes_in_one_upload(stack: Stack) -> None:
    employer = approved_employer(stack)
    answer = upload(stack, employer, as_csv(roster_rows(1000)))
    assert answer.status_code == 201
    filed = json.loads(answer.body)["filings"]
    assert len(filed) == 1000
    assert len({f["filing_id"] for f in filed}) == len({f["slip_no"] for f in filed}) == 1000
    assert workers_filed() == 1000


def test_a_zip_bomb_roster_is_a_400_and_stores_nothing(stack: Stack) -> None:
    from tests.support.rosters import xlsx_bomb

    # GIVEN an approved employer and a 170 KiB workbook of 1.2 million rows
    employer = approved_employer(stack)
    stack.pump()
    stored = stack.item_count()
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    for bomb in (xlsx_bomb(1_200_000), xlsx_bomb(100_000)):
        # WHEN it is uploaded THEN 400 with a clear message, and nothing stored
        answer = upload(stack, employer, bomb, xlsx)
        assert answer.status_code == 400, answer.body
        assert "_body" in json.loads(answer.body)["fields"]
    assert stack.item_count() == stored
