"""The README's walk over HTTP on the stack of `make run`: submit, read the outbox,
approve twice, download the certificate, decode its QR code, verify it."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from stdnum.cn import uscc

from tests.support.phones import running_headers
from tests.support.running_stack import RunningStack
from tests.support.walks import approval_link, eventually, qr_payload

pytestmark = pytest.mark.e2e


def filing_body() -> dict[str, object]:
    base = "91330702MA2E0E2E"[:16] + "1"
    return {
        "enterprise_name": "金华市婺城区端到端示范有限公司",
        "uscc": base + uscc.calc_check_digit(base),
        "town": "罗埠镇",
        "address": "罗埠镇工业功能区1号",
        "industry": "制造业",
        "above_scale": False,
        "contact_name": "李四",
        "contact_phone": "+86 139-0579-5678",
        "contact_email": "li@example.com",
        "employees_total": 40,
        "employees_returned": 12,
        "planned_start_date": "2020-02-17",
        "masks": 200,
        "disinfectant_kg": 5,
        "thermometers": 2,
        "commitment": True,
    }


def test_a_filing_walks_to_a_certificate_whose_qr_code_verifies(
    running_stack: RunningStack, tmp_path: Path
) -> None:
    stack = running_stack
    # 1. submit
    answer = requests.post(
        f"{stack.base_url}/api/filings/enterprise-resumption",
        json=filing_body(),
        headers={"Idempotency-Key": "e2e-1", **running_headers(stack, filing_body())},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    receipt = answer.json()
    filing_id = receipt["filing_id"]
    # a bad filing is refused and named on the way
    refused = requests.post(
        f"{stack.base_url}/api/filings/enterprise-resumption",
        json={**filing_body(), "uscc": "123"},
        timeout=10,
    )
    assert refused.status_code == 400
    assert set(refused.json()["fields"]) == {"uscc"}

    # 2. the outbox has the town's link; 3. the town approves, then the district
    for step in ("town", "district"):
        link = eventually(lambda s=step: approval_link(stack, filing_id, s))
        page = requests.get(link, timeout=10)
        assert page.status_code == 200 and "通过" in page.text
        form = {"decision": "approve", "comment": "同意"}
        asked = requests.post(link, data=form, timeout=10)  # the page's check: nothing yet
        assert asked.status_code == 200 and "确认通过" in asked.text
        decided = requests.post(link, data={**form, "confirmed": "yes"}, timeout=10)
        assert decided.status_code == 200 and "决定已记录" in decided.text
        assert requests.post(link, data={"decision": "approve"}, timeout=10).status_code == 410

    # 4. the status lists the certificate; download it
    def certificate_url() -> str | None:
        status = requests.get(
            receipt["status_url"].replace("/filings/", "/api/filings/"), timeout=10
        ).json()
        urls = {d["kind"]: d["url"] for d in status["documents"]}
        return urls.get("certificate") if status["status"] == "approved" else None

    download = requests.get(eventually(certificate_url), timeout=10)
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")

    # 5. its QR code holds the /verify/ address, which answers valid
    address = qr_payload(download.content, tmp_path)
    assert address.startswith(f"{stack.base_url}/verify/")
    verified = requests.get(address, headers={"Accept": "application/json"}, timeout=10).json()
    assert verified["status"] == "valid"
    assert verified["kind"] == "certificate"
    assert verified["holder"] == "金华市婺城区端到端示范有限公司"
    page = requests.get(address, timeout=10)
    assert page.status_code == 200 and "有效" in page.text


def test_the_public_pages_answer_with_their_security_headers(running_stack: RunningStack) -> None:
    for path in ("/", "/forms/enterprise-resumption"):
        page = requests.get(f"{running_stack.base_url}{path}", timeout=10)
        assert page.status_code == 200
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        assert "script-src 'none'" in page.headers["Content-Security-Policy"]
    css = requests.get(f"{running_stack.base_url}/static/app.css", timeout=10)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")


def test_any_aws_client_pointed_at_the_emulator_sees_the_stack(running_stack: RunningStack) -> None:
    import boto3

    session = dict(
        endpoint_url=running_stack.aws_url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    tables = boto3.client("dynamodb", **session).list_tables()["TableNames"]
    assert "jiafuwu-local-filings" in tables
    buckets = [b["Name"] for b in boto3.client("s3", **session).list_buckets()["Buckets"]]
    assert "jiafuwu-local-documents" in buckets
    queues = boto3.client("sqs", **session).list_queues()["QueueUrls"]
    assert any(q.endswith("/jiafuwu-events") for q in queues)
    assert any(q.endswith("/jiafuwu-events-dlq") for q in queues)
