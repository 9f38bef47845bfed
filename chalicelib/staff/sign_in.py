"""Staff sign-in without accounts: a directory contact's mobile gets a one-time SMS code
(the one code store, chalicelib/store/phone_codes.py, purpose "staff"); the code opens
a session (chalicelib/staff/access.py) with the role and scope the directory gives that
number. A number the directory does not know is told the same as one it knows, and is
sent nothing."""

from __future__ import annotations

from typing import NamedTuple

from chalicelib.core.roles import STAFF_ROLES
from chalicelib.filing.wording import compose
from chalicelib.staff import access
from chalicelib.staff.access import StaffClaim
from chalicelib.store import audit, directory, notify, phone_codes
from chalicelib.store.models import Contact

PURPOSE = "staff"


class Session(NamedTuple):
    token: str
    claim: StaffClaim
    name: str  # the contact's name, for the page that greets them


def staff_contact(phone: str) -> Contact | None:
    """The directory's staff contact for this mobile: an office before a colleague."""
    found = [c for c in directory.by_phone(phone) if c.role in STAFF_ROLES]
    found.sort(key=lambda c: (STAFF_ROLES.index(str(c.role)), "#" in str(c.scope), c.scope))
    return found[0] if found else None


def request_code(phone: str, client: str | None) -> None:
    """Send a code to a directory contact's mobile: ValidationFailed for something that
    is not a mobile, RateLimited when that number or this client asked too often (the
    code store's caps). An unknown number is sent nothing and answered alike; the try
    is audited with its client address."""
    number = phone_codes.normalized(phone)
    contact = staff_contact(number)
    if contact is None:
        audit.record(audit.staff_subject("unknown", "-"), "sign-in:unknown", "-", client)
        return
    code = phone_codes.issue(number, PURPOSE, client)
    notice = compose("staff_sign_in", code=code, minutes=phone_codes.VALID_SECONDS // 60)
    subject = audit.staff_subject(str(contact.role), str(contact.scope))
    notify.send(
        notify.Message("sms", notify.to_phone(number), notice.subject, notice.sms, (), subject)
    )


def sign_in(phone: str, code: str, client: str | None) -> Session:
    """Redeem the code (CodeRefused says why not) and open the session, audited."""
    number = phone_codes.normalized(phone)
    phone_codes.redeem(number, PURPOSE, code.strip())
    contact = staff_contact(number)
    if contact is None:  # removed from the directory since the code was sent
        from chalicelib.core.errors import CodeRefused

        raise CodeRefused("none")
    token, claim = access.session_token(str(contact.role), str(contact.scope), str(contact.scope))
    subject = audit.staff_subject(claim.role, claim.scope)
    audit.record(subject, "sign-in", claim.name, client, claim.grant)
    return Session(token, claim, str(contact.name))


def sign_out(claim: StaffClaim, client: str | None) -> None:
    access.revoke(claim.grant, claim.name)
    audit.record(audit.staff_subject(claim.role, claim.scope), "sign-out", claim.name, client)
