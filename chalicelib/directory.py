"""Who approves: roles and scopes to contacts, and the demo directory of the local stack."""

from __future__ import annotations

from chalicelib.models import Contact, bind_models
from chalicelib.settings import get_settings
from chalicelib.towns import town_names

TOWN_OFFICE = "town_office"
DISTRICT_OFFICE = "district_office"
EMPLOYER_CONTACT = "employer_contact"  # scope: the employer's filing id


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


def _employer_contact(filing_id: str) -> Contact | None:
    """An enterprise confirms its own workers: its filing's contact is the approver."""
    from chalicelib.models import Filing
    from chalicelib.notify import to_phone

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


def demo_contacts() -> list[Contact]:
    """An office for each town (its 专班) and the district's 三服务办, at example addresses."""
    contacts = [
        Contact(
            role=TOWN_OFFICE,
            scope=town,
            name=f"{town}复工专班",
            emails=[f"town{i:02d}@wucheng.example.cn"],
            phones=[f"+861390579{i:04d}"],
        )
        for i, town in enumerate(town_names(), start=1)
    ]
    contacts.append(
        Contact(
            role=DISTRICT_OFFICE,
            scope=get_settings().district_scope,
            name="婺城区三服务办",
            emails=["sanfuwu@wucheng.example.cn"],
            phones=["+8613905790000"],
        )
    )
    return contacts


def seed_demo() -> int:
    bind_models()
    with Contact.batch_write() as batch:
        for contact in demo_contacts():
            batch.save(contact)
    return len(town_names()) + 1
