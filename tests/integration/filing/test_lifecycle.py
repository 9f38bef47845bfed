"""The enterprise filing's whole life on moto: submission, the S3 -> SQS events,
both approvals through signed links, the certificate, verification."""

from __future__ import annotations

import json
import subprocess

from chalicelib import links
from chalicelib.settings import get_settings
from chalicelib.store import counters
from chalicelib.store.models import Document, Filing, Task
from tests.support.stack import Stack, enterprise


def test_a_filing_goes_from_submission_to_a_verified_certificate(stack: Stack) -> None:
    # GIVEN an enterprise's filing WHEN it is submitted
    answer = stack.submit(enterprise())
    assert answer.status_code == 201
    receipt = json.loads(answer.body)
    assert set(receipt) == {"filing_id", "slip_no", "status", "status_url", "submitted_at"}
    assert receipt["status"] == "submitted"
    filing_id = receipt["filing_id"]

    # WHEN its snapshot's event is handled
    assert stack.pump() >= 1
    # THEN the slip exists, the town's task is open, and the town's office got its link
    filing = Filing.get(filing_id)
    assert filing.status == "in_review"
    assert set(filing.document_codes()) == {"slip"}
    assert Task.get(filing_id, "town").scope == "白龙桥镇"
    sent = [m for m in stack.outbox() if m.get("step") == "town"]
    assert {m["channel"] for m in sent} == {"email", "sms"}
    assert {m["to"] for m in sent} == {"town13@wucheng.example.cn", "+8613905790013"}

    # WHEN the town approves through its link
    town_link = stack.link("town")
    assert stack.client.http.get(town_link).status_code == 200
    decided = stack.decide(town_link, "approve", "材料齐全")
    assert decided.status_code == 200
    assert json.loads(decided.body) == {
        "filing_id": filing_id,
        "step": "town",
        "decision": "approve",
    }
    stack.pump()
    # THEN the district's step opens and the applicant is told the town's comment
    assert Filing.get(filing_id).step_status("district") == "open"
    to_applicant = [m for m in stack.outbox() if m["to"] == "wang@example.com"]
    assert any("材料齐全" in m["text"] for m in to_applicant)

    # WHEN the district approves
    assert stack.decide(stack.link("district"), "approve").status_code == 200
    stack.pump()

    # THEN the filing is approved with a certificate, listed on its status
    status = json.loads(
        stack.client.http.get(
            f"/api/filings/{filing_id}?token={links.status_token(filing_id)}"
        ).body
    )
    assert status["status"] == "approved"
    assert [(s["id"], s["status"]) for s in status["steps"]] == [
        ("town", "approved"),
        ("district", "approved"),
    ]
    assert status["steps"][0]["comment"] == "材料齐全"
    assert {d["kind"] for d in status["documents"]} == {"slip", "certificate"}
    code = Filing.get(filing_id).document_codes()["certificate"]
    pdf = stack.s3.get_object(Bucket=get_settings().bucket, Key=Document.get(code).s3_key)
    body = pdf["Body"].read()
    assert body.startswith(b"%PDF")
    # AND it names its issuer in full and the last day it is valid
    text = "".join(
        subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True, check=True)
        .stdout.decode()
        .split()
    )
    valid_to = Document.get(code).valid_to
    assert valid_to is not None and f"有效期至{valid_to}" in text
    assert "金华市婺城区“三服务”活动领导小组办公室" in text
    # AND the certificate's code verifies as valid, naming the enterprise
    verified = stack.client.http.get(f"/verify/{code}", headers={"Accept": "application/json"})
    assert verified.status_code == 200
    assert json.loads(verified.body) == {
        "code": code,
        "kind": "certificate",
        "status": "valid",
        "holder": "金华市婺城区示例机械有限公司",
        "valid_from": Document.get(code).valid_from,
        "valid_to": valid_to,
    }
    assert stack.client.http.get("/verify/NOSUCHCODE234567").status_code == 404
    # AND the applicant was told of the certificate
    assert any("复工备案证明已签发" in m["subject"] for m in stack.outbox())
    # AND the counters moved the filing to approved and nowhere else
    names = [
        counters.filings_counter("enterprise-resumption", "白龙桥镇", s)
        for s in ("submitted", "in_review", "approved")
    ]
    assert counters.read(names) == dict(zip(names, [0, 0, 1], strict=True))


