"""A fever or a symptom tells the village doctor and the town office (issue 17): the
directory has a village doctor per town (devstack's demo), and the health alert goes to
both, each in its own words, once."""

from __future__ import annotations

from chalicelib.core.roles import TOWN_OFFICE, VILLAGE_DOCTOR
from devstack import demo
from tests.integration.filing.test_checkin_health import docked_worker
from tests.support.claims import decide
from tests.support.health import FEVER
from tests.support.stack import Stack

TOWN = "罗埠镇"  # the worker's lodging town


def contact(role: str) -> tuple[str, str]:
    (found,) = [c for c in demo.demo_contacts() if c.role == role and c.scope == TOWN]
    return str(found.emails[0]), str(found.phones[0])


def alerts(stack: Stack, filing_id: str) -> list[dict[str, str]]:
    return [
        m for m in stack.outbox() if m["filing_id"] == filing_id and "健康随访" in str(m["subject"])
    ]


def test_a_fever_at_check_in_tells_the_village_doctor_and_the_town_office_once(
    stack: Stack,
) -> None:
    # GIVEN a worker at the gate
    filing_id = docked_worker(stack, serial=91)
    # WHEN the village checks them in at 37.8 °C, and the enterprise too
    decide(stack, stack.link("checkin_village", filing_id), "approve", **FEVER)
    decide(stack, stack.link("checkin_employer", filing_id), "approve", **FEVER)
    # THEN the town's doctor and its office are each told, by email and SMS, once
    sent = {(m["channel"], m["to"]): m for m in alerts(stack, filing_id)}
    doctor_email, doctor_phone = contact(VILLAGE_DOCTOR)
    office_email, office_phone = contact(TOWN_OFFICE)
    assert set(sent) == {
        ("email", doctor_email),
        ("sms", doctor_phone),
        ("email", office_email),
        ("sms", office_phone),
    }
    assert len(alerts(stack, filing_id)) == 4
    # AND each in its own words: the doctor visits, the office sends the doctor
    assert "上门随访" in sent[("sms", doctor_phone)]["text"]
    assert "请通知下徐村村医" in sent[("sms", office_phone)]["text"]
    assert "村医" in sent[("email", doctor_email)]["text"].split("\n")[0]
