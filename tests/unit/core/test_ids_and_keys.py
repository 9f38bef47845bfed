"""Identifiers people read, and the S3 key layout the event handler dispatches on."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from chalicelib.core.ids import READABLE, new_document_code, new_filing_id, new_slip_no
from chalicelib.filing import events
from chalicelib.store import records


def test_a_slip_number_is_the_china_date_and_five_readable_characters() -> None:
    # 2020-02-09 17:30 UTC is already 2020-02-10 in Jinhua.
    slip = new_slip_no(datetime(2020, 2, 9, 17, 30, tzinfo=UTC))
    assert re.fullmatch(rf"20200210-[{READABLE}]{{5}}", slip)


def test_the_readable_alphabet_has_no_look_alikes() -> None:
    assert not set("0O1IL") & set(READABLE)


def test_filing_ids_and_codes_are_random_and_long() -> None:
    ids = {new_filing_id() for _ in range(1000)}
    codes = {new_document_code() for _ in range(1000)}
    assert len(ids) == len(codes) == 1000
    assert all(len(i) == 32 for i in ids)
    assert all(len(c) == 16 and set(c) <= set(READABLE) for c in codes)


@pytest.mark.parametrize(
    "raw,expected",
    [
        (
            "filings/enterprise-resumption/abc.json",
            (records.FILINGS, ["enterprise-resumption", "abc"]),
        ),
        ("decisions/abc/town.json", (records.DECISIONS, ["abc", "town"])),
        ("approved/abc/certificate.json", (records.APPROVED, ["abc", "certificate"])),
        ("approved/a%2Bb/some+kind.json", (records.APPROVED, ["a+b", "some kind"])),
        ("documents/abc/slip-X.pdf", ("", ["documents/abc/slip-X.pdf"])),
    ],
)
def test_event_keys_are_decoded_and_split_by_prefix(raw: str, expected: tuple) -> None:  # type: ignore[type-arg]
    assert records.parse_event_key(raw) == expected


def test_the_test_event_and_deletions_carry_no_work() -> None:
    assert events.object_keys({"Event": "s3:TestEvent", "Bucket": "b"}) == []
    notification = {
        "Records": [
            {"eventName": "ObjectRemoved:Delete", "s3": {"object": {"key": "filings/x/y.json"}}},
            {"eventName": "ObjectCreated:Put", "s3": {"object": {"key": "decisions/y/town.json"}}},
        ]
    }
    assert events.object_keys(notification) == ["decisions/y/town.json"]
