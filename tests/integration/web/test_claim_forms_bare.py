"""The enterprise's own forms (subsidies, service requests, supplies orders) opened bare:
no form asking for a filing id no one has, but a page saying, Chinese first, that they
are filed from the enterprise's status page and how to find it (我的办件). A bare
submission is refused (403) storing nothing; the JSON API's 403 says why."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest

from chalicelib import links
from chalicelib.store.models import Filing
from tests.support.phones import with_page_proof
from tests.support.service_requests import request as service_request
from tests.support.stack import Stack, approved_enterprise

CLAIMS = ("service-request", "support-subsidy", "charter-subsidy", "supplies-order")


def form_post(stack: Stack, path: str, fields: dict[str, Any]) -> Any:
    return stack.client.http.post(
        path,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode(fields).encode(),
    )


@pytest.mark.parametrize("form", CLAIMS)
def test_a_bare_claim_form_says_where_it_is_filed_and_asks_for_nothing(
    stack: Stack, form: str
) -> None:
    # WHEN someone opens the form with nothing from an enterprise's status page
    page = stack.client.http.get(f"/forms/{form}")
    html = page.body.decode()
    # THEN it is a page, not a form: no field at all, nor the filing id it used to ask for
    assert page.status_code == 200
    assert "<input" not in html and "<form" not in html and "enterprise_filing_id" not in html
    # AND it says, in Chinese, where the form is filed, and leads to 我的办件 and the filing
    assert "从本企业的备案进度页办理" in html and "无需填写备案编号" in html
    assert 'href="/my"' in html and 'href="/forms/enterprise-resumption"' in html
    # AND in English for a reader of English, the links kept in English
    english = stack.client.http.get(f"/forms/{form}?lang=en").body.decode()
    assert "files this from its own status page" in english
    assert 'href="/my?lang=en"' in english


@pytest.mark.parametrize("form", CLAIMS)
def test_a_bare_page_submission_is_403_with_the_guide_and_stores_nothing(
    stack: Stack, form: str
) -> None:
    # GIVEN an approved enterprise whose filing id someone learnt
    employer = approved_enterprise(stack)
    before = stack.item_count()
    # WHEN the form page is posted naming it, without its token (or with a forged one)
    fields = {**service_request(employer), "idempotency_key": "bare-1"}
    bare = form_post(stack, f"/forms/{form}", with_page_proof(stack, f"/forms/{form}", fields))
    forged = form_post(stack, f"/forms/{form}", {**fields, "enterprise_token": "forged"})
    # THEN 403: the bare one is told where the form is filed; nothing is stored
    assert bare.status_code == 403 and "从本企业的备案进度页办理" in bare.body.decode()
    assert forged.status_code == 403
    assert stack.item_count() == before


def test_the_api_403_names_the_field_and_says_why(stack: Stack) -> None:
    employer = approved_enterprise(stack)
    before = stack.item_count()
    for token in ("", "forged"):
        answer = stack.post_json(
            "/api/filings/service-request",
            service_request(employer),
            **{"Enterprise-Token": token},
        )
        body = json.loads(answer.body)
        assert answer.status_code == 403
        assert body["error"] == "forbidden" and body["field"] == "enterprise_filing_id"
        assert "Enterprise-Token" in body["message"] and "进度页" in body["message"]
    assert stack.item_count() == before


def test_from_the_enterprises_page_the_form_is_the_form(stack: Stack) -> None:
    employer = approved_enterprise(stack)
    token = links.status_token(employer)
    page = stack.client.http.get(f"/forms/service-request?enterprise={employer}&token={token}")
    html = page.body.decode()
    assert page.status_code == 200 and "<form" in html and "claim-guide" not in html
    # AND a wrong token is refused, not shown the guide as if nothing were wrong
    wrong = stack.client.http.get(f"/forms/service-request?enterprise={employer}&token=x")
    assert wrong.status_code == 403


def test_the_index_lists_the_enterprises_forms_apart(stack: Stack) -> None:
    home = stack.client.http.get("/").body.decode()
    head, claims = home.split('id="claims"')
    # THEN the forms anyone files come first; the enterprise's own under their heading
    assert 'href="/forms/enterprise-resumption"' in head and 'href="/forms/worker-return"' in head
    for form in CLAIMS:
        assert f'href="/forms/{form}"' not in head and f'href="/forms/{form}"' in claims
    assert len(re.findall("从企业备案进度页办理", claims)) == len(CLAIMS)


def _rejected_request(stack: Stack) -> tuple[str, str]:
    employer = approved_enterprise(stack)
    answer = stack.post_json("/api/filings/service-request", service_request(employer))
    assert answer.status_code == 201, answer.body
    filing_id = json.loads(answer.body)["filing_id"]
    stack.pump()
    assert stack.decide(stack.link("assign", filing_id), "reject", "请补充岗位").status_code == 200
    stack.pump()
    assert Filing.get(filing_id).status == "rejected"
    return employer, filing_id


def test_a_rejected_claim_is_resubmitted_from_its_own_page(stack: Stack) -> None:
    # GIVEN a service request the district office rejected
    employer, rejected = _rejected_request(stack)
    token = links.status_token(rejected)
    # WHEN its holder opens 修改后重新提交 THEN the form, the enterprise's details given
    path = f"/forms/service-request?resubmit={rejected}&token={token}"
    page = stack.client.http.get(path)
    html = page.body.decode()
    assert page.status_code == 200 and "claim-guide" not in html
    assert f'<input type="hidden" name="enterprise_filing_id" value="{employer}">' in html
    # WHEN it is filed again (its phone proven) THEN it is linked to the rejected one
    fields = {
        **{k: str(v) for k, v in service_request(employer, workers_needed=120).items()},
        "contact_name": "冒名",  # a retyped detail is taken from the enterprise instead
        "resubmits": rejected,
        "resubmits_token": token,
        "idempotency_key": "again-1",
    }
    answer = form_post(stack, "/forms/service-request", with_page_proof(stack, path, fields))
    assert answer.status_code == 303, answer.body.decode()[:2000]
    new_id = answer.headers["Location"].split("/filings/")[1].split("?")[0]
    again = Filing.get(new_id)
    assert again.resubmits == rejected and again.data["workers_needed"] == 120
    assert again.data["contact_name"] == Filing.get(employer).data["contact_name"]


def test_a_resubmission_cannot_name_another_enterprise(stack: Stack) -> None:
    # GIVEN a rejected request of one enterprise, and another approved enterprise
    _, rejected = _rejected_request(stack)
    other = approved_enterprise(stack, serial=9)
    token = links.status_token(rejected)
    before = stack.item_count()
    fields = {
        **{k: str(v) for k, v in service_request(other).items()},
        "resubmits": rejected,
        "resubmits_token": token,
    }
    path = "/forms/service-request"
    answer = form_post(stack, path, with_page_proof(stack, path, fields))
    # THEN 403, nothing stored
    assert answer.status_code == 403
    assert stack.item_count() == before


def test_a_draft_of_the_enterprises_own_form_resumes_from_its_page(stack: Stack) -> None:
    # GIVEN an enterprise that saved half a service request from its status page
    employer = approved_enterprise(stack)
    token = links.status_token(employer)
    contact = Filing.get(employer).data["contact_phone"]
    fields = {
        "enterprise_filing_id": employer,
        "enterprise_token": token,
        "contact_phone": contact,
        "description": "缺少一线操作工",
        "save_draft": "yes",
    }
    assert form_post(stack, "/forms/service-request", fields).status_code == 200
    sms = [m for m in stack.outbox() if m["to"] == "+86" + contact][-1]
    link = str(sms["links"][0])
    # WHEN it opens the link from its SMS THEN the form, as from its page, not the guide
    page = stack.client.http.get(link.split("jiafuwu.test", 1)[-1])
    html = page.body.decode()
    assert page.status_code == 200 and "claim-guide" not in html
    assert "缺少一线操作工" in html
    assert f'<input type="hidden" name="enterprise_token" value="{token}">' in html
    # AND the drafts API does not hand the token out
    draft_id = link.split("draft=")[1]
    kept = json.loads(stack.client.http.get(f"/api/drafts/{draft_id}").body)
    assert "enterprise_token" not in kept["values"] and token not in json.dumps(kept)
