"""Who may see what of the staff pages: a staff link's role and scope.

A staff link (chalicelib/links.py, kind STAFF) carries a role and a scope (the district
office and its district, or a town's office and its town) and expires after
`STAFF_LINK_DAYS`. It is issued by a command (`python -m ops.cli staff-link`).
"""

from __future__ import annotations

import secrets
from typing import NamedTuple

from chalicelib import links
from chalicelib.core.errors import Forbidden, NotFound
from chalicelib.core.roles import DISTRICT_OFFICE, TOWN_OFFICE
from chalicelib.core.towns import is_town, town_names
from chalicelib.settings import get_settings

STAFF_LINK_DAYS = 7


class StaffClaim(NamedTuple):
    role: str
    scope: str
    person: str = ""  # a session's: the directory contact's scope who signed in
    grant: str = ""  # the session's or link's id on the revocation list ("": none)

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

    @property
    def name(self) -> str:
        """Who acted, for the audit trail and a stock level's `updated_by`."""
        if self.person and self.person != self.scope:
            return f"{self.role}:{self.person}"
        return f"{self.role}:{self.scope}"

    def stock_town(self, town: str) -> str:
        """A town whose stock this link may set: NotFound for no such town, Forbidden
        for another office's town."""
        if not is_town(town):
            raise NotFound(town)
        if not self.covers(town):
            raise Forbidden(f"{self.scope} may not set {town}'s stock")
        return town


def claim(role: str, scope: str, person: str = "", grant: str = "") -> StaffClaim:
    """A role and scope that make sense together, else ValueError."""
    if role == DISTRICT_OFFICE and scope == get_settings().district_scope:
        return StaffClaim(role, scope, person, grant)
    if role == TOWN_OFFICE and is_town(scope):
        return StaffClaim(role, scope, person, grant)
    raise ValueError(f"no staff link for role {role!r} in scope {scope!r}")


def office_scope(contact_scope: str) -> str:
    """The office a directory contact belongs to: "罗店镇#2" (a colleague) -> "罗店镇"."""
    return contact_scope.split("#", 1)[0]


def new_grant() -> str:
    return secrets.token_urlsafe(12)


def staff_token(role: str, scope: str, grant: str | None = None) -> str:
    """A staff link; its id (`grant`) can be put on the revocation list."""
    checked = claim(role, scope)
    payload = {"r": checked.role, "s": checked.scope, "i": grant or new_grant()}
    return links.sign(links.STAFF, payload)


def read_staff_token(token: str | None) -> StaffClaim:
    """Forbidden when missing or tampered with; Gone("expired") past its lifetime.
    Pure: `use_staff_token` also checks the revocation list. Links from before ids were
    given carry none and expire as they were."""
    payload = links.read(links.STAFF, token, STAFF_LINK_DAYS * 86400)
    try:
        found = claim(str(payload["r"]), str(payload["s"]), grant=str(payload.get("i", "")))
    except (KeyError, TypeError, ValueError) as exc:
        raise Forbidden("malformed staff link") from exc
    return found


def use_staff_token(token: str | None) -> StaffClaim:
    """A staff link as a page or call uses it: read, and refused (Forbidden) when its id
    is on the revocation list."""
    found = read_staff_token(token)
    _not_revoked(found)
    return found


SESSION_HOURS = 8
SESSION_COOKIE = "jf_staff"


def session_token(role: str, scope: str, person: str) -> tuple[str, StaffClaim]:
    """A signed-in official's session: their directory role and office scope, who they
    are (`person`: their contact's scope) and the session's id, signed; 8 hours."""
    checked = claim(role, office_scope(scope), person=person, grant=new_grant())
    payload = {"r": checked.role, "s": checked.scope, "p": checked.person, "i": checked.grant}
    return links.sign(links.SESSION, payload), checked


def read_session(token: str | None) -> StaffClaim:
    """Forbidden when missing or tampered with; Gone("expired"). Pure: `use_session`
    also checks the revocation list."""
    payload = links.read(links.SESSION, token, SESSION_HOURS * 3600)
    try:
        found = claim(str(payload["r"]), str(payload["s"]), str(payload["p"]), str(payload["i"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise Forbidden("malformed session") from exc
    return found


def use_session(token: str | None) -> StaffClaim:
    """A session as a page uses it: refused (Forbidden) once revoked (signed out)."""
    found = read_session(token)
    _not_revoked(found)
    return found


def _not_revoked(found: StaffClaim) -> None:
    from chalicelib.store import revocations  # one GetItem a use

    if found.grant and revocations.is_revoked(found.grant):
        raise Forbidden("revoked")


def revoke(grant: str, by: str) -> None:
    """Put a session or a staff link on the revocation list (signing out, or ops)."""
    from chalicelib.store import revocations

    revocations.revoke(grant, by)


def dashboard_url(role: str, scope: str) -> str:
    return f"{links.public_base()}/dashboard?token={staff_token(role, scope)}"
