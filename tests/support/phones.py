"""A proven phone, the way an applicant gets one: ask a code (`POST /api/phone-codes`),
read it from the local outbox, redeem it (`POST /api/phone-codes/verify`). Stack.post_json
attaches such a proof to every submission that names a phone (tests/support/stack.py), so
that a test that submits through the shared helpers needs no change."""

from __future__ import annotations

import json
import re
from typing import Any, Protocol

from chalicelib.core.phones import normalize_mobile
from chalicelib.store.notify import to_phone

CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
SUBMISSION = re.compile(r"^/api/filings/([a-z][a-z-]*)$")


class HasOutbox(Protocol):
    base_url: str

    def outbox(self) -> list[dict[str, Any]]: ...


class HasClient(Protocol):
    client: Any

    def outbox(self) -> list[dict[str, Any]]: ...


def latest_code(outbox: list[dict[str, Any]], phone: str) -> str:
    """The six digits of the newest SMS code sent to `phone`."""
    number = to_phone(normalize_mobile(phone) or phone)
    for message in reversed(outbox):
        text = str(message["text"])
        if message["channel"] == "sms" and message["to"] == number and "验证码" in text:
            found = CODE.search(text)
            if found:
                return found.group(1)
    raise AssertionError(f"no SMS code in the outbox for {number}")


def _post(stack: HasClient, path: str, body: dict[str, Any]) -> Any:
    return stack.client.http.post(
        path,
        headers={"Content-Type": "application/json"},
        body=json.dumps(body).encode(),
    )


def obtain_proof(stack: HasClient, phone: str, purpose: str = "filing") -> str:
    """A fresh proof for `phone` through the real API; cached on the stack, as an
    applicant's page keeps it for its half hour (codes may be asked once a minute)."""
    cache: dict[tuple[str, str], str] = stack.__dict__.setdefault("_phone_proofs", {})
    number = normalize_mobile(phone) or phone
    if (number, purpose) in cache:
        return cache[(number, purpose)]
    asked = _post(stack, "/api/phone-codes", {"phone": number, "purpose": purpose})
    assert asked.status_code == 202, asked.body
    code = latest_code(stack.outbox(), number)
    verified = _post(
        stack, "/api/phone-codes/verify", {"phone": number, "code": code, "purpose": purpose}
    )
    assert verified.status_code == 200, verified.body
    proof = str(json.loads(verified.body)["proof"])
    cache[(number, purpose)] = proof
    return proof


def submission_headers(
    stack: HasClient, path: str, body: Any, headers: dict[str, str]
) -> dict[str, str]:
    """The headers an applicant's page would add to a submission: the proof of the phone
    it names, and the status token of the enterprise it names, as the enterprise's own
    page does (unless the test sets `Phone-Proof` or `Enterprise-Token` itself, even to
    "")."""
    found = SUBMISSION.match(path.split("?")[0])
    if not found or not isinstance(body, dict):
        return headers
    headers = _enterprise_token(body, headers)
    if "Phone-Proof" in headers:
        return headers
    from chalicelib.core.errors import UnknownForm
    from chalicelib.forms import get_form

    try:
        spec = get_form(found.group(1))
    except UnknownForm:
        return headers
    phone = body.get(spec.applicant_phone_field) if spec.applicant_phone_field else None
    if normalize_mobile(phone) is None:
        return headers  # the submission is refused for its phone anyway
    return {**headers, "Phone-Proof": obtain_proof(stack, str(phone))}


def _enterprise_token(body: dict[str, Any], headers: dict[str, str]) -> dict[str, str]:
    from chalicelib import links

    named = body.get("enterprise_filing_id") or body.get("employer_filing_id")
    if "Enterprise-Token" in headers or not isinstance(named, str) or not named:
        return headers
    return {**headers, "Enterprise-Token": links.status_token(named)}


def page_proof(stack: HasClient, phone: str) -> dict[str, str]:
    """The hidden field a form page carries once its phone is proven (web/phone_step.py):
    for tests that POST a page's form by hand."""
    return {"phone_proof": obtain_proof(stack, phone)}


def running_proof(stack: HasOutbox, phone: str, purpose: str = "filing") -> str:
    """A proof for `phone` from the real local stack over HTTP (tests/e2e), cached on the
    stack as obtain_proof's is."""
    import requests

    cache: dict[tuple[str, str], str] = stack.__dict__.setdefault("_phone_proofs", {})
    number = normalize_mobile(phone) or phone
    if (number, purpose) not in cache:
        import time

        base = stack.base_url
        for _ in range(3):  # the stack is shared: another walk may have used the minute
            asked = requests.post(
                f"{base}/api/phone-codes", json={"phone": number, "purpose": purpose}, timeout=10
            )
            if asked.status_code != 429:
                break
            time.sleep(int(asked.headers.get("Retry-After", "5")) + 1)
        assert asked.status_code == 202, asked.text
        code = latest_code(stack.outbox(), number)
        verified = requests.post(
            f"{base}/api/phone-codes/verify",
            json={"phone": number, "code": code, "purpose": purpose},
            timeout=10,
        )
        assert verified.status_code == 200, verified.text
        cache[(number, purpose)] = verified.json()["proof"]
    return cache[(number, purpose)]


def running_headers(stack: HasOutbox, body: dict[str, Any]) -> dict[str, str]:
    """What a page adds to a submission to the running stack: the proof of the phone the
    body names (any of the forms' phone fields). The stack signs with its own key: an
    enterprise's token comes from its status link, a worker names its employer's code."""
    phone = body.get("contact_phone") or body.get("phone")
    headers: dict[str, str] = {}
    if phone:
        headers["Phone-Proof"] = running_proof(stack, str(phone))
    return headers


def enter_code(page: Any, stack: HasOutbox, phone: str) -> None:
    """On the form's second step (web/phone_step.py), in a browser: the code the SMS
    brought, typed in, and the submission sent."""
    page.wait_for_selector("#f-phone_code")
    page.fill("#f-phone_code", latest_code(stack.outbox(), phone))
    page.get_by_role("button", name="验证并提交").click()


def with_page_proof(stack: HasClient, path: str, fields: dict[str, Any]) -> dict[str, Any]:
    """A form page's fields as the page sends them once its phone is proven (the hidden
    `phone_proof` of web/phone_step.py), for tests that POST a form page by hand; as
    they were for any other page, or when the test sets `phone_proof` itself."""
    found = re.match(r"^/forms/([a-z][a-z-]*)$", path.split("?")[0])
    if not found or "phone_proof" in fields:
        return fields
    from chalicelib.core.errors import UnknownForm
    from chalicelib.forms import get_form

    try:
        spec = get_form(found.group(1))
    except UnknownForm:
        return fields
    phone = fields.get(spec.applicant_phone_field) if spec.applicant_phone_field else None
    if normalize_mobile(phone) is None:
        return fields
    return {**fields, **page_proof(stack, str(phone))}
