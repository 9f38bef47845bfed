"""Who approves: roles and scopes to contacts, and the demo directory of the local stack."""

from __future__ import annotations

from chalicelib.core.towns import town_names
from chalicelib.settings import get_settings
from chalicelib.store.models import Contact, bind_models

TOWN_OFFICE = "town_office"
DISTRICT_OFFICE = "district_office"
EMPLOYER_CONTACT = "employer_contact"  # scope: the employer's filing id
COMMERCE_OFFICE = "commerce_office"  # 区经商局: the district's scope
FINANCE_OFFICE = "finance_office"  # 区财政局: the district's scope
INSTRUCTOR = "instructor"  # 驻企指导员: scope "<town>#<n>", offered by town
INSTRUCTORS_PER_TOWN = 3
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"


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
    from chalicelib.store.models import Filing
    from chalicelib.store.notify import to_phone

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
    # Each town's resident instructors (驻企指导员), a few per town.
    for i, town in enumerate(town_names(), start=1):
        for n in range(1, INSTRUCTORS_PER_TOWN + 1):
            surname = _SURNAMES[(i * INSTRUCTORS_PER_TOWN + n) % len(_SURNAMES)]
            contacts.append(
                Contact(
                    role=INSTRUCTOR,
                    scope=instructor_scope(town, n),
                    name=f"{surname}指导员（{town}）",
                    emails=[f"zhidao{i:02d}{n}@wucheng.example.cn"],
                    phones=[f"+861370579{i:02d}{n:02d}"],
                )
            )
    district = get_settings().district_scope
    contacts.append(
        Contact(
            role=COMMERCE_OFFICE,
            scope=district,
            name="婺城区经济商务局",
            emails=["jingshang@wucheng.example.cn"],
            phones=["+8613905790001"],
        )
    )
    contacts.append(
        Contact(
            role=FINANCE_OFFICE,
            scope=district,
            name="婺城区财政局",
            emails=["caizheng@wucheng.example.cn"],
            phones=["+8613905790002"],
        )
    )
    contacts.append(
        Contact(
            role=DISTRICT_OFFICE,
            scope=district,
            name="婺城区三服务办",
            emails=["sanfuwu@wucheng.example.cn"],
            phones=["+8613905790000"],
        )
    )
    return contacts


def seed_demo() -> int:
    bind_models()
    contacts = demo_contacts()
    with Contact.batch_write() as batch:
        for contact in contacts:
            batch.save(contact)
    return len(contacts)
