"""Rosters are read streaming and bounded (issue #19): a small XLSX that expands to
1.2 million rows, or past MAX_UNCOMPRESSED, is refused with a clear message, fast,
without reading it whole; a CSV past the cap too."""

from __future__ import annotations

import time

import pytest

from chalicelib.core.errors import ValidationFailed
from chalicelib.filing import rosters
from tests.support.rosters import xlsx_bomb


def test_a_zip_bomb_of_a_million_rows_is_refused_by_its_expanded_size() -> None:
    # GIVEN a 170 KiB workbook that expands to 1.2 million rows (about 56 MiB of XML)
    bomb = xlsx_bomb(1_200_000)
    assert len(bomb) < 256 * 1024
    # WHEN it is read THEN it is refused before any row is, and quickly
    started = time.monotonic()
    with pytest.raises(ValidationFailed) as refused:
        rosters.read_rows(bomb, rosters.XLSX, "en")
    assert time.monotonic() - started < 2
    assert "expands too large" in refused.value.fields["_body"]


def test_a_sheet_of_more_rows_than_the_cap_stops_at_the_cap() -> None:
    # GIVEN a 30 KiB workbook of 200,000 rows, within the expanded size
    bomb = xlsx_bomb(200_000)
    assert rosters._expanded_size(bomb, "zh") < rosters.MAX_UNCOMPRESSED
    # WHEN it is read THEN reading stops at the cap, with the cap's message
    with pytest.raises(ValidationFailed) as refused:
        rosters.read_rows(bomb, rosters.XLSX)
    assert refused.value.fields["_body"] == f"一次最多上传{rosters.MAX_ROWS}人"


def test_a_sheet_of_blank_rows_stops_too() -> None:
    bomb = xlsx_bomb(200_000, cells="")
    with pytest.raises(ValidationFailed):
        rosters.read_rows(bomb, rosters.XLSX)


def test_reading_stops_on_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN no time at all to read a sheet WHEN one is read THEN it is refused as too slow
    monkeypatch.setattr(rosters, "MAX_SECONDS", -1.0)
    with pytest.raises(ValidationFailed) as refused:
        rosters.read_rows(xlsx_bomb(2_000), rosters.XLSX, "en")
    assert "too long" in refused.value.fields["_body"]


def test_a_csv_past_the_cap_is_refused() -> None:
    body = ("姓名\n" + "王五\n" * (rosters.MAX_ROWS + 1)).encode()
    with pytest.raises(ValidationFailed):
        rosters.read_rows(body, "text/csv")
    assert len(rosters.read_rows(("姓名\n" + "王五\n" * 10).encode(), "text/csv")) == 10


@pytest.mark.parametrize("body", [b"PK\x03\x04garbage", b"PK" + b"\x00" * 100])
def test_a_broken_workbook_is_refused_not_raised(body: bytes) -> None:
    with pytest.raises(ValidationFailed):
        rosters.read_rows(body, rosters.XLSX)
