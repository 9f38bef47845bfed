"""Signed links: capabilities that need no account.

An approval link names one filing, one step and the link generation it was
issued for; it expires, and it is single-use because deciding is a conditional
write on the task (see `decisions.py`). A status link proves the applicant. Both
are HMAC-SHA256 signed with the newest key; older keys still verify, so a key
can rotate while the links already sent keep working until they expire.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from chalicelib.core.errors import Forbidden, Gone
from chalicelib.settings import get_settings

_APPROVE = "jiafuwu.approve"
_STATUS = "jiafuwu.status"


@dataclass(frozen=True)
class ApprovalClaim:
    filing_id: str
    step: str
    link_gen: int


def _keys() -> list[str]:
    return list(reversed(get_settings().signing_keys))  # itsdangerous signs with the last


def _serializer() -> Any:
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(
        _keys(), salt=_APPROVE, signer_kwargs={"digest_method": hashlib.sha256}
    )


def approval_token(filing_id: str, step: str, link_gen: int) -> str:
    return str(_serializer().dumps({"f": filing_id, "s": step, "g": link_gen}))


def read_approval_token(token: str) -> ApprovalClaim:
    """Forbidden when tampered with; Gone("expired") past the link's lifetime."""
    from itsdangerous import BadSignature, SignatureExpired

    max_age = get_settings().link_ttl_hours * 3600
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise Gone("expired") from exc
    except BadSignature as exc:
        raise Forbidden("bad approval link") from exc
    try:
        return ApprovalClaim(str(payload["f"]), str(payload["s"]), int(payload["g"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise Forbidden("malformed approval link") from exc


def _status_signer() -> Any:
    from itsdangerous import Signer

    return Signer(_keys(), salt=_STATUS, digest_method=hashlib.sha256)


def status_token(filing_id: str) -> str:
    """The applicant's token: derived, so a replayed submission answers the same link."""
    return str(_status_signer().get_signature(filing_id).decode())


def check_status_token(filing_id: str, token: str | None) -> None:
    if not token or not _status_signer().verify_signature(filing_id.encode(), token.encode()):
        raise Forbidden("bad status token")


def public_base() -> str:
    return get_settings().public_base_url


def status_url(filing_id: str) -> str:
    return f"{public_base()}/filings/{filing_id}?token={status_token(filing_id)}"


def approve_url(filing_id: str, step: str, link_gen: int) -> str:
    return f"{public_base()}/approve/{approval_token(filing_id, step, link_gen)}"


def verify_url(code: str) -> str:
    return f"{public_base()}/verify/{code}"
