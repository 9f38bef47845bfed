"""Export cells: nothing a spreadsheet would run as a formula, personal fields masked."""

from __future__ import annotations

import pytest

from chalicelib.core.privacy import HIDDEN, mask
from chalicelib.staff.exports import neutral


@pytest.mark.parametrize(
    "typed",
    ["=1+1", "+8613905791234", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd", '=HYPERLINK("x")'],
)
def test_text_that_would_start_a_formula_is_quoted(typed: str) -> None:
    # GIVEN text an applicant typed WHEN it becomes a cell THEN it starts with a quote
    assert neutral(typed) == "'" + typed


@pytest.mark.parametrize("kept", ["金华市婺城区示例机械有限公司", "a=b", "", 42, -3, 1.5, None])
def test_other_values_are_kept_as_they_are(kept: object) -> None:
    # numbers stay numbers (a negative number is not text and runs nothing)
    assert neutral(kept) == kept


def test_personal_fields_are_masked_by_kind() -> None:
    assert mask("contact_phone", "13905791234") == "139****1234"
    assert mask("phone", "13905791234") == "139****1234"
    assert mask("id_number", "330702199003071233") == "3307**********1233"
    assert mask("name", "冉德开") == "冉*开"
    assert mask("contact_email", "wang@example.com") == HIDDEN
    assert mask("lodging_address", "白龙桥镇某村1号") == HIDDEN
    assert mask("email", None) is None  # nothing given, nothing to hide


@pytest.mark.parametrize(
    ("stored", "cell"),
    [
        ("王\x00五", "王\ufffd五"),
        ("\x1b[31m红", "\ufffd[31m红"),
        ("a\ud800b", "a\ufffdb"),
        ("a\uffffb", "a\ufffdb"),
        ("\x00=1+1", "\ufffd=1+1"),
        ("第一行\n第二行\t", "第一行\n第二行\t"),  # XML carries these: kept
    ],
)
def test_characters_xml_cannot_hold_are_replaced_not_raised(stored: str, cell: str) -> None:
    # GIVEN text stored before the forms refused control characters
    # WHEN it becomes a cell THEN the characters no XML writer takes are replaced
    assert neutral(stored) == cell


def test_an_xlsx_row_of_hostile_text_is_written_and_read_back() -> None:
    import io

    from openpyxl import Workbook, load_workbook

    # GIVEN every C0 control, a surrogate and a non-character in one cell
    hostile = "".join(chr(c) for c in range(32)) + "\ud800\ufffe\uffff王五"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    # WHEN written through the export's cell helper THEN openpyxl does not refuse it
    sheet.append([neutral(hostile)])
    out = io.BytesIO()
    book.save(out)
    read = load_workbook(io.BytesIO(out.getvalue()), read_only=True).active
    value = next(read.iter_rows(values_only=True))[0]
    assert value.endswith("王五") and "\x00" not in value
