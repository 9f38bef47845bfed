"""The pages' English catalogue (chalicelib/core/i18n.py): complete, compiled and consistent.

Every text the pages show is written in Chinese and marked; Babel extracts the marked
texts as `make messages` does, and each must have its English, with the same
placeholders, in the compiled catalogue that Lambda reads."""

from __future__ import annotations

import gettext
import itertools
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from chalicelib.core import i18n

ROOT = Path(__file__).resolve().parents[3]
PO = ROOT / "chalicelib/locale/en/LC_MESSAGES/messages.po"
MO = PO.with_suffix(".mo")
HAN = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def makefile_keywords() -> dict[str, object]:
    """The keywords `make messages` extracts with (its BABEL_KEYWORDS), as Babel takes them."""
    line = next(
        line
        for line in (ROOT / "Makefile").read_text().splitlines()
        if line.startswith("BABEL_KEYWORDS")
    )
    words = line.split()
    keywords: dict[str, object] = {}
    for flag, spec in itertools.pairwise(words):
        if flag == "-k":
            name, _, arg = spec.partition(":")
            keywords[name] = (int(arg),) if arg else None
    return keywords


def extracted() -> set[str]:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(
        ROOT / "chalicelib", method_map, options_map, keywords=makefile_keywords()
    )
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


@pytest.fixture(scope="module")
def catalogue() -> dict[str, str]:
    with PO.open("rb") as po:
        cat = read_po(po, locale="en")
    fuzzy = [m.id for m in cat if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy (unchecked) translations: {fuzzy}"
    return {str(m.id): str(m.string) for m in cat if m.id}


def test_the_keywords_cover_every_marking_style() -> None:
    assert makefile_keywords() == {"_": None, "N_": None, "translate": (2,), "labelled": (3,)}


def test_every_text_a_page_shows_has_its_english(catalogue: dict[str, str]) -> None:
    texts = extracted()
    assert len(texts) > 100  # the pages, the messages in Python and the forms' hints
    missing = sorted(t for t in texts if not catalogue.get(t))
    assert not missing, f"no English for: {missing} (run `make messages`, then translate)"


def test_the_english_is_english_with_the_same_placeholders(catalogue: dict[str, str]) -> None:
    for chinese, english in catalogue.items():
        if not english:
            continue
        assert not HAN.search(english), (chinese, english)
        assert sorted(PLACEHOLDER.findall(chinese)) == sorted(PLACEHOLDER.findall(english)), chinese


def test_the_compiled_catalogue_is_the_source_compiled(catalogue: dict[str, str]) -> None:
    """Lambda reads messages.mo: it must hold exactly what messages.po says."""
    with MO.open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    held = {k: v for k, v in compiled._catalog.items() if k}  # type: ignore[attr-defined]
    assert held == {k: v for k, v in catalogue.items() if v}, "run `make messages`"


def test_translate_picks_the_language_and_leaves_chinese_as_written() -> None:
    assert i18n.translate("en", "提交") == "Submit"
    assert i18n.translate("zh", "提交") == "提交"
    assert i18n.translate("fr", "提交") == "提交"  # an unknown language: the texts as written
    assert i18n.translate("en", "") == ""  # not the catalogue's header
