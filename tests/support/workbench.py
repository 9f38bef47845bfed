"""The workbench's helpers: an official signed in by SMS code (the code read from the
outbox), their cookie on every call, and the forms the pages post."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from chalicelib.core.roles import DISTRICT_OFFICE, TOWN_OFFICE
from devstack import demo
from tests.support.stack import Stack

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def phone_of(role: str, scope: str) -> str:
    """A demo contact's mobile, as its holder types it (11 digits)."""
    for contact in demo.demo_contacts():
        if contact.role == role and contact.scope == scope:
            return str(contact.phones[0]).removeprefix("+86")
    raise LookupError(f"no demo contact {role} {scope}")


def town_phone(town: str) -> str:
    return phone_of(TOWN_OFFICE, town)


def district_phone() -> str:
    return phone_of(DISTRICT_OFFICE, "婺城区")


def post_form(stack: Stack, path: str, fields: Any, cookie: str = "", **headers: str) -> Any:
    sent = {**FORM, **({"Cookie": cookie} if cookie else {}), **headers}
    return stack.client.http.post(path, headers=sent, body=urlencode(fields, doseq=True).encode())


def get(stack: Stack, path: str, cookie: str = "", **headers: str) -> Any:
    return stack.client.http.get(
        path, headers={**({"Cookie": cookie} if cookie else {}), **headers}
    )


def last_code(stack: Stack, phone: str) -> str:
    texts = [m["text"] for m in stack.outbox() if m["to"].endswith(phone) and m["channel"] == "sms"]
    found = re.search(r"\b(\d{6})\b", texts[-1])
    assert found, texts[-1]
    return found.group(1)


def sign_in(stack: Stack, phone: str) -> str:
    """The session cookie ("jf_staff=...") of the directory contact with this mobile."""
    asked = post_form(stack, "/work/sign-in", {"phone": phone})
    assert asked.status_code == 200, asked.body
    answer = post_form(stack, "/work/sign-in", {"phone": phone, "code": last_code(stack, phone)})
    assert answer.status_code == 303, answer.body
    return str(answer.headers["Set-Cookie"]).split(";", 1)[0]
