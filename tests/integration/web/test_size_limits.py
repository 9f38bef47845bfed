"""Request size limits: a body above its route's limit (64 KiB; a roster 4 MiB) is
answered 413, in Chinese first, before anything parses it, and nothing is stored."""

from __future__ import annotations

import json

from chalicelib import links
from chalicelib.web import size_limit as limits
from tests.support.phones import obtain_proof
from tests.support.stack import Stack, enterprise

FILINGS = "/api/filings/enterprise-resumption"


def post(stack: Stack, path: str, body: bytes, content_type: str = "application/json") -> object:
    return stack.client.http.post(path, headers={"Content-Type": content_type}, body=body)


def padded(body: dict[str, object], size: int) -> bytes:
    """Valid JSON of exactly `size` bytes: the body, then spaces."""
    raw = json.dumps(body, ensure_ascii=False).encode()
    return raw + b" " * (size - len(raw))


def test_a_filing_over_64_kib_is_refused_413_before_parsing(stack: Stack) -> None:
    stored = stack.item_count()
    # WHEN a valid filing padded one byte past the limit is posted
    answer = post(stack, FILINGS, padded(enterprise(), limits.MAX_BODY + 1))
    # THEN 413 in the contract's shape, the message in Chinese, nothing stored
    assert answer.status_code == 413  # type: ignore[attr-defined]
    body = json.loads(answer.body)  # type: ignore[attr-defined]
    assert body["error"] == "payload_too_large" and body["limit"] == 64 * 1024
    assert body["message"].startswith("请求内容超过64 KiB")
    assert stack.item_count() == stored
    # AND a body that is not even JSON is refused for its size, not parsed (not a 400)
    garbage = post(stack, FILINGS, b"{" * (limits.MAX_BODY + 1))
    assert garbage.status_code == 413  # type: ignore[attr-defined]


def test_a_filing_of_exactly_64_kib_is_accepted(stack: Stack) -> None:
    proof = obtain_proof(stack, str(enterprise()["contact_phone"]))  # its phone proven
    answer = stack.client.http.post(
        FILINGS,
        headers={"Content-Type": "application/json", "Phone-Proof": proof},
        body=padded(enterprise(), limits.MAX_BODY),
    )
    assert answer.status_code == 201  # type: ignore[attr-defined]


def test_pages_and_decisions_are_limited_too(stack: Stack) -> None:
    filing_id = json.loads(stack.submit(enterprise()).body)["filing_id"]
    stack.pump()
    big = b"comment=" + b"x" * limits.MAX_BODY
    form = "application/x-www-form-urlencoded"
    # WHEN a form page, an approval and a withdrawal are posted over the limit
    page = post(stack, "/forms/enterprise-resumption", big, form)
    decision = post(stack, stack.link("town", filing_id), big, form)
    withdrawal = post(
        stack, f"/api/filings/{filing_id}/withdraw?token={links.status_token(filing_id)}", big
    )
    # THEN each is refused 413: the page in Chinese, and the filing is still open
    assert page.status_code == 413  # type: ignore[attr-defined]
    assert "提交内容过大" in page.body.decode()  # type: ignore[attr-defined]
    assert decision.status_code == 413  # type: ignore[attr-defined]
    assert withdrawal.status_code == 413  # type: ignore[attr-defined]
    assert stack.client.http.get(stack.link("town", filing_id)).status_code == 200


def test_a_roster_may_be_larger_but_not_without_bound(stack: Stack) -> None:
    # GIVEN an enterprise's roster route (the token does not matter for the size check)
    path = "/api/filings/x/roster?token=t"
    # WHEN a CSV above 64 KiB but under the roster limit is posted
    header = "姓名,身份证号\n".encode()
    medium = header + b"a,b\n" * (limits.MAX_BODY // 4 + 1)
    # THEN it is not refused for its size (it is read, and refused for its token)
    assert post(stack, path, medium, "text/csv").status_code == 403  # type: ignore[attr-defined]
    # WHEN it is above the roster limit THEN 413, naming the roster's limit
    huge = header + b"a,b\n" * (limits.MAX_ROSTER // 4 + 1)
    answer = post(stack, path, huge, "text/csv")
    assert answer.status_code == 413  # type: ignore[attr-defined]
    assert json.loads(answer.body)["limit"] == limits.MAX_ROSTER  # type: ignore[attr-defined]
