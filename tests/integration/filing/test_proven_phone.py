"""A proven phone before a submission is accepted: the codes API, every refusal of it,
and a submission without a valid proof for its own phone refused naming the field, with
nothing stored; the status link sent at once."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.store.models import Filing, PhoneCode
from tests.support.phones import latest_code, obtain_proof
from tests.support.stack import Stack, enterprise

PHONE = "13905791234"  # the enterprise's contact in tests/support/stack.py
NOT_ASKED = "13700000001"


def ask(stack: Stack, phone: Any, **more: Any) -> Any:
    return stack.client.http.post(
        "/api/phone-codes",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"phone": phone, **more}).encode(),
    )


def verify(stack: Stack, phone: str, code: str) -> Any:
    return stack.client.http.post(
        "/api/phone-codes/verify",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"phone": phone, "code": code}).encode(),
    )


def test_a_code_is_sent_by_sms_and_redeemed_for_a_proof(stack: Stack) -> None:
    # WHEN a code is asked
    asked = ask(stack, "+86 139-0579-1234")
    # THEN 202, the wait before another, and an SMS to the number holding six digits
    assert asked.status_code == 202 and json.loads(asked.body) == {"retry_after": 60}
    code = latest_code(stack.outbox(), PHONE)
    # AND the code redeems once for a proof with its expiry
    answer = verify(stack, PHONE, code)
    assert answer.status_code == 200
    body = json.loads(answer.body)
    assert set(body) == {"proof", "expires_at"} and PHONE not in body["proof"]
    again = verify(stack, PHONE, code)
    assert again.status_code == 400 and json.loads(again.body)["error"] == "code_refused"


@pytest.mark.parametrize("bad", ["", "12345", "23905791234", None, 13905791234.5, ["13905791234"]])
def test_a_bad_number_gets_no_code_and_nothing_is_stored(stack: Stack, bad: Any) -> None:
    before = stack.item_count()
    answer = ask(stack, bad)
    assert answer.status_code == 400
    assert "phone" in json.loads(answer.body)["fields"]
    assert stack.item_count() == before and stack.outbox() == []


def test_a_resend_within_sixty_seconds_is_429_with_retry_after(stack: Stack) -> None:
    assert ask(stack, PHONE).status_code == 202
    again = ask(stack, PHONE)
    assert again.status_code == 429
    assert 1 <= int(again.headers["Retry-After"]) <= 60
    assert len([m for m in stack.outbox() if m["to"] == "+86" + PHONE]) == 1


def test_an_unknown_purpose_is_refused(stack: Stack) -> None:
    answer = ask(stack, PHONE, purpose="staff")  # staff sign-in has its own route
    assert answer.status_code == 400 and "purpose" in json.loads(answer.body)["fields"]
    assert PhoneCode.count() == 0


def test_a_wrong_code_says_the_same_whether_or_not_the_number_has_filings(stack: Stack) -> None:
    # GIVEN a number with a filing and a code outstanding, and a number never seen
    assert stack.submit(enterprise()).status_code == 201
    ask(stack, PHONE)
    code = latest_code(stack.outbox(), PHONE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    # WHEN both are tried with a wrong code
    known, unknown = verify(stack, PHONE, wrong), verify(stack, NOT_ASKED, wrong)
    # THEN both get the same answer
    assert known.status_code == unknown.status_code == 400
    assert json.loads(known.body) == json.loads(unknown.body)
    assert json.loads(known.body)["reason"] == "wrong"


def test_five_wrong_codes_spend_it(stack: Stack) -> None:
    ask(stack, PHONE)
    code = latest_code(stack.outbox(), PHONE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    reasons = [json.loads(verify(stack, PHONE, wrong).body)["reason"] for _ in range(5)]
    assert reasons[-1] == "too_many_tries"
    assert json.loads(verify(stack, PHONE, code).body)["reason"] == "too_many_tries"


@pytest.mark.parametrize(
    "proof",
    [
        "",  # none
        "not-a-proof",  # tampered
        "OTHER",  # another number's
        "MY",  # another purpose's
    ],
)
def test_a_submission_without_a_valid_proof_for_its_phone_is_400_naming_it(
    stack: Stack, proof: str
) -> None:
    if proof == "OTHER":
        proof = obtain_proof(stack, "13800000002")
    elif proof == "MY":
        proof = obtain_proof(stack, PHONE, purpose="my")
    before = stack.item_count()
    answer = stack.submit(enterprise(), **{"Phone-Proof": proof})
    assert answer.status_code == 400
    body = json.loads(answer.body)
    assert body["error"] == "validation_error" and list(body["fields"]) == ["contact_phone"]
    assert "验证" in body["fields"]["contact_phone"]
    assert stack.item_count() == before and Filing.count() == 0


def test_one_proof_serves_every_submission_naming_that_phone(stack: Stack) -> None:
    proof = obtain_proof(stack, PHONE)
    for serial in (1, 2, 3):
        answer = stack.submit(enterprise(serial=serial), **{"Phone-Proof": proof})
        assert answer.status_code == 201


def test_the_status_link_is_sent_at_once_by_sms_and_email(stack: Stack) -> None:
    receipt = json.loads(stack.submit(enterprise()).body)
    stack.pump()
    sent = [m for m in stack.outbox() if m["filing_id"] == receipt["filing_id"]]
    told = [
        m for m in sent if receipt["slip_no"] in m["text"] and receipt["status_url"] in m["links"]
    ]
    assert {m["channel"] for m in told} == {"sms", "email"}
    assert {m["to"] for m in told} == {"+86" + PHONE, "wang@example.com"}
    assert receipt["status_url"] in next(m["text"] for m in told if m["channel"] == "sms")


def test_the_proof_is_indexed_by_a_keyed_hash_never_the_phone(stack: Stack) -> None:
    receipt = json.loads(stack.submit(enterprise()).body)
    filing = Filing.get(receipt["filing_id"])
    assert filing.phone_key and PHONE not in filing.phone_key
    keys = [f.phone_key for f in Filing.phone_index.query(filing.phone_key)]
    assert keys == [filing.phone_key]
