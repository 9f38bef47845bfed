"""Signed links: capabilities that need no account, every kind through one signer.

Each kind has its own salt, so a token of one kind never passes for another:
- an approval link names one filing, one step and the link generation it was issued
  for; it expires, and it is single-use because deciding is a conditional write on the
  task (chalicelib/filing/approve.py);
- a status link proves the applicant: its token is derived from the filing id, so a
  replayed submission answers the same link;
- a staff link carries a role and a scope (chalicelib/staff/access.py) and expires;
- a staff session (the workbench's cookie) carries the same and the person, 8 hours;
- a page cursor carries the key a list goes on from, so it cannot be forged.
- a phone proof says an SMS code sent to one number was redeemed, for one purpose, and
  expires (chalicelib/store/phone_codes.py).
All are HMAC-SHA256 with the newest key; older keys still verify, so a key can rotate
while the links already sent keep working until they expire.
"""

from __future__ import annotations

import hashlib
from typing import Any, NamedTuple

from chalicelib.core.errors import Forbidden, Gone
from chalicelib.settings import get_settings

APPROVAL = "jiafuwu.approve"
STATUS = "jiafuwu.status"
STAFF = "jiafuwu.staff"
SESSION = "jiafuwu.session"  # a signed-in official's cookie (chalicelib/staff/access.py)
PAGE = "jiafuwu.page"  # a list's next page: DynamoDB's LastEvaluatedKey, signed
PHONE = "jiafuwu.phone"
PHONE_PROOF_SECONDS = 30 * 60  # CONTRACT.md: a proof serves every submission for 30 minutes


class ApprovalClaim(NamedTuple):
    filing_id: str
    step: str
    link_gen: int


def _keys() -> list[str]:
    return list(reversed(get_settings().signing_keys))  # itsdangerous signs with the last


def _serializer(kind: str) -> Any:
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(
        _keys(), salt=kind, signer_kwargs={"digest_method": hashlib.sha256}
    )


def sign(kind: str, payload: dict[str, Any]) -> str:
    """A token of `kind` carrying `payload` and the time it was signed."""
    return str(_serializer(kind).dumps(payload))


def read(kind: str, token: str | None, max_age: int) -> dict[str, Any]:
    """The payload of a token of `kind`: Forbidden when missing, tampered with or of
    another kind; Gone("expired") when older than `max_age` seconds."""
    from itsdangerous import BadSignature, SignatureExpired

    if not token:
        raise Forbidden(f"no {kind} token")
    try:
        payload = _serializer(kind).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise Gone("expired") from exc
    except BadSignature as exc:
        raise Forbidden(f"bad {kind} token") from exc
    if not isinstance(payload, dict):
        raise Forbidden(f"malformed {kind} token")
    return payload


def approval_token(filing_id: str, step: str, link_gen: int) -> str:
    return sign(APPROVAL, {"f": filing_id, "s": step, "g": link_gen})


def read_approval_token(token: str) -> ApprovalClaim:
    """Forbidden when tampered with; Gone("expired") past the link's lifetime."""
    payload = read(APPROVAL, token, get_settings().link_ttl_hours * 3600)
    try:
        return ApprovalClaim(str(payload["f"]), str(payload["s"]), int(payload["g"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise Forbidden("malformed approval link") from exc


def _status_signer() -> Any:
    from itsdangerous import Signer

    return Signer(_keys(), salt=STATUS, digest_method=hashlib.sha256)


def status_token(filing_id: str) -> str:
    """The applicant's token: derived, so a replayed submission answers the same link."""
    return str(_status_signer().get_signature(filing_id).decode())


def check_status_token(filing_id: str, token: str | None) -> None:
    if not token or not _status_signer().verify_signature(filing_id.encode(), token.encode()):
        raise Forbidden("bad status token")


def phone_proof(phone: str, purpose: str) -> str:
    """Proof that the holder received an SMS code at `phone` (normalized), for `purpose`."""
    return sign(PHONE, {"p": phone, "u": purpose})


def read_phone_proof(token: str | None, purpose: str, max_age: int = PHONE_PROOF_SECONDS) -> str:
    """The normalized phone a proof of `purpose` was issued for: Forbidden when missing,
    tampered with or of another purpose; Gone("expired") past its lifetime."""
    payload = read(PHONE, token, max_age)
    if payload.get("u") != purpose or not isinstance(payload.get("p"), str):
        raise Forbidden("phone proof of another purpose")
    return str(payload["p"])


def public_base() -> str:
    return get_settings().public_base_url


def status_url(filing_id: str) -> str:
    return f"{public_base()}/filings/{filing_id}?token={status_token(filing_id)}"


def approve_url(filing_id: str, step: str, link_gen: int) -> str:
    return f"{public_base()}/approve/{approval_token(filing_id, step, link_gen)}"


def verify_url(code: str) -> str:
    return f"{public_base()}/verify/{code}"
