"""Signed staff links: the dashboard and the exports without accounts.

A staff link carries a role and a scope (the district office and its district, or a
town's office and its town), is HMAC-SHA256 signed with the newest of the signing keys
(older keys still verify, as for approval links) under its own salt, and expires after
`STAFF_LINK_DAYS`. It is issued by a command (`python -m ops.cli staff-link`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from chalicelib.core.errors import Forbidden, Gone
from chalicelib.core.towns import is_town, town_names
from chalicelib.settings import get_settings
from chalicelib.store.directory import DISTRICT_OFFICE, TOWN_OFFICE

_STAFF = "jiafuwu.staff"
STAFF_LINK_DAYS = 7
ROLES = (DISTRICT_OFFICE, TOWN_OFFICE)


@dataclass(frozen=True)
class StaffClaim:
    role: str
    scope: str

    @property
    def towns(self) -> tuple[str, ...]:
        """The towns whose figures and queues this link may see."""
        return town_names() if self.role == DISTRICT_OFFICE else (self.scope,)

    def covers(self, town: str) -> bool:
        """A town's office manages its own town; the district office every town."""
        return town in self.towns

    @property
    def sees_personal_data(self) -> bool:
        """Only the district office sees people's names and numbers unmasked."""
        return self.role == DISTRICT_OFFICE


def claim(role: str, scope: str) -> StaffClaim:
    """A role and scope that make sense together, else ValueError."""
    if role == DISTRICT_OFFICE and scope == get_settings().district_scope:
        return StaffClaim(role, scope)
    if role == TOWN_OFFICE and is_town(scope):
        return StaffClaim(role, scope)
    raise ValueError(f"no staff link for role {role!r} in scope {scope!r}")


def _serializer() -> Any:
    from itsdangerous import URLSafeTimedSerializer

    keys = list(reversed(get_settings().signing_keys))  # itsdangerous signs with the last
    return URLSafeTimedSerializer(
        keys, salt=_STAFF, signer_kwargs={"digest_method": hashlib.sha256}
    )


def staff_token(role: str, scope: str) -> str:
    checked = claim(role, scope)
    return str(_serializer().dumps({"r": checked.role, "s": checked.scope}))


def read_staff_token(token: str | None) -> StaffClaim:
    """Forbidden when missing or tampered with; Gone("expired") past its lifetime."""
    from itsdangerous import BadSignature, SignatureExpired

    if not token:
        raise Forbidden("no staff link")
    try:
        payload = _serializer().loads(token, max_age=STAFF_LINK_DAYS * 86400)
    except SignatureExpired as exc:
        raise Gone("expired") from exc
    except BadSignature as exc:
        raise Forbidden("bad staff link") from exc
    try:
        return claim(str(payload["r"]), str(payload["s"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise Forbidden("malformed staff link") from exc


def dashboard_url(role: str, scope: str) -> str:
    return f"{get_settings().public_base_url}/dashboard?token={staff_token(role, scope)}"
