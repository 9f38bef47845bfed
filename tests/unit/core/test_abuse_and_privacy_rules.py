"""The pure parts of abuse and privacy: link signatures of 256 bits, key rotation with
old links working until they expire, the rate limit's window, the retention period,
and which export columns each staff link sees masked."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous.timed import TimestampSigner

from chalicelib import links
from chalicelib.core import privacy
from chalicelib.core.errors import Gone
from chalicelib.core.ids import new_filing_id
from chalicelib.forms import get_form
from chalicelib.settings import get_settings
from chalicelib.staff import access, exports
from chalicelib.store import ratelimit


def _signature_bytes(token: str) -> int:
    signature = token.rsplit(".", 1)[-1]
    return len(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))


def test_every_link_carries_a_256_bit_signature_and_filing_ids_128_random_bits() -> None:
    # An HMAC-SHA256 tag: 32 bytes, far above the 128 bits a guess would have to find.
    assert _signature_bytes(links.approval_token("a" * 32, "town", 1)) == 32
    assert _signature_bytes(links.status_token("a" * 32)) == 32
    assert _signature_bytes(access.staff_token("town_office", "罗埠镇")) == 32
    ids = {new_filing_id() for _ in range(1000)}
    assert len(ids) == 1000 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def test_an_old_keys_link_works_after_rotation_until_it_expires(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN an approval link and a staff link signed with the key in use
    approval = links.approval_token("f" * 32, "town", 1)
    staff_link = access.staff_token("district_office", get_settings().district_scope)
    issued = TimestampSigner.get_timestamp
    # WHEN a new key is put first, the old one kept second
    monkeypatch.setenv("SIGNING_KEYS", "rotated-in-key,test-signing-key-newest")
    get_settings.cache_clear()
    # THEN 71 hours on the approval link still works, and so does the staff link
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued(self) + 71 * 3600)
    assert links.read_approval_token(approval).step == "town"
    assert access.read_staff_token(staff_link).role == "district_office"
    # AND past its 72 hours it is gone as expired, old key or not
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued(self) + 73 * 3600)
    with pytest.raises(Gone) as gone:
        links.read_approval_token(approval)
    assert gone.value.reason == "expired"


def test_the_rate_window_is_the_minute() -> None:
    moment = datetime(2020, 2, 10, 1, 2, 20, tzinfo=UTC)
    start = ratelimit.window_of(moment)
    assert start == int(moment.timestamp()) - 20
    assert ratelimit.window_of(moment + timedelta(seconds=39)) == start
    assert ratelimit.window_of(moment + timedelta(seconds=40)) == start + 60


def test_personal_data_is_kept_retention_days_180_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    given = datetime(2020, 2, 10, tzinfo=UTC)
    assert privacy.expiry(given) == given + timedelta(days=180)
    monkeypatch.setenv("RETENTION_DAYS", "30")
    get_settings.cache_clear()
    assert privacy.expiry(given) == given + timedelta(days=30)


def test_exports_mask_ids_and_phones_for_every_staff_link() -> None:
    worker = get_form("worker-return")
    enterprise = get_form("enterprise-resumption")
    district = access.claim("district_office", get_settings().district_scope)
    town = access.claim("town_office", "罗埠镇")
    # THEN the district sees names and addresses, never an ID number or a phone whole
    assert exports.masked_fields(worker, district) == {"id_number", "phone"}
    assert exports.masked_fields(enterprise, district) == {"contact_phone"}
    # AND a town sees every personal field masked
    assert exports.masked_fields(worker, town) == set(worker.personal_fields)
    assert exports.masked_fields(enterprise, town) == set(enterprise.personal_fields)
