"""Hostile text and numbers, refused by the field types themselves (issue #19): control
characters, bidirectional controls, text of invisible characters only, unbounded whole
numbers. Text is stored NFC; a multi-line field keeps its line breaks."""

from __future__ import annotations

import unicodedata
from typing import Annotated

import pytest
from pydantic import ValidationError

from chalicelib.forms import all_forms, get_form, messages
from chalicelib.forms.types import (
    MAX_COUNT,
    Count,
    FormModel,
    bounded_text,
    labelled,
    optional_text,
)
from tests.support.stack import enterprise


class Texts(FormModel):
    name: Annotated[str, bounded_text(1, 50)] = labelled("名称", "Name")
    story: Annotated[str, bounded_text(1, 500, multiline=True)] = labelled("经过", "Story")
    note: Annotated[str | None, optional_text(50)] = labelled("备注", "Note", default=None)
    count: Count = labelled("数量", "Count", default=0)


def _error(**fields: object) -> tuple[str, str]:
    body = {"name": "王五", "story": "经过", **fields}
    with pytest.raises(ValidationError) as caught:
        Texts.model_validate(body)
    error = caught.value.errors()[0]
    return str(error["loc"][0]), error["type"]


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("王\x00五", "text_control"),
        ("王\x07五", "text_control"),
        ("王\x1b[31m五", "text_control"),
        ("王\x85五", "text_control"),  # C1 (NEL)
        ("王\x7f五", "text_control"),
        ("王\n五", "text_line_break"),
        ("王\t五", "text_line_break"),
        ("王\u202e五", "text_bidi"),
        ("\u2066王五\u2069", "text_bidi"),
        ("\u200b\u200b", "text_invisible"),
        ("\u200d\ufeff\u2060", "text_invisible"),
        ("\u3164", "text_invisible"),  # the Hangul filler, blank to the eye
        ("\ud800", "text_control"),  # a lone surrogate: cannot even be encoded
    ],
)
@pytest.mark.parametrize("field", ["name", "note"])
def test_hostile_text_is_refused_in_a_one_line_field(field: str, typed: str, kind: str) -> None:
    assert _error(**{field: typed}) == (field, kind)


@pytest.mark.parametrize("typed", ["a\x00b", "a\u202eb", "\u200b", "a\x0bb"])
def test_hostile_text_is_refused_in_a_multi_line_field(typed: str) -> None:
    assert _error(story=typed)[0] == "story"


def test_a_multi_line_field_keeps_its_line_breaks_and_tabs() -> None:
    model = Texts.model_validate({"name": "王五", "story": "第一行\r\n第二行\r\t第三行"})
    assert model.story == "第一行\n第二行\n\t第三行"


def test_text_is_stored_nfc_and_ordinary_marks_are_kept() -> None:
    decomposed = unicodedata.normalize("NFD", "Zoë Ångström")
    model = Texts.model_validate({"name": decomposed, "story": "x", "note": "a\u200bb"})
    assert model.name == "Zoë Ångström" and unicodedata.is_normalized("NFC", model.name)
    assert model.note == "a\u200bb"  # an invisible character inside real text is no trick


def test_every_message_is_chinese_first_and_english_under_en() -> None:
    for kind in ("text_control", "text_line_break", "text_bidi", "text_invisible"):
        zh, en = messages.message(kind, None), messages.message(kind, None, "en")
        assert zh != en and not zh.isascii() and en.isascii()
    assert messages.message("less_than_equal", {"le": 10}) == "不能大于10"


@pytest.mark.parametrize("sent", [10**400, 10**38, MAX_COUNT + 1, "9" * 16])
def test_a_whole_number_has_a_ceiling(sent: object) -> None:
    assert _error(count=sent)[0] == "count"


def test_every_number_of_every_form_has_a_bound_in_the_schema() -> None:
    # GIVEN every form's published schema WHEN its integer fields are read
    for spec in all_forms():
        for name, prop in spec.json_schema()["properties"].items():
            for option in prop.get("anyOf", [prop]):
                if option.get("type") == "integer":
                    # THEN each states its ceiling, inside DynamoDB's 38 digits
                    assert 0 < option["maximum"] <= MAX_COUNT, (spec.id, name)


def test_every_text_field_of_every_form_says_what_it_refuses() -> None:
    for spec in all_forms():
        for name, prop in spec.json_schema()["properties"].items():
            for option in prop.get("anyOf", [prop]):
                if option.get("type") == "string" and "maxLength" in option:
                    assert "\\u202e" in option.get("pattern", ""), (spec.id, name)


def test_ten_to_the_four_hundred_employees_is_refused_by_the_form() -> None:
    form = get_form("enterprise-resumption")
    with pytest.raises(Exception) as caught:
        form.validate(enterprise(employees_total=10**400, employees_returned=1))
    assert "employees_total" in caught.value.fields  # type: ignore[attr-defined]
