"""An upload's real type, from its first bytes (issue #19): magic numbers for PDF, PNG,
JPEG and XLSX, text for CSV; active content (HTML, SVG, scripts) never passes, whatever
type it was declared with."""

from __future__ import annotations

import pytest

from chalicelib.filing.uploads import real_type_is

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    ("declared", "head"),
    [
        ("application/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3"),
        ("image/png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
        (XLSX, b"PK\x03\x04\x14\x00\x06\x00"),
        ("text/csv", "姓名,手机\n王五,13800000000\n".encode()),
        ("text/csv", "\ufeff姓名,手机\n".encode()),
        ("text/csv", "姓名,手机\n王五".encode("gb18030")),
        ("text/csv", "姓名,手机\n王五".encode()[:-1]),  # a character cut by the range
    ],
)
def test_a_file_of_its_declared_type_passes(declared: str, head: bytes) -> None:
    assert real_type_is(declared, head)


@pytest.mark.parametrize(
    ("declared", "head"),
    [
        ("application/pdf", b"<html><script>alert(1)</script>"),
        ("image/png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'),
        ("image/jpeg", b"%PDF-1.4"),
        (XLSX, b"%PDF-1.4"),
        ("text/csv", b"<!DOCTYPE html><html>"),
        ("text/csv", b"  <svg onload=alert(1)>"),
        ("text/csv", b'<?xml version="1.0"?><svg/>'),
        ("text/csv", b"name\n<script>alert(1)</script>"),
        ("text/csv", b"a,b\n\x00\x01\x02binary"),
        ("text/csv", b"%PDF-1.4 a pdf renamed"),
        ("text/csv", b"PK\x03\x04 a zip renamed"),
        ("text/html", b"<html>"),
        ("image/svg+xml", b"<svg/>"),
    ],
)
def test_active_content_or_another_type_is_refused(declared: str, head: bytes) -> None:
    assert not real_type_is(declared, head)
