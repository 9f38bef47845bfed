"""The keyed hashes that stand for a phone and its code: no phone or code in the clear,
the same number however it is written, a key the signing keys derive."""

from __future__ import annotations

import dataclasses

import pytest

from chalicelib.core.errors import ValidationFailed
from chalicelib.core.phones import normalize_mobile
from chalicelib.settings import get_settings
from chalicelib.store import phone_codes


@pytest.mark.parametrize(
    "written",
    [
        "13905791234",
        "+86 139-0579-1234",
        "8613905791234",
        "0086 139 0579 1234",
        "１３９０５７９１２３４",
    ],
)
def test_every_way_of_writing_a_number_has_one_key(written: str) -> None:
    # GIVEN a number written with a country code, spaces, hyphens or full-width digits
    # THEN it normalizes to its eleven digits, and its key is the plain number's
    assert normalize_mobile(written) == "13905791234"
    assert phone_codes.phone_key(written) == phone_codes.phone_key("13905791234")


def test_a_phone_key_holds_no_phone_and_differs_per_number() -> None:
    key = phone_codes.phone_key("13905791234")
    assert "13905791234" not in key and "5791234" not in key
    assert len(key) == 40 and all(c in "0123456789abcdef" for c in key)
    assert key != phone_codes.phone_key("13905791235")


def test_the_key_is_derived_from_the_signing_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN the same number under another deployment's keys
    before = phone_codes.phone_key("13905791234")
    other = dataclasses.replace(get_settings(), signing_keys=("another-deployment",))
    monkeypatch.setattr(phone_codes, "get_settings", lambda: other)
    # THEN its key is another: a table copied elsewhere cannot be matched to numbers
    assert phone_codes.phone_key("13905791234") != before


def test_rotating_the_newest_signing_key_keeps_phone_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN the index keys made before a new signing key was added in front
    before = phone_codes.phone_key("13905791234")
    rotated = dataclasses.replace(
        get_settings(), signing_keys=("brand-new-key", *get_settings().signing_keys)
    )
    monkeypatch.setattr(phone_codes, "get_settings", lambda: rotated)
    # THEN filings indexed before the rotation are still found
    assert phone_codes.phone_key("13905791234") == before


def test_a_code_hash_is_bound_to_its_number_and_purpose() -> None:
    h = phone_codes.code_hash("13905791234", "filing", "123456")
    assert "123456" not in h
    assert h == phone_codes.code_hash("+8613905791234", "filing", "123456")
    assert h != phone_codes.code_hash("13905791234", "my", "123456")
    assert h != phone_codes.code_hash("13905791235", "filing", "123456")
    assert h != phone_codes.code_hash("13905791234", "filing", "123457")


@pytest.mark.parametrize("bad", ["", "12345", "23905791234", "139057912345", "abc", None, True])
def test_what_is_not_a_mobile_number_is_refused_naming_the_phone(bad: object) -> None:
    assert normalize_mobile(bad) is None
    with pytest.raises(ValidationFailed) as refused:
        phone_codes.phone_key(bad)  # type: ignore[arg-type]
    assert set(refused.value.fields) == {"phone"}
