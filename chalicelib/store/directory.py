"""Who approves: a role and a scope to its contact (the demo directory of the local stack
is devstack/demo.py)."""

from __future__ import annotations

from chalicelib.core.roles import (
    DISTRICT_OFFICE,
    EMPLOYER_CONTACT,
)
from chalicelib.settings import get_settings
from chalicelib.store.models import Contact, Filing, bind_models
from chalicelib.store.notify import to_phone


def scope_for(route_value: str | None) -> str:
    return route_value or get_settings().district_scope


def find(role: str, scope: str) -> Contact:
    """The contact for a step; a scope nobody covers falls back to the district office,
    so that no filing waits unseen."""
    bind_models()
    if role == EMPLOYER_CONTACT:
        employer = _employer_contact(scope)
        if employer is not None:
            return employer
    else:
        try:
            return Contact.get(role, scope)
        except Contact.DoesNotExist:
            pass
    return Contact.get(DISTRICT_OFFICE, get_settings().district_scope)


def find_own(role: str, scope: str) -> Contact | None:
    """The contact of `role` in `scope` itself, None where there is none (no fallback:
    for someone told besides the office, never instead of it)."""
    bind_models()
    try:
        return Contact.get(role, scope)
    except Contact.DoesNotExist:
        return None


def choices(role: str, scope_prefix: str) -> list[tuple[str, str]]:
    """(scope, name) of `role`'s contacts whose scope starts with `scope_prefix`, in
    order: the options a decision offers (a town's resident instructors)."""
    bind_models()
    found = Contact.query(role, Contact.scope.startswith(scope_prefix))
    return [(str(c.scope), str(c.name)) for c in found]


def instructor_scope(town: str, n: int) -> str:
    return f"{town}#{n}"


def _employer_contact(filing_id: str) -> Contact | None:
    """An enterprise confirms its own workers: its filing's contact is the approver."""
    try:
        filing = Filing.get(filing_id)
    except Filing.DoesNotExist:
        return None
    data = filing.data
    return Contact(
        role=EMPLOYER_CONTACT,
        scope=filing_id,
        name=f"{filing.applicant}（{data.get('contact_name', '')}）",
        emails=[data["contact_email"]] if data.get("contact_email") else [],
        phones=[to_phone(str(data["contact_phone"]))] if data.get("contact_phone") else [],
    )


def by_phone(phone: str) -> list[Contact]:
    """The directory's contacts who sign in with this mobile (the phone index holds its
    keyed hash): one Query, then their items."""
    from chalicelib.store.phone_codes import phone_key

    bind_models()
    keys = [(c.role, c.scope) for c in Contact.phone_index.query(phone_key(phone))]
    return list(Contact.batch_get(keys)) if keys else []


def with_phone_key(contact: Contact) -> Contact:
    """The contact, findable by its first mobile at sign-in (for whoever writes the
    directory: the demo's seed, a stage's own import)."""
    from chalicelib.store.phone_codes import phone_key

    if contact.phones:
        contact.phone_key = phone_key(str(contact.phones[0]))
    return contact
