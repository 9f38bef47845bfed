"""Who may see what of the staff pages: a staff link's role and scope.

A staff link (chalicelib/links.py, kind STAFF) carries a role and a scope (the district
office and its district, or a town's office and its town) and expires after
`STAFF_LINK_DAYS`. It is issued by a command (`python -m ops.cli staff-link`).
"""

from __future__ import annotations

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
        return f"{self.role}:{self.scope}"

    def stock_town(self, town: str) -> str:
        """A town whose stock this link may set: NotFound for no such town, Forbidden
        for another office's town."""
        if not is_town(town):
            raise NotFound(town)
        if not self.covers(town):
            raise Forbidden(f"{self.scope} may not set {town}'s stock")
        return town


def claim(role: str, scope: str) -> StaffClaim:
    """A role and scope that make sense together, else ValueError."""
    if role == DISTRICT_OFFICE and scope == get_settings().district_scope:
        return StaffClaim(role, scope)
    if role == TOWN_OFFICE and is_town(scope):
        return StaffClaim(role, scope)
    raise ValueError(f"no staff link for role {role!r} in scope {scope!r}")


def staff_token(role: str, scope: str) -> str:
    checked = claim(role, scope)
    return links.sign(links.STAFF, {"r": checked.role, "s": checked.scope})


def read_staff_token(token: str | None) -> StaffClaim:
    """Forbidden when missing or tampered with; Gone("expired") past its lifetime."""
    payload = links.read(links.STAFF, token, STAFF_LINK_DAYS * 86400)
    try:
        return claim(str(payload["r"]), str(payload["s"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise Forbidden("malformed staff link") from exc


def dashboard_url(role: str, scope: str) -> str:
    return f"{links.public_base()}/dashboard?token={staff_token(role, scope)}"
