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
