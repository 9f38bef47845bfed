"""The enterprise's certificate carries its 员工登记码: issued at approval (before anyone
opens the status page), printed for typing, and a second QR naming the certificate that
leads a worker to the code current at the scan, never to a stopped one."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from chalicelib import links
from chalicelib.filing import transitions
from chalicelib.store.models import Document, Filing
from tests.support.stack import Stack, approved_enterprise
from tests.support.walks import qr_payloads

BUCKET = "jiafuwu-local-documents"


def _certificate(stack: Stack, employer: str) -> tuple[str, bytes]:
    code = Filing.get(employer).document_codes()["certificate"]
    key = Document.get(code).s3_key
    return code, stack.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()


def _text(pdf: bytes, tmp_path: Path) -> str:
    (tmp_path / "c.pdf").write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", str(tmp_path / "c.pdf"), "-"], capture_output=True, text=True, check=True
    )
    return "".join(out.stdout.split())


def _change(stack: Stack, employer: str, action: str) -> str | None:
    token = links.status_token(employer)
    path = f"/api/filings/{employer}/worker-code?token={token}"
    answer = stack.post_json(path, {"action": action})
    assert answer.status_code == 200, answer.body
    code = json.loads(answer.body)["worker_code"]
    return str(code) if code else None


def test_the_certificate_prints_the_code_issued_at_approval_and_its_worker_qr(
    stack: Stack, tmp_path: Path
) -> None:
    # GIVEN an enterprise approved by its town and the district; no one opened its page
    employer = approved_enterprise(stack)
    # THEN its worker code was issued with the certificate
    issued = Filing.get(employer, consistent_read=True).worker_code
    assert issued and len(issued) == 8
    # AND the certificate prints it (in two halves), says the status page prevails, and
    # has two QR codes: its /verify/ address and the worker's /join/ address
    code, pdf = _certificate(stack, employer)
    text = _text(pdf, tmp_path)
    assert issued in text and "以企业进度页为准" in text
    found = {c.text.split("#")[0] for c in qr_payloads(pdf, tmp_path)}
    assert found == {links.verify_url(code), f"{links.public_base()}/join/{code}"}
    # AND the status page shows the same code (not a second one drawn on first sight)
    view = json.loads(
        stack.client.http.get(f"/api/filings/{employer}?token={links.status_token(employer)}").body
    )
    assert view["worker_code"] == issued


def test_the_certificates_worker_qr_follows_a_reissue_and_stops_with_a_revocation(
    stack: Stack,
) -> None:
    employer = approved_enterprise(stack)
    certificate = Filing.get(employer).document_codes()["certificate"]
    printed = Filing.get(employer).worker_code
    join = f"/join/{certificate}"
    # WHEN a worker scans the printed certificate THEN the worker's form opens with the code
    first = stack.client.http.get(join)
    assert first.status_code == 303
    assert first.headers["Location"] == f"/forms/worker-return?employer={printed}"
    # WHEN the enterprise re-issues its code THEN the same printed QR leads to the new one
    new = _change(stack, employer, "reissue")
    assert new and new != printed
    assert stack.client.http.get(join).headers["Location"].endswith(f"employer={new}")
    assert stack.client.http.get(f"{join}?lang=en").headers["Location"].endswith("&lang=en")
    # WHEN it revokes the code THEN the scan says so in Chinese, and names no code at all
    _change(stack, employer, "revoke")
    stopped = stack.client.http.get(join)
    page = stopped.body.decode()
    assert stopped.status_code == 410 and "登记码已停用" in page
    assert printed not in page and new not in page and "employer=" not in page
    # AND after a new code the QR works again
    again = _change(stack, employer, "reissue")
    assert stack.client.http.get(join).headers["Location"].endswith(f"employer={again}")


def test_a_revoked_certificates_worker_qr_leads_nowhere(stack: Stack) -> None:
    # GIVEN an enterprise whose approval staff took back
    employer = approved_enterprise(stack)
    certificate = Filing.get(employer).document_codes()["certificate"]
    code = Filing.get(employer).worker_code
    transitions.revoke(employer, "整改未到位", "ops")
    stack.pump()
    # WHEN a worker scans its certificate THEN it is refused, naming no code
    answer = stack.client.http.get(f"/join/{certificate}")
    assert answer.status_code == 410 and "证明已失效" in answer.body.decode()
    assert code and code not in answer.body.decode()


def test_an_unknown_or_other_documents_code_is_404(stack: Stack) -> None:
    employer = approved_enterprise(stack)
    slip = Filing.get(employer).document_codes()["slip"]
    for code in (slip, "NOSUCHCODE000000", "%3Cscript%3E"):
        answer = stack.client.http.get(f"/join/{code}")
        assert answer.status_code == 404, code
        assert "没有这张证明" in answer.body.decode()