def test_a_document_downloads_through_the_applicants_link_only(stack: Stack) -> None:
    filing_id = json.loads(stack.submit(enterprise()).body)["filing_id"]
    stack.pump()
    token = links.status_token(filing_id)
    answer = stack.client.http.get(f"/filings/{filing_id}/documents/slip?token={token}")
    assert answer.status_code == 302
    assert "Signature" in answer.headers["Location"] or "X-Amz" in answer.headers["Location"]
    refused = stack.client.http.get(f"/filings/{filing_id}/documents/slip?token=wrong")
    assert refused.status_code == 403
    missing = stack.client.http.get(f"/filings/{filing_id}/documents/certificate?token={token}")
    assert missing.status_code == 404


def test_a_rejection_ends_the_filing_and_frees_the_enterprise_to_file_again(stack: Stack) -> None:
    first = json.loads(stack.submit(enterprise()).body)["filing_id"]
    stack.pump()
    town_link = stack.link("town")
    # WHEN the town rejects without a reason THEN it is asked for one, and nothing is recorded
    assert stack.decide(town_link, "reject").status_code == 400
    assert Task.get(first, "town").status == "open"
    # WHEN it rejects with a reason
    assert stack.decide(town_link, "reject", "防疫物资储备不足").status_code == 200
    stack.pump()
    # THEN the filing ends rejected with the reason, the applicant is told, no district step
    filing = Filing.get(first)
    assert (filing.status, filing.reason) == ("rejected", "防疫物资储备不足")
    assert filing.step_status("district") is None
    assert any("防疫物资储备不足" in m["text"] for m in stack.outbox() if m["channel"] == "sms")
    assert not [m for m in stack.outbox() if m.get("step") == "district"]
    # AND the same enterprise may file again
    again = stack.submit(enterprise())
    assert again.status_code == 201


def test_an_enterprise_has_one_open_filing_at_a_time(stack: Stack) -> None:
    first = json.loads(stack.submit(enterprise()).body)["filing_id"]
    before = stack.item_count()
    # WHEN the same USCC files again, even under another name
    second = stack.submit(enterprise(enterprise_name="另一个名字有限公司"))
    # THEN 409 names the open filing by its slip number, never its id, and nothing is stored
    assert second.status_code == 409
    assert json.loads(second.body)["slip_no"] == Filing.get(first).slip_no
    assert first not in second.body.decode()
    assert stack.item_count() == before
    # AND another enterprise is not held up
    assert stack.submit(enterprise(serial=2)).status_code == 201


def test_the_same_idempotency_key_and_body_give_the_same_answer(stack: Stack) -> None:
    first = stack.submit(enterprise(), **{"Idempotency-Key": "k-1"})
    stack.pump()
    count = stack.item_count()
    again = stack.submit(enterprise(), **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert json.loads(again.body) == json.loads(first.body)
    # nothing stored twice: the only new object is the snapshot written again
    assert Filing.count() == 1
    assert stack.item_count() <= count
    # AND the key with another body is refused
    other = stack.submit(enterprise(serial=3), **{"Idempotency-Key": "k-1"})
    assert other.status_code == 422
    assert json.loads(other.body)["error"] == "idempotency_key_reused"
    assert Filing.count() == 1


def test_the_status_needs_the_applicants_token(stack: Stack) -> None:
    filing_id = json.loads(stack.submit(enterprise()).body)["filing_id"]
    assert stack.client.http.get(f"/api/filings/{filing_id}").status_code == 403
    assert stack.client.http.get(f"/api/filings/{filing_id}?token=x").status_code == 403
    ghost = "0" * 32
    unknown = stack.client.http.get(f"/api/filings/{ghost}?token={links.status_token(ghost)}")
    assert unknown.status_code == 404
    page = stack.client.http.get(f"/filings/{filing_id}?token={links.status_token(filing_id)}")
    assert page.status_code == 200
    assert "回执编号" in page.body.decode()
    assert page.headers["Referrer-Policy"] == "no-referrer"
