"""The local stack's demo data: an office for every town (its 专班), a few resident
instructors per town, the district's offices, and the demo town's February stock of
supplies. Never in the Lambda bundle: a deployed stage's directory is its own."""

from __future__ import annotations

from chalicelib.core.roles import (
    COMMERCE_OFFICE,
    DISTRICT_OFFICE,
    FINANCE_OFFICE,
    INSTRUCTOR,
    TOWN_OFFICE,
    VILLAGE_DOCTOR,
)
from chalicelib.core.towns import town_names
from chalicelib.filing import stock
from chalicelib.settings import get_settings
from chalicelib.store.directory import instructor_scope, with_phone_key
from chalicelib.store.models import Contact, bind_models

INSTRUCTORS_PER_TOWN = 3
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
# The demo's town bought these in February (the local stack seeds them).
DEMO_TOWN = "白龙桥镇"
DEMO_LEVELS = {"masks": 3000, "disinfectant": 1000, "thermometers": 100}


def demo_contacts() -> list[Contact]:
    """An office for each town (its 专班) and the district's 三服务办, at example addresses."""
    contacts = [
        Contact(
            role=TOWN_OFFICE,
            scope=town,
            name=f"{town}复工专班",
            emails=[f"town{i:02d}@wucheng.example.cn"],
            phones=[f"+861390579{i:04d}"],
            # where an approved supplies order is collected (the town's own data)
            pickup_place=f"{town}人民政府便民服务中心一楼物资发放点",
            pickup_hours="每日 8:30–11:30、14:00–17:00",
        )
        for i, town in enumerate(town_names(), start=1)
    ]
    # A colleague in each town's office, who may be handed a step (reassign).
    contacts += [
        Contact(
            role=TOWN_OFFICE,
            scope=f"{town}#2",
            name=f"{town}复工专班（二组）",
            emails=[f"town{i:02d}b@wucheng.example.cn"],
            phones=[f"+861380579{i:04d}"],
        )
        for i, town in enumerate(town_names(), start=1)
    ]
    # Each town's village doctor (村医), told of a fever or a symptom with its office.
    contacts += [
        Contact(
            role=VILLAGE_DOCTOR,
            scope=town,
            name=f"{town}村医",
            emails=[f"cunyi{i:02d}@wucheng.example.cn"],
            phones=[f"+861360579{i:04d}"],
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


def seed_directory() -> int:
    bind_models()
    contacts = demo_contacts()
    with Contact.batch_write() as batch:
        for contact in contacts:
            # the offices' and colleagues' mobiles sign in to the workbench
            if contact.role in (TOWN_OFFICE, DISTRICT_OFFICE):
                with_phone_key(contact)
            batch.save(contact)
    return len(contacts)


def seed_stock() -> None:
    """The demo town's February purchase (the local stack's starting stock)."""
    stock.set_levels(DEMO_TOWN, DEMO_LEVELS, "seed")
