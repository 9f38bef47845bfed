"""A staff JSON call may carry its link's token in the query or as a bearer (the
document's two security schemes): a good one never outvotes a bad one beside it
(schemathesis' ignored_auth found the bearer doing so)."""

from __future__ import annotations

import pytest

from chalicelib.settings import get_settings
from chalicelib.staff import access
from tests.support.stack import Stack


def _stats(stack: Stack, query: str | None, bearer: str | None) -> int:
    path = "/api/stats" + (f"?token={query}" if query else "")
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    return int(stack.client.http.get(path, headers=headers).status_code)


@pytest.mark.parametrize(
    ("query", "bearer", "status"),
    [
        ("good", None, 200),
        (None, "good", 200),
        ("good", "good", 200),
        ("bad", "good", 403),
        ("good", "bad", 403),
        (None, None, 403),
    ],
)
def test_a_bad_credential_is_never_outvoted(
    stack: Stack, query: str | None, bearer: str | None, status: int
) -> None:
    # GIVEN the district's staff token, and a tampered one
    good = access.staff_token("district_office", get_settings().district_scope)
    tokens = {"good": good, "bad": good[:-4] + "AAAA", None: None}
    # WHEN a statistics call carries them in the query, as a bearer, or both
    # THEN it is answered only when every credential it carries is good
    assert _stats(stack, tokens[query], tokens[bearer]) == status


@pytest.mark.parametrize(("query", "bearer"), [("bad", "good"), ("good", "bad")])
def test_the_risk_maps_upload_reads_its_link_the_same_way(
    stack: Stack, query: str, bearer: str
) -> None:
    # GIVEN a good district token beside a tampered one
    good = access.staff_token("district_office", get_settings().district_scope)
    tokens = {"good": good, "bad": good[:-4] + "AAAA"}
    before = stack.item_count()
    # WHEN a risk map is uploaded with both THEN it is refused, and nothing is stored
    answer = stack.client.http.post(
        f"/api/risk-maps?token={tokens[query]}",
        headers={"Authorization": f"Bearer {tokens[bearer]}", "Content-Type": "text/csv"},
        body=b"code,level\n520328,low\n",
    )
    assert answer.status_code == 403
    assert stack.item_count() == before


def test_a_revoked_staff_link_uploads_no_risk_map(stack: Stack) -> None:
    # GIVEN the district's staff link, revoked
    token = access.staff_token("district_office", get_settings().district_scope)
    access.revoke(access.read_staff_token(token).grant, "test")
    before = stack.item_count()
    # WHEN it uploads a map THEN it is refused like any revoked link, nothing stored
    answer = stack.client.http.post(
        "/api/risk-maps",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
        body=b"code,level\n520328,low\n",
    )
    assert answer.status_code == 403
    assert stack.item_count() == before
