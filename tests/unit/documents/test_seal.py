"""The offline seal: signed, compressed, base45 in a URL fragment; verified against a
trust list and a revocation list as the scanner page does, without a network."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, date, datetime

import base45
import pytest

from chalicelib.documents import seal
from chalicelib.settings import get_settings
from tests.support.seals import key_entry, seal_keys_env

NOW = datetime(2020, 2, 12, 2, 0, tzinfo=UTC)  # 10:00 in China
TODAY = date(2020, 2, 12)
EMPTY = {"revoked": [], "withdrawn": [], "suspended": [], "employers": []}


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    newest = key_entry("wc-2020b", "2020-02-01")
    older = key_entry("wc-2020a", "2020-01-01", "2020-01-31")
    monkeypatch.setenv("SEAL_KEYS", seal_keys_env(newest, older))
    get_settings.cache_clear()
    return [newest, older]


def a_pass(employer: str | None = "20200205-7KQ3M", now: datetime = NOW) -> str:
    return seal.seal("K7Q3M9XH2P4R6T8W", "pass", "冉*开", "2020-02-10", "2020-02-23", employer, now)


def trust() -> dict[str, object]:
    return {"keys": seal.trust_keys()}


def test_a_sealed_pass_verifies_offline_with_its_claims(keys: object) -> None:
    sealed = a_pass()
    # THEN it carries the prefix and only base45's alphabet, and opens with every claim
    assert sealed.startswith("JF1:")
    assert set(sealed[4:]) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    result = seal.check_offline(sealed, trust(), EMPTY, TODAY)
    assert result.status == "valid" and result.reason is None
    assert result.claims is not None
    assert result.claims.code == "K7Q3M9XH2P4R6T8W" and result.claims.holder == "冉*开"
    assert result.claims.valid_to == "2020-02-23" and result.claims.employer == "20200205-7KQ3M"
    assert result.claims.kid == seal.kid_text("wc-2020b")  # the newest key signs


def test_the_qr_text_is_the_online_address_with_the_seal_in_its_fragment(keys: object) -> None:
    sealed = a_pass()
    text = seal.qr_text("http://jiafuwu.test/verify/K7Q3M9XH2P4R6T8W", sealed)
    address, _, fragment = text.partition("#")
    assert address == "http://jiafuwu.test/verify/K7Q3M9XH2P4R6T8W"
    assert " " not in fragment  # percent-encoded where a fragment needs it, nowhere else
    assert seal.check_offline(text, trust(), EMPTY, TODAY).status == "valid"


def test_the_payload_holds_no_id_number_or_phone(keys: object) -> None:
    message = zlib.decompress(base45.b45decode(a_pass()[4:]))
    assert b"330702" not in message and b"138" not in message.replace(b"\x138", b"")


def test_every_altered_byte_of_the_signed_message_is_refused(keys: object) -> None:
    message = zlib.decompress(base45.b45decode(a_pass()[4:]))
    for i in range(len(message)):
        for flip in (0x01, 0x80):
            altered = bytearray(message)
            altered[i] ^= flip
            text = "JF1:" + base45.b45encode(zlib.compress(bytes(altered))).decode()
            result = seal.check_offline(text, trust(), EMPTY, TODAY)
            assert result.status == "invalid", f"byte {i} ^ {flip:#x} passed"
            assert result.reason in {"malformed", "bad_signature", "unknown_key", "key_expired"}


def test_a_cut_or_foreign_text_is_malformed(keys: object) -> None:
    sealed = a_pass()
    for text in (sealed[:-3], "JF1:", "HC1:" + sealed[4:], "http://x/verify/K7Q3", sealed + "%%"):
        assert seal.check_offline(text, trust(), EMPTY, TODAY).reason == "malformed"


def test_a_seal_issued_outside_its_keys_period_is_refused(
    keys: list[dict[str, object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a key that signs only in January, used (wrongly) to seal in February
    january_only = keys[1]
    monkeypatch.setenv("SEAL_KEYS", seal_keys_env({**january_only, "valid_to": None}))
    get_settings.cache_clear()
    sealed = a_pass()
    # WHEN the trust list says the key's period ended on 31 January
    listed = [{**k, "valid_to": "2020-01-31"} for k in seal.trust_keys()]
    # THEN the seal reads key_expired; one made within the period still verifies
    assert seal.check_offline(sealed, {"keys": listed}, EMPTY, TODAY).reason == "key_expired"
    in_january = a_pass(now=datetime(2020, 1, 20, tzinfo=UTC))
    assert seal.check_offline(in_january, {"keys": listed}, EMPTY, TODAY).status == "valid"


def test_a_key_no_trust_list_names_is_unknown(
    keys: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = trust()
    monkeypatch.setenv("SEAL_KEYS", seal_keys_env(key_entry("wc-2020b", "2020-02-01")))
    get_settings.cache_clear()
    forged = a_pass()  # the same key id, another key: the signature fails
    assert seal.check_offline(forged, listed, EMPTY, TODAY).reason == "bad_signature"
    monkeypatch.setenv("SEAL_KEYS", seal_keys_env(key_entry("rogue", "2020-02-01")))
    get_settings.cache_clear()
    assert seal.check_offline(a_pass(), listed, EMPTY, TODAY).reason == "unknown_key"


def test_the_revocation_list_voids_a_document_and_an_employers_passes(keys: object) -> None:
    sealed = a_pass()
    cases = {
        "revoked": ({**EMPTY, "revoked": ["K7Q3M9XH2P4R6T8W"]}),
        "withdrawn": ({**EMPTY, "withdrawn": ["K7Q3M9XH2P4R6T8W"]}),
        "suspended": ({**EMPTY, "suspended": ["K7Q3M9XH2P4R6T8W"]}),
        "employer_revoked": ({**EMPTY, "employers": ["20200205-7KQ3M"]}),
    }
    for reason, revocations in cases.items():
        result = seal.check_offline(sealed, trust(), revocations, TODAY)
        assert (result.status, result.reason) == ("invalid", reason)
    # another employer's revocation leaves it valid
    other = {**EMPTY, "employers": ["20200205-AAAAA"]}
    assert seal.check_offline(sealed, trust(), other, TODAY).status == "valid"


def test_validity_days_are_checked_against_today(keys: object) -> None:
    sealed = a_pass()
    assert seal.check_offline(sealed, trust(), EMPTY, date(2020, 2, 9)).status == "not_yet_valid"
    assert seal.check_offline(sealed, trust(), EMPTY, date(2020, 2, 23)).status == "valid"
    assert seal.check_offline(sealed, trust(), EMPTY, date(2020, 2, 24)).reason == "expired"


def test_a_neighbours_pass_verifies_once_its_trust_list_is_imported(
    keys: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a pass sealed by 金东区 with its own key
    monkeypatch.setenv("SEAL_KEYS", seal_keys_env(key_entry("jd-2020a", "2020-01-01")))
    monkeypatch.setenv("DISTRICT_SCOPE", "金东区")
    get_settings.cache_clear()
    theirs = {"issuer": "金东区", "keys": seal.own_trust_entries()}
    neighbours_pass = a_pass()
    # WHEN 婺城区 (its own keys) has not imported it, then has
    monkeypatch.setenv("SEAL_KEYS", seal_keys_env(*keys))  # type: ignore[arg-type]
    monkeypatch.setenv("DISTRICT_SCOPE", "婺城区")
    get_settings.cache_clear()
    assert seal.check_offline(neighbours_pass, trust(), EMPTY, TODAY).reason == "unknown_key"
    monkeypatch.setenv("TRUST_IMPORTS", json.dumps([theirs], ensure_ascii=False))
    get_settings.cache_clear()
    # THEN it verifies, naming its issuer
    result = seal.check_offline(neighbours_pass, trust(), EMPTY, TODAY)
    assert result.status == "valid" and result.claims and result.claims.issuer == "金东区"
    assert {k["issuer"] for k in seal.trust_keys()} == {"婺城区", "金东区"}


def test_a_revocation_lists_signature_covers_every_field(keys: object) -> None:
    body = {
        "version": 3,
        "since": 0,
        "issued_at": "2020-02-12T02:00:00+00:00",
        "revoked": ["K7Q3M9XH2P4R6T8W"],
        "withdrawn": [],
        "suspended": [],
        "employers": ["20200205-7KQ3M"],
        "removed": [],
    }
    body["signature"] = seal.sign_detached(seal.revocation_signed_bytes(body), NOW)
    seal.verify_revocations(body, seal.trust_keys())
    for field, value in (("version", 4), ("revoked", []), ("employers", []), ("removed", ["X"])):
        with pytest.raises(seal.SealError):
            seal.verify_revocations({**body, field: value}, seal.trust_keys())
    signature = bytearray(seal._unb64url(body["signature"]))
    for i in range(len(signature)):
        altered = bytearray(signature)
        altered[i] ^= 0x01
        with pytest.raises(seal.SealError):
            seal.verify_revocations(
                {**body, "signature": seal._b64url(bytes(altered))}, seal.trust_keys()
            )
