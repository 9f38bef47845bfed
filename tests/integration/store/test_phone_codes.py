"""An SMS code's life in DynamoDB: issued hashed, redeemed once, 5 tries, 10 minutes,
no resend within 60 s, a day's cap per number and per client address."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import links
from chalicelib.core.errors import CodeRefused, Forbidden, Gone, RateLimited
from chalicelib.settings import get_settings
from chalicelib.store import phone_codes
from chalicelib.store.models import PhoneCode
from tests.support.stack import Stack

PHONE = "13905791234"
NOW = datetime(2020, 2, 10, 1, 2, 20, tzinfo=UTC)  # 09:02:20 China time


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_a_code_is_six_digits_stored_only_as_its_keyed_hash(stack: Stack) -> None:
    # WHEN a code is issued
    code = phone_codes.issue(PHONE, "filing", "203.0.113.7", now=NOW)
    # THEN it is six digits, and the table holds neither it nor the phone
    assert len(code) == 6 and code.isdigit()
    items = list(PhoneCode.scan())
    assert len(items) == 1
    stored = str(items[0].attribute_values)
    assert PHONE not in stored and code not in items[0].code_hash
    assert items[0].valid_until == NOW + timedelta(minutes=10)
    assert items[0].expires_at is not None and items[0].expires_at > items[0].valid_until


def test_a_code_opens_once(stack: Stack) -> None:
    code = phone_codes.issue(PHONE, "filing", None, now=NOW)
    # WHEN it is redeemed THEN it opens, in any writing of the number
    phone_codes.redeem("+86 139-0579-1234", "filing", code, now=NOW + timedelta(minutes=1))
    # AND a second time it is gone
    with pytest.raises(CodeRefused) as again:
        phone_codes.redeem(PHONE, "filing", code, now=NOW + timedelta(minutes=2))
    assert again.value.reason == "none"


def test_a_code_is_for_its_purpose_only(stack: Stack) -> None:
    code = phone_codes.issue(PHONE, "staff", None, now=NOW)
    with pytest.raises(CodeRefused) as other:
        phone_codes.redeem(PHONE, "filing", code, now=NOW)
    assert other.value.reason == "none"
    phone_codes.redeem(PHONE, "staff", code, now=NOW)


def test_a_code_expires_after_ten_minutes(stack: Stack) -> None:
    code = phone_codes.issue(PHONE, "filing", None, now=NOW)
    with pytest.raises(CodeRefused) as late:
        phone_codes.redeem(PHONE, "filing", code, now=NOW + timedelta(minutes=10))
    assert late.value.reason == "expired"


def test_five_wrong_tries_spend_the_code(stack: Stack) -> None:
    code = phone_codes.issue(PHONE, "filing", None, now=NOW)
    reasons = []
    for _ in range(5):
        with pytest.raises(CodeRefused) as wrong:
            phone_codes.redeem(PHONE, "filing", _wrong(code), now=NOW)
        reasons.append(wrong.value.reason)
    # THEN four are "wrong", the fifth spends it, and the right code no longer opens
    assert reasons == ["wrong"] * 4 + ["too_many_tries"]
    with pytest.raises(CodeRefused) as spent:
        phone_codes.redeem(PHONE, "filing", code, now=NOW)
    assert spent.value.reason == "too_many_tries"


@pytest.mark.parametrize("junk", ["", "12345", "1234567", "１２３４５６", "12345a", "' OR 1=1"])
def test_junk_is_a_wrong_code(stack: Stack, junk: str) -> None:
    phone_codes.issue(PHONE, "filing", None, now=NOW)
    with pytest.raises(CodeRefused) as wrong:
        phone_codes.redeem(PHONE, "filing", junk, now=NOW)
    assert wrong.value.reason == "wrong"


def test_no_code_issued_is_none(stack: Stack) -> None:
    with pytest.raises(CodeRefused) as none:
        phone_codes.redeem(PHONE, "filing", "123456", now=NOW)
    assert none.value.reason == "none"


def test_a_resend_waits_sixty_seconds_and_replaces_the_code(stack: Stack) -> None:
    first = phone_codes.issue(PHONE, "filing", None, now=NOW)
    # WHEN asked again 20 s later THEN refused, told to wait the other 40 s
    with pytest.raises(RateLimited) as soon:
        phone_codes.issue(PHONE, "filing", None, now=NOW + timedelta(seconds=20))
    assert soon.value.retry_after == 40 and soon.value.kind == "phone_code"
    # AND after 60 s a new code replaces the first
    second = phone_codes.issue(PHONE, "filing", None, now=NOW + timedelta(seconds=60))
    if second != first:
        with pytest.raises(CodeRefused):
            phone_codes.redeem(PHONE, "filing", first, now=NOW + timedelta(seconds=61))
    phone_codes.redeem(PHONE, "filing", second, now=NOW + timedelta(seconds=62))


def _capped(monkeypatch: pytest.MonkeyPatch, per_number: int, per_client: int) -> None:
    settings = dataclasses.replace(
        get_settings(), phone_codes_per_number_day=per_number, phone_codes_per_client_day=per_client
    )
    monkeypatch.setattr(phone_codes, "get_settings", lambda: settings)


def test_a_number_gets_at_most_n_codes_a_day(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    _capped(monkeypatch, per_number=3, per_client=100)
    for i in range(3):
        phone_codes.issue(PHONE, "filing", f"198.51.100.{i}", now=NOW + timedelta(minutes=2 * i))
    before = PhoneCode.get(phone_codes._item_key(PHONE, "filing")).code_hash
    with pytest.raises(RateLimited) as capped:
        phone_codes.issue(PHONE, "filing", "198.51.100.9", now=NOW + timedelta(minutes=10))
    # THEN refused until China midnight (09:12:20 -> 14 h 47 min 40 s), the code unchanged
    assert capped.value.kind == phone_codes.PER_NUMBER
    assert capped.value.retry_after == 14 * 3600 + 47 * 60 + 40
    assert PhoneCode.get(phone_codes._item_key(PHONE, "filing")).code_hash == before
    # AND the next China day it gets codes again
    phone_codes.issue(PHONE, "filing", None, now=NOW + timedelta(days=1))


def test_a_client_address_asks_at_most_n_codes_a_day(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    _capped(monkeypatch, per_number=100, per_client=2)
    phone_codes.issue("13905790001", "filing", "203.0.113.7", now=NOW)
    phone_codes.issue("13905790002", "filing", "203.0.113.7", now=NOW)
    with pytest.raises(RateLimited) as capped:
        phone_codes.issue("13905790003", "filing", "203.0.113.7", now=NOW)
    assert capped.value.kind == phone_codes.PER_CLIENT
    # THEN nothing was recorded for the refused number, and another address still asks
    assert PhoneCode.count() == 2
    phone_codes.issue("13905790003", "filing", "203.0.113.8", now=NOW)


def test_a_phone_proof_names_its_number_and_purpose_and_expires(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from itsdangerous.timed import TimestampSigner

    token = links.phone_proof(PHONE, "filing")
    assert links.read_phone_proof(token, "filing") == PHONE
    with pytest.raises(Forbidden):
        links.read_phone_proof(token, "my")
    with pytest.raises(Forbidden):
        links.read_phone_proof(token[:-2] + "xx", "filing")
    issued = TimestampSigner.get_timestamp
    monkeypatch.setattr(
        TimestampSigner, "get_timestamp", lambda self: issued(self) + links.PHONE_PROOF_SECONDS + 5
    )
    with pytest.raises(Gone):
        links.read_phone_proof(token, "filing")
