"""The applicant's keys to a case: 我的办件 by a proven phone, the enterprise's token for
its own forms, the worker code for its workers, a duplicate that hands out no filing id,
drafts, and resubmission after a rejection. Every refusal stores nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from chalicelib import links
from chalicelib.core.clock import utcnow
from chalicelib.filing import drafts, worker_codes
from chalicelib.store.models import Draft, Filing, Unique
from tests.support.phones import latest_code, obtain_proof, page_proof
from tests.support.service_requests import request as service_request
from tests.support.stack import Stack, approved_enterprise, enterprise
from tests.support.workers import WORKERS, worker

PHONE = "13905791234"
SERVICE = "/api/filings/service-request"


def my_filings(stack: Stack, proof: str, **body: Any) -> Any:
    return stack.client.http.post(
        "/api/my/filings",
        headers={"Content-Type": "application/json", "Phone-Proof": proof},
        body=json.dumps(body).encode(),
    )


def form_post(stack: Stack, path: str, **fields: str) -> Any:
    return stack.client.http.post(
        path,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode(fields).encode(),
    )


# --- 我的办件 -------------------------------------------------------------------------


def test_my_filings_lists_a_proven_numbers_filings_newest_first(stack: Stack) -> None:
    # GIVEN two filings naming the number, one naming another
    first = json.loads(stack.submit(enterprise(serial=1)).body)
    second = json.loads(stack.submit(enterprise(serial=2)).body)
    stack.submit(enterprise(serial=3, contact_phone="13800000003"))
    # WHEN the number is proven for "my" and its filings asked
    answer = my_filings(stack, obtain_proof(stack, PHONE, purpose="my"))
    # THEN both of its filings, newest first, each with its status link; not the other
    listed = json.loads(answer.body)["filings"]
    assert [f["slip_no"] for f in listed] == [second["slip_no"], first["slip_no"]]
    assert listed[0]["status_url"] == second["status_url"]


def test_my_filings_wants_a_proof_of_its_own_purpose(stack: Stack) -> None:
    stack.submit(enterprise())
    assert my_filings(stack, "").status_code == 403
    # a proof for submitting is not one for listing
    assert my_filings(stack, obtain_proof(stack, PHONE, purpose="filing")).status_code == 403


def test_a_slip_number_and_phone_go_to_that_one_filing_only(stack: Stack) -> None:
    mine = json.loads(stack.submit(enterprise(serial=1)).body)
    theirs = json.loads(stack.submit(enterprise(serial=2, contact_phone="13800000003")).body)
    proof = obtain_proof(stack, PHONE, purpose="my")
    one = json.loads(my_filings(stack, proof, slip_no=mine["slip_no"]).body)["filings"]
    assert [f["filing_id"] for f in one] == [mine["filing_id"]]
    # another number's slip is answered as no slip at all
    other = my_filings(stack, proof, slip_no=theirs["slip_no"])
    unknown = my_filings(stack, proof, slip_no="20200210-XXXXX")
    assert other.status_code == unknown.status_code == 404
    assert json.loads(other.body) == json.loads(unknown.body)


def test_the_my_page_lists_after_the_code_and_resends_a_link(stack: Stack) -> None:
    receipt = json.loads(stack.submit(enterprise()).body)
    # WHEN the number is given THEN a code goes to it and the page asks for it
    asked = form_post(stack, "/my", phone=PHONE)
    assert asked.status_code == 200 and 'name="code"' in asked.body.decode()
    code = latest_code(stack.outbox(), PHONE)
    listed = form_post(stack, "/my", phone=PHONE, code=code)
    html = listed.body.decode()
    assert listed.status_code == 200 and receipt["slip_no"] in html
    assert receipt["status_url"].replace("&", "&amp;") in html or receipt["status_url"] in html
    # AND the link is sent again to the phone
    proof = html.split('name="proof" value="')[1].split('"')[0]
    before = len(stack.outbox())
    sent = form_post(stack, "/my", proof=proof, send_link=receipt["filing_id"])
    assert sent.status_code == 200
    again = stack.outbox()[before:]
    assert [m["to"] for m in again] == ["+86" + PHONE]
    assert receipt["status_url"] in again[0]["text"]


def test_the_my_page_with_a_slip_number_goes_to_the_filing(stack: Stack) -> None:
    receipt = json.loads(stack.submit(enterprise()).body)
    form_post(stack, "/my", phone=PHONE, slip_no=receipt["slip_no"])
    code = latest_code(stack.outbox(), PHONE)
    answer = form_post(stack, "/my", phone=PHONE, code=code, slip_no=receipt["slip_no"])
    assert answer.status_code == 303 and answer.headers["Location"] == receipt["status_url"]


def test_a_wrong_code_on_the_my_page_says_nothing_of_filings(stack: Stack) -> None:
    stack.submit(enterprise())
    form_post(stack, "/my", phone=PHONE)
    form_post(stack, "/my", phone="13700000001")
    with_filings = form_post(stack, "/my", phone=PHONE, code="000000")
    without = form_post(stack, "/my", phone="13700000001", code="000000")
    assert with_filings.status_code == without.status_code == 400
    strip = lambda page: page.body.decode().replace("139****1234", "").replace("137****0001", "")  # noqa: E731
    assert strip(with_filings).replace(PHONE, "") == strip(without).replace("13700000001", "")


# --- the enterprise as the key ----------------------------------------------------------


def test_a_form_naming_an_enterprise_without_its_token_is_403_and_stores_nothing(
    stack: Stack,
) -> None:
    employer = approved_enterprise(stack)
    before = stack.item_count()
    for token in ("", "forged", links.status_token("f" * 32)):
        answer = stack.post_json(SERVICE, service_request(employer), **{"Enterprise-Token": token})
        assert answer.status_code == 403, token
    assert stack.item_count() == before
    good = stack.post_json(SERVICE, service_request(employer))  # the helper adds its token
    assert good.status_code == 201


def test_the_enterprise_status_returns_its_worker_code(stack: Stack) -> None:
    employer = approved_enterprise(stack)
    view = json.loads(
        stack.client.http.get(f"/api/filings/{employer}?token={links.status_token(employer)}").body
    )
    code = view["worker_code"]
    assert len(code) == worker_codes.LENGTH
    assert Unique.get(worker_codes.key(code)).filing_id == employer


def _code(stack: Stack, employer: str) -> str:
    path = f"/api/filings/{employer}?token={links.status_token(employer)}"
    return str(json.loads(stack.client.http.get(path).body)["worker_code"])


def test_a_worker_registers_with_the_employer_code_not_its_id(stack: Stack) -> None:
    employer = approved_enterprise(stack)
    code = _code(stack, employer)
    body = {k: v for k, v in worker(employer).items() if k != "employer_filing_id"}
    # a bare filing id, without the employer's token, proves nothing
    bare = stack.post_json(WORKERS, worker(employer), **{"Enterprise-Token": ""})
    assert bare.status_code == 403
    answer = stack.post_json(WORKERS, {**body, "employer_code": code.lower()})
    assert answer.status_code == 201, answer.body
    filing = Filing.get(json.loads(answer.body)["filing_id"])
    assert filing.data["employer_filing_id"] == employer


def test_a_revoked_or_reissued_code_stops_working(stack: Stack) -> None:
    employer = approved_enterprise(stack)
    old = _code(stack, employer)
    token = links.status_token(employer)
    reissued = stack.post_json(
        f"/api/filings/{employer}/worker-code?token={token}", {"action": "reissue"}
    )
    new = json.loads(reissued.body)["worker_code"]
    assert new and new != old
    body = {k: v for k, v in worker(employer).items() if k != "employer_filing_id"}
    before = stack.item_count()
    refused = stack.post_json(WORKERS, {**body, "employer_code": old})
    assert refused.status_code == 400 and "employer_code" in json.loads(refused.body)["fields"]
    assert stack.item_count() == before
    revoked = stack.post_json(
        f"/api/filings/{employer}/worker-code?token={token}", {"action": "revoke"}
    )
    assert json.loads(revoked.body) == {"worker_code": None}
    assert stack.post_json(WORKERS, {**body, "employer_code": new}).status_code == 400
    assert (
        _code(stack, employer) == "None"
        or json.loads(stack.client.http.get(f"/api/filings/{employer}?token={token}").body)[
            "worker_code"
        ]
        is None
    )
    # a wrong token changes nothing
    forged = stack.post_json(f"/api/filings/{employer}/worker-code?token=x", {"action": "reissue"})
    assert forged.status_code == 403


def test_a_duplicate_names_the_slip_and_tells_the_first_contact_never_the_id(
    stack: Stack,
) -> None:
    first = json.loads(stack.submit(enterprise()).body)
    before = stack.item_count()
    outbox = len(stack.outbox())
    again = stack.submit(enterprise(enterprise_name="另一个名字有限公司"))
    body = json.loads(again.body)
    assert again.status_code == 409 and first["filing_id"] not in again.body.decode()
    assert body["slip_no"] == first["slip_no"] and body["sent_to"] == "139****1234"
    told = stack.outbox()[outbox:]
    assert {m["to"] for m in told} == {"+86" + PHONE, "wang@example.com"}
    assert all(first["status_url"] in m["links"] for m in told)
    assert stack.item_count() == before
    # the contact is told once a day, however often someone tries
    stack.submit(enterprise(enterprise_name="第三个名字有限公司"))
    assert len(stack.outbox()) == outbox + 2


# --- drafts and resubmission -------------------------------------------------------------


def test_a_draft_is_kept_seven_days_under_a_random_key_and_sent_by_sms(stack: Stack) -> None:
    answers = {k: str(v) for k, v in enterprise().items() if k != "commitment"}
    saved = form_post(stack, "/forms/enterprise-resumption", save_draft="yes", **answers)
    assert saved.status_code == 200
    draft = next(iter(Draft.scan()))
    assert PHONE not in draft.draft_id and answers["uscc"] not in draft.draft_id
    assert timedelta(days=6, hours=23) < draft.expires_at - utcnow() <= timedelta(days=7)
    sms = [m for m in stack.outbox() if m["to"] == "+86" + PHONE][-1]
    assert f"?draft={draft.draft_id}" in sms["links"][0]
    page = stack.client.http.get(f"/forms/enterprise-resumption?draft={draft.draft_id}")
    assert page.status_code == 200 and answers["uscc"] in page.body.decode()
    # another form's page does not open it, nor does a guessed id
    assert stack.client.http.get(f"/forms/worker-return?draft={draft.draft_id}").status_code == 404
    assert stack.client.http.get("/forms/enterprise-resumption?draft=nope").status_code == 404


def test_a_draft_past_seven_days_is_gone(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {k: str(v) for k, v in enterprise().items()}
    form_post(stack, "/forms/enterprise-resumption", save_draft="yes", **answers)
    draft = next(iter(Draft.scan()))
    later = utcnow() + timedelta(days=7, seconds=1)
    monkeypatch.setattr(drafts, "utcnow", lambda: later)
    assert (
        stack.client.http.get(f"/forms/enterprise-resumption?draft={draft.draft_id}").status_code
        == 404
    )


def test_a_draft_without_a_phone_is_refused_and_stores_nothing(stack: Stack) -> None:
    before = stack.item_count()
    saved = form_post(stack, "/forms/enterprise-resumption", save_draft="yes", enterprise_name="x")
    assert saved.status_code == 400 and Draft.count() == 0 and stack.item_count() == before


def _rejected(stack: Stack) -> dict[str, Any]:
    receipt = json.loads(stack.submit(enterprise()).body)
    stack.pump()
    assert (
        stack.decide(stack.link("town", receipt["filing_id"]), "reject", "口罩数不足").status_code
        == 200
    )
    stack.pump()
    assert Filing.get(receipt["filing_id"]).status == "rejected"
    return receipt


def test_a_rejected_filing_is_corrected_and_resubmitted_keeping_both(stack: Stack) -> None:
    first = _rejected(stack)
    token = links.status_token(first["filing_id"])
    # the status page offers it, and the form starts from the rejected answers
    status = stack.client.http.get(f"/filings/{first['filing_id']}?token={token}").body.decode()
    assert "修改后重新提交" in status
    form = stack.client.http.get(
        f"/forms/enterprise-resumption?resubmit={first['filing_id']}&token={token}"
    ).body.decode()
    assert enterprise()["uscc"] in form and f'value="{first["filing_id"]}"' in form
    # WHEN filed again with the correction THEN linked to the first, both kept
    path = f"/api/filings/enterprise-resumption?resubmits={first['filing_id']}&token={token}"
    again = stack.post_json(path, enterprise(masks=5000))
    assert again.status_code == 201, again.body
    second = Filing.get(json.loads(again.body)["filing_id"])
    assert second.resubmits == first["filing_id"]
    assert Filing.get(first["filing_id"]).status == "rejected"
    assert Filing.get(first["filing_id"]).history


def test_only_a_rejected_filing_with_its_token_is_resubmitted(stack: Stack) -> None:
    open_one = json.loads(stack.submit(enterprise(serial=1)).body)
    token = links.status_token(open_one["filing_id"])
    before = stack.item_count()
    not_rejected = stack.post_json(
        f"/api/filings/enterprise-resumption?resubmits={open_one['filing_id']}&token={token}",
        enterprise(serial=2),
    )
    forged = stack.post_json(
        f"/api/filings/enterprise-resumption?resubmits={open_one['filing_id']}&token=x",
        enterprise(serial=2),
    )
    assert (not_rejected.status_code, forged.status_code) == (409, 403)
    assert stack.item_count() == before


def test_a_page_submission_asks_the_code_then_files(stack: Stack) -> None:
    fields = {k: ("true" if v is True else str(v)) for k, v in enterprise().items()}
    asked = form_post(stack, "/forms/enterprise-resumption", **fields)
    html = asked.body.decode()
    assert asked.status_code == 200 and 'name="phone_code"' in html and Filing.count() == 0
    code = latest_code(stack.outbox(), PHONE)
    hidden = dict(
        (part.split('name="')[1].split('"')[0], part.split('value="')[1].split('"')[0])
        for part in html.split('<input type="hidden" ')[1:]
    )
    wrong = form_post(
        stack,
        "/forms/enterprise-resumption",
        **hidden,
        phone_code="000000" if code != "000000" else "111111",
    )
    assert wrong.status_code == 400 and Filing.count() == 0
    filed = form_post(stack, "/forms/enterprise-resumption", **hidden, phone_code=code)
    assert filed.status_code == 303 and Filing.count() == 1
    # a proof in the page's hidden field serves as well
    other = {**fields, "uscc": enterprise(serial=2)["uscc"], **page_proof(stack, PHONE)}
    assert form_post(stack, "/forms/enterprise-resumption", **other).status_code == 303
