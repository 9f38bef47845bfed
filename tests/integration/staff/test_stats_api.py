"""`GET /api/stats` behind a staff link: the drive's statistics from the counters and the
stock, in one shape for the link's total and for each of its towns, scoped to its towns."""

from __future__ import annotations

import json
from typing import Any

from chalicelib import links
from chalicelib.core.towns import town_names
from chalicelib.forms import all_forms
from chalicelib.settings import get_settings
from chalicelib.staff import access
from devstack import demo
from tests.support.stack import Stack, enterprise
from tests.support.supplies import TOWN, approved_enterprise, order, place

BLOCK = {"filings", "figures", "enterprises", "workers", "documents", "stock"}


def get_stats(stack: Stack, token: str | None, **headers: str) -> tuple[int, Any]:
    path = f"/api/stats?token={token}" if token else "/api/stats"
    answer = stack.client.http.get(path, headers=headers)
    return answer.status_code, json.loads(answer.body)


def a_lifecycle(stack: Stack) -> None:
    """In 白龙桥镇: an enterprise (above scale, 80 of 120 back) approved and started, an
    order of 100 masks approved; in 罗埠镇: an enterprise in review."""
    demo.seed_stock()
    employer = approved_enterprise(stack)
    started = stack.client.http.post(
        f"/api/filings/{employer}/started?token={links.status_token(employer)}",
        headers={"Content-Type": "application/json"},
        body=b'{"started_on": "2020-02-12"}',
    )
    assert started.status_code == 200
    ordered = place(stack, order(employer, masks=100))
    stack.decide(stack.link("town", ordered), "approve")
    stack.pump()
    assert stack.submit(enterprise(serial=2, town="罗埠镇")).status_code == 201
    stack.pump()


def test_the_district_sees_every_towns_statistics_after_a_lifecycle(stack: Stack) -> None:
    # GIVEN a lifecycle in two towns and the district's staff link
    a_lifecycle(stack)
    token = access.staff_token("district_office", get_settings().district_scope)

    # WHEN the statistics are read
    status, body = get_stats(stack, token)

    # THEN every town and the total have the same shape
    assert status == 200
    assert body["scope"] == {
        "role": "district_office",
        "scope": get_settings().district_scope,
        "towns": list(town_names()),
    }
    assert set(body["towns"]) == set(town_names())
    assert set(body["total"]) == BLOCK
    assert all(set(block) == BLOCK for block in body["towns"].values())
    assert set(body["total"]["filings"]) == {spec.id for spec in all_forms()}
    assert set(body["total"]["figures"]) == {spec.id for spec in all_forms() if spec.figures}
    # AND the filings by form, town and status
    total = body["total"]
    assert total["filings"]["enterprise-resumption"]["approved"] == 1
    assert total["filings"]["enterprise-resumption"]["in_review"] == 1
    assert body["towns"]["罗埠镇"]["filings"]["enterprise-resumption"]["in_review"] == 1
    assert total["filings"]["supplies-order"]["approved"] == 1
    # AND the enterprises filed, approved and started, and the start rate above scale
    assert total["enterprises"] == {
        "filed": 2,
        "approved": 1,
        "started": 1,
        "approved_above_scale": 1,
        "started_above_scale": 1,
        "start_rate_above_scale": 1.0,
    }
    # AND workers returned against employees; no docking slips or passes yet
    assert total["workers"] == {
        "employees": 120,
        "returned": 80,
        "return_rate": 0.6667,
        "at_work": 0,  # no worker checked in (tests/integration/staff/test_at_work_rate.py)
        "at_work_rate": 0.0,
    }
    assert total["documents"] == {"docking_slip": 0, "pass": 0}
    # AND the order's figures, and the stock it was taken from
    assert total["figures"]["supplies-order"]["masks_approved"] == 100
    assert total["figures"]["supplies-order"]["masks_requested"] == 0
    assert body["towns"][TOWN]["stock"] == {
        "masks": 2900,
        "disinfectant": 1000,
        "thermometers": 100,
    }
    assert total["stock"]["masks"] == 2900
    # AND a town with nothing counted has no rates, not a division by zero
    assert body["towns"]["罗埠镇"]["enterprises"]["start_rate_above_scale"] is None
    assert body["towns"]["罗埠镇"]["workers"]["return_rate"] is None


def test_a_town_link_sees_its_own_town_only(stack: Stack) -> None:
    # GIVEN the same lifecycle and 罗埠镇's staff link, sent as a bearer token
    a_lifecycle(stack)
    token = access.staff_token("town_office", "罗埠镇")

    # WHEN it reads the statistics
    status, body = get_stats(stack, None, Authorization=f"Bearer {token}")

    # THEN only 罗埠镇 is in them: its filing in review, none of 白龙桥镇's figures or stock
    assert status == 200
    assert list(body["towns"]) == ["罗埠镇"]
    assert body["total"]["filings"]["enterprise-resumption"]["in_review"] == 1
    assert body["total"]["enterprises"]["approved"] == 0
    assert body["total"]["figures"]["supplies-order"]["masks_approved"] == 0
    assert body["total"]["stock"] == {"masks": 0, "disinfectant": 0, "thermometers": 0}
    assert TOWN not in json.dumps(body, ensure_ascii=False)


def test_without_a_valid_staff_link_nothing_is_shown(stack: Stack) -> None:
    token = access.staff_token("district_office", get_settings().district_scope)
    # WHEN no link, a tampered one, or an approval link is used THEN 403 without figures
    for bad in (None, token[:-2] + ("AA" if token[-2:] != "AA" else "BB")):
        status, body = get_stats(stack, bad)
        assert status == 403 and "total" not in body
    assert get_stats(stack, links.approval_token("f", "town", 1))[0] == 403
