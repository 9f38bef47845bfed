"""Signed links: scope, tampering, expiry and key rotation, without AWS."""

from __future__ import annotations

import pytest
from itsdangerous.timed import TimestampSigner

from chalicelib import links
from chalicelib.core.errors import Forbidden, Gone
from chalicelib.settings import get_settings


def test_an_approval_token_carries_its_filing_step_and_generation() -> None:
    token = links.approval_token("f" * 32, "town", 3)
    claim = links.read_approval_token(token)
    assert (claim.filing_id, claim.step, claim.link_gen) == ("f" * 32, "town", 3)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature changed
        lambda t: "eyJmIjoiZ2dnIiwicyI6InRvd24iLCJnIjoxfQ" + t[t.index(".") :],  # payload swapped
        lambda t: t.split(".")[0],  # signature dropped
        lambda t: "",
    ],
)
def test_a_tampered_approval_token_is_forbidden(mangle) -> None:  # type: ignore[no-untyped-def]
    token = links.approval_token("f" * 32, "town", 1)
    with pytest.raises(Forbidden):
        links.read_approval_token(mangle(token))


def test_an_approval_token_expires_after_the_configured_hours(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # GIVEN a link issued now, with links living 72 hours
    token = links.approval_token("f" * 32, "town", 1)
    issued = TimestampSigner.get_timestamp
    # WHEN it is read 71 hours later THEN it still works
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued(self) + 71 * 3600)
    assert links.read_approval_token(token).step == "town"
    # WHEN it is read 73 hours later THEN it is gone as expired
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued(self) + 73 * 3600)
    with pytest.raises(Gone) as gone:
        links.read_approval_token(token)
    assert gone.value.reason == "expired"


def test_the_link_lifetime_is_configurable(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LINK_TTL_HOURS", "2")
    get_settings.cache_clear()
    token = links.approval_token("f" * 32, "town", 1)
    issued = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued(self) + 3 * 3600)
    with pytest.raises(Gone):
        links.read_approval_token(token)


def test_links_signed_with_an_older_key_still_verify_after_rotation(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # GIVEN links signed with the key in use
    approval = links.approval_token("f" * 32, "district", 1)
    status = links.status_token("f" * 32)
    # WHEN a new key is put first and the old one kept second
    monkeypatch.setenv("SIGNING_KEYS", "brand-new-key,test-signing-key-newest")
    get_settings.cache_clear()
    # THEN the old links verify, and new ones are signed with the new key
    assert links.read_approval_token(approval).step == "district"
    links.check_status_token("f" * 32, status)
    assert links.status_token("f" * 32) != status
    # WHEN the old key is dropped THEN its links no longer verify
    monkeypatch.setenv("SIGNING_KEYS", "brand-new-key")
    get_settings.cache_clear()
    with pytest.raises(Forbidden):
        links.read_approval_token(approval)


def test_a_status_token_proves_one_filing_only() -> None:
    token = links.status_token("a" * 32)
    links.check_status_token("a" * 32, token)
    with pytest.raises(Forbidden):
        links.check_status_token("b" * 32, token)
    with pytest.raises(Forbidden):
        links.check_status_token("a" * 32, None)


def test_tokens_carry_at_least_128_bits_of_signature() -> None:
    # An HMAC-SHA256 signature is 256 bits: 43 URL-safe base64 characters.
    assert len(links.status_token("a" * 32)) >= 43
    assert len(links.approval_token("a" * 32, "town", 1).rsplit(".", 1)[1]) >= 43
