"""The checkpoints' lists over the stack (moto, the Chalice test client): a pass's QR
carries a seal that verifies offline against GET /api/trust-list; GET /api/revocations
changes on every withdrawal, revocation, suspension and reinstatement (through the S3 ->
SQS event path), answers deltas, and a replayed event changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chalicelib import links
from chalicelib.core.clock import china_today
from chalicelib.documents import seal
from chalicelib.filing import transitions
from chalicelib.store import lists, records
from chalicelib.store.models import Document, Filing
from tests.support.stack import Stack
from tests.support.walks import qr_payload
from tests.support.workers import approved_employer, approved_worker


def get_json(stack: Stack, path: str, **headers: str) -> tuple[int, Any, dict[str, str]]:
    answer = stack.client.http.get(path, headers=headers)
    body = json.loads(answer.body) if answer.body else None
    return answer.status_code, body, answer.headers


def lists_now(stack: Stack) -> tuple[dict[str, Any], dict[str, Any]]:
    _, trust, _ = get_json(stack, "/api/trust-list")
    _, revocations, _ = get_json(stack, "/api/revocations")
    seal.verify_revocations(revocations, trust["keys"])  # signed by a trust-list key
    return trust, revocations


def offline(stack: Stack, code: str) -> seal.Offline:
    document = Document.get(code)
    trust, revocations = lists_now(stack)
    text = seal.qr_text(links.verify_url(code), document.seal)
    return seal.check_offline(text, trust, revocations, china_today())


def test_a_passs_pdf_qr_opens_the_online_check_and_carries_a_seal_that_verifies(
    stack: Stack, tmp_path: Path
) -> None:
    employer = approved_employer(stack)
    worker, code = approved_worker(stack, employer, serial=1)
    document = Document.get(code)
    # THEN the PDF's QR holds the /verify address with the seal in its fragment
    pdf = stack.s3.get_object(Bucket="jiafuwu-local-documents", Key=document.s3_key)["Body"].read()
    text = qr_payload(pdf, tmp_path)
    assert text == seal.qr_text(links.verify_url(code), document.seal)
    assert text.startswith(f"http://jiafuwu.test/verify/{code}#JF1:")
    # AND it verifies offline, naming the employer by its slip number, holder masked
    result = offline(stack, code)
    assert result.status == "valid" and result.claims is not None
    assert result.claims.employer == Filing.get(employer).slip_no
    assert result.claims.holder == "冉*开" and result.claims.kind == "pass"
    # AND the trust list publishes the key as a P-256 JWK, cacheable
    status, trust, headers = get_json(stack, "/api/trust-list")
    assert status == 200 and trust["keys"][0]["jwk"]["crv"] == "P-256"
    assert trust["keys"][0]["issuer"] == "婺城区" and "max-age" in headers["Cache-Control"]
    again = stack.client.http.get("/api/trust-list", headers={"If-None-Match": headers["ETag"]})
    assert again.status_code == 304 and again.body in (b"", "")
    # AND a slip (a receipt) carries no seal
    assert Document.get(Filing.get(worker).document_codes()["slip"]).seal is None


def test_the_list_changes_on_withdrawal_and_revocation_and_voids_the_workers_passes(
    stack: Stack,
) -> None:
    employer = approved_employer(stack)
    worker_a, pass_a = approved_worker(stack, employer, serial=1)
    _, pass_b = approved_worker(stack, employer, serial=2)
    _, before = lists_now(stack)
    # WHEN worker A withdraws through the status link
    answer = stack.post_json(
        f"/api/filings/{worker_a}/withdraw?token={links.status_token(worker_a)}", {}
    )
    assert answer.status_code == 200
    stack.pump()
    _, withdrawn = lists_now(stack)
    # THEN the list moved on a version and names A's pass (and docking slip) as withdrawn
    assert withdrawn["version"] == before["version"] + 1
    assert pass_a in withdrawn["withdrawn"]
    assert Filing.get(worker_a).document_codes()["docking_slip"] in withdrawn["withdrawn"]
    assert offline(stack, pass_a).reason == "withdrawn"
    assert offline(stack, pass_b).status == "valid"
    # WHEN staff revoke the employer
    transitions.revoke(employer, "防控措施未落实", "婺城区三服务办")
    stack.pump()
    _, revoked = lists_now(stack)
    # THEN its slip number voids worker B's pass offline, and its certificate is revoked
    assert revoked["version"] == withdrawn["version"] + 1
    assert Filing.get(employer).slip_no in revoked["employers"]
    assert Filing.get(employer).document_codes()["certificate"] in revoked["revoked"]
    assert offline(stack, pass_b).reason == "employer_revoked"
    # AND a delta since the first version holds both changes, signed
    status, delta, _ = get_json(stack, f"/api/revocations?since={before['version']}")
    assert status == 200 and delta["since"] == before["version"]
    assert pass_a in delta["withdrawn"] and Filing.get(employer).slip_no in delta["employers"]
    seal.verify_revocations(delta, lists_now(stack)[0]["keys"])
    status, latest, _ = get_json(stack, f"/api/revocations?since={revoked['version']}")
    assert latest["withdrawn"] == latest["employers"] == latest["revoked"] == []


def test_a_replayed_or_repeated_standing_event_changes_nothing(stack: Stack) -> None:
    employer = approved_employer(stack)
    worker, _ = approved_worker(stack, employer, serial=1)
    stack.post_json(f"/api/filings/{worker}/withdraw?token={links.status_token(worker)}", {})
    stack.pump()
    stored, etag = lists.read(lists.REVOCATIONS)
    # WHEN the standing record's event is delivered again, and the record written again
    key = records.standing_key(worker, int(Filing.get(worker).version))
    event = {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": key}}}]}
    stack.deliver([json.dumps(event)] * 2)
    records.put_standing(Filing.get(worker), "withdrawn")
    stack.pump()
    # THEN the list is the very object it was: no new version, no rewrite
    assert lists.read(lists.REVOCATIONS) == (stored, etag)


def test_a_suspension_and_its_reinstatement_each_move_the_list(stack: Stack) -> None:
    employer = approved_employer(stack)
    worker, code = approved_worker(stack, employer, serial=1)
    _, start = lists_now(stack)
    # WHEN one pass is revoked on its own (its filing still approved), then reinstated
    Document(code=code).update(actions=[Document.revoked.set(True)])
    records.put_standing(Filing.get(worker), "document revoked")
    stack.pump()
    _, held = lists_now(stack)
    assert held["version"] == start["version"] + 1 and code in held["revoked"]
    assert offline(stack, code).reason == "revoked"
    Document(code=code).update(actions=[Document.revoked.set(False)])
    records.put_standing(Filing.get(worker), "document reinstated")
    stack.pump()
    # THEN the reinstatement is a new version; its delta names the code as removed
    _, back = lists_now(stack)
    assert back["version"] == held["version"] + 1 and code not in back["revoked"]
    _, delta, _ = get_json(stack, f"/api/revocations?since={held['version']}")
    assert delta["removed"] == [code] and delta["revoked"] == []
    assert offline(stack, code).status == "valid"


def test_a_bad_since_is_refused_and_nothing_is_stored(stack: Stack) -> None:
    stored = stack.item_count()
    for since in ("abc", "-1", "1e9", "9" * 20, ""):
        status, body, _ = get_json(stack, f"/api/revocations?since={since}")
        assert status == 400 and body["error"] == "validation_error" and "since" in body["fields"]
    assert stack.item_count() == stored


def test_a_neighbours_keys_are_published_when_imported(stack: Stack, monkeypatch: Any) -> None:
    from chalicelib.settings import get_settings
    from tests.support.seals import key_entry

    theirs = {
        "issuer": "金东区",
        "keys": [
            {
                "kid": seal.kid_text("jd-1"),
                "jwk": seal.public_jwk(
                    seal.SealKey("jd-1", str(key_entry("jd-1")["key"]), "2020-01-01", None)
                ),
                "valid_from": "2020-01-01",
                "valid_to": None,
            }
        ],
    }
    _, before, _ = get_json(stack, "/api/trust-list")
    monkeypatch.setenv("TRUST_IMPORTS", json.dumps([theirs], ensure_ascii=False))
    get_settings.cache_clear()
    _, after, _ = get_json(stack, "/api/trust-list")
    assert after["version"] == before["version"] + 1
    assert [k["issuer"] for k in after["keys"]] == ["婺城区", "金东区"]
