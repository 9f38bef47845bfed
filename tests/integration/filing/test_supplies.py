"""防疫物资申领 on the emulator: the town's approval takes the order from the town's stock
in the transaction that approves it; an order beyond the stock is refused naming what
is left, and takes nothing; staff set the levels within their link's scope."""

from __future__ import annotations

import json
from typing import Any

from chalicelib import links
from chalicelib.filing import stock
from chalicelib.settings import get_settings
from chalicelib.staff import access
from chalicelib.store import directory
from chalicelib.store.models import Filing
from devstack import demo
from tests.support.stack import Stack, enterprise
from tests.support.supplies import FORM, TOWN, approved_enterprise, figure, left, order, place


def test_an_approved_order_takes_its_quantities_from_the_towns_stock(stack: Stack) -> None:
    # GIVEN the demo town's stock and an order from one of its approved enterprises
    demo.seed_stock()
    employer = approved_enterprise(stack)
    filing_id = place(stack, order(employer, masks=500, disinfectant=10, thermometers=5))
    assert figure("masks_requested") == 500 and figure("masks_approved") == 0

    # WHEN the town approves it
    assert stack.decide(stack.link("town", filing_id), "approve").status_code == 200
    stack.pump()

    # THEN it is approved and the stock is down by exactly the order
    assert Filing.get(filing_id).status == "approved"
    assert left() == {"masks": 2500, "disinfectant": 990, "thermometers": 95}
    # AND the figures moved from requested to approved, in its town
    assert figure("masks_approved") == 500 and figure("disinfectant_approved") == 10
    assert figure("masks_requested") == 0
    # AND the enterprise is told it was approved
    told = [m for m in stack.outbox() if m["filing_id"] == filing_id and "已通过" in m["subject"]]
    assert told, "no approval notice"


def test_an_order_beyond_the_stock_is_refused_naming_what_is_left(stack: Stack) -> None:
    # GIVEN 3 barrels of disinfectant left and an order for 5 (with masks the stock covers)
    stock.set_levels(TOWN, {"masks": 100, "disinfectant": 3, "thermometers": 0}, "test")
    employer = approved_enterprise(stack)
    filing_id = place(stack, order(employer, masks=10, disinfectant=5))

    # WHEN the town approves it
    assert stack.decide(stack.link("town", filing_id), "approve").status_code == 200
    stack.pump()

    # THEN the order is refused with what is left, and nothing is taken, masks neither
    filing = Filing.get(filing_id)
    assert filing.status == "rejected"
    assert filing.reason == "库存不足：消毒液剩余 3 桶，申领 5 桶"
    assert left() == {"masks": 100, "disinfectant": 3, "thermometers": 0}
    assert figure("masks_approved") == 0 and figure("masks_requested") == 0
    # AND the enterprise's status view and its notice say why
    token = links.status_token(filing_id)
    view = json.loads(stack.client.http.get(f"/api/filings/{filing_id}?token={token}").body)
    assert view["status"] == "rejected" and view["reason"] == filing.reason
    notices = [
        m for m in stack.outbox() if m["filing_id"] == filing_id and "未通过" in m["subject"]
    ]
    assert notices and all("消毒液剩余 3 桶" in m["text"] for m in notices)
    # AND the official who approved it is told it could not be served, with no link to use
    office = directory.find("town_office", TOWN)
    refused = [
        m for m in stack.outbox() if m["filing_id"] == filing_id and "未能通过" in m["subject"]
    ]
    assert {m["to"] for m in refused} == {*office.emails, *office.phones}
    assert all("消毒液剩余 3 桶" in m["subject"] and not m["links"] for m in refused)

    # WHEN it orders again within the stock, and that order is approved
    again = place(stack, order(employer, masks=10, disinfectant=3))
    stack.decide(stack.link("town", again), "approve")
    stack.pump()
    # THEN the stock is down to none of the disinfectant, never below
    assert Filing.get(again).status == "approved"
    assert left() == {"masks": 90, "disinfectant": 0, "thermometers": 0}


def test_a_withdrawn_approved_order_gives_its_quantities_back(stack: Stack) -> None:
    # GIVEN an approved order of 20 masks
    demo.seed_stock()
    employer = approved_enterprise(stack)
    filing_id = place(stack, order(employer, masks=20))
    stack.decide(stack.link("town", filing_id), "approve")
    stack.pump()
    assert left()["masks"] == 2980
    # WHEN the enterprise withdraws it (the goods were not collected)
    answer = stack.client.http.post(
        f"/api/filings/{filing_id}/withdraw?token={links.status_token(filing_id)}",
        headers={"Content-Type": "application/json"},
        body=b"{}",
    )
    # THEN the masks are back in stock and no longer counted as handed out
    assert answer.status_code == 200
    assert left()["masks"] == 3000 and figure("masks_approved") == 0


def test_an_order_names_an_approved_enterprise_of_its_own_town(stack: Stack) -> None:
    # GIVEN an enterprise filing still in review, and an approved one in 白龙桥镇
    pending = json.loads(stack.submit(enterprise(serial=7)).body)["filing_id"]
    employer = approved_enterprise(stack)
    before = stack.item_count()
    # WHEN an order names the one in review THEN 400 naming the field
    answer = stack.post_json(f"/api/filings/{FORM}", order(pending, masks=1))
    assert answer.status_code == 400
    assert json.loads(answer.body)["fields"] == {"enterprise_filing_id": "企业须已通过复工备案"}
    # WHEN an order names the approved one but another town's stock THEN 400 naming town
    answer = stack.post_json(f"/api/filings/{FORM}", order(employer, town="罗埠镇", masks=1))
    assert answer.status_code == 400
    assert json.loads(answer.body)["fields"] == {"town": "须与企业复工备案的所在镇（乡、街道）一致"}
    # AND nothing was stored
    assert stack.item_count() == before


def put_stock(stack: Stack, town: str, token: str | None, body: Any) -> Any:
    from urllib.parse import quote

    suffix = f"?token={token}" if token else ""
    return stack.client.http.put(
        f"/api/stock/{quote(town)}{suffix}",
        headers={"Content-Type": "application/json"},
        body=json.dumps(body).encode(),
    )


def test_staff_set_the_stock_of_the_towns_their_link_covers(stack: Stack) -> None:
    town_link = access.staff_token("town_office", TOWN)
    district_link = access.staff_token("district_office", get_settings().district_scope)

    # WHEN the town's office sets its own levels THEN they are set, the others left as they are
    answer = put_stock(stack, TOWN, town_link, {"masks": 3000, "disinfectant": 1000})
    assert answer.status_code == 200
    assert json.loads(answer.body) == {
        "town": TOWN,
        "stock": {"masks": 3000, "disinfectant": 1000, "thermometers": 0},
    }
    # WHEN it tries another town's THEN 403 and that town's stock is unchanged
    assert put_stock(stack, "罗埠镇", town_link, {"masks": 5}).status_code == 403
    assert left("罗埠镇")["masks"] == 0
    # WHEN the district office sets another town's THEN it may
    assert put_stock(stack, "罗埠镇", district_link, {"thermometers": 40}).status_code == 200
    assert left("罗埠镇")["thermometers"] == 40
    # WHEN the values are bad THEN 400 naming each bad field, and nothing set
    answer = put_stock(stack, TOWN, town_link, {"masks": -1, "gloves": 3, "disinfectant": 2})
    assert answer.status_code == 400
    assert set(json.loads(answer.body)["fields"]) == {"masks", "gloves"}
    assert left()["disinfectant"] == 1000
    # WHEN there is no link, or an unknown town THEN 403, 404
    assert put_stock(stack, TOWN, None, {"masks": 1}).status_code == 403
    assert put_stock(stack, "火星镇", district_link, {"masks": 1}).status_code == 404


def test_the_dashboard_shows_the_stock_and_its_form_sets_it(stack: Stack) -> None:
    from urllib.parse import urlencode

    # GIVEN the demo stock and the town's dashboard link
    demo.seed_stock()
    token = access.staff_token("town_office", TOWN)
    page = stack.client.http.get(f"/dashboard?token={token}").body.decode()
    assert f'<tr data-stock-town="{TOWN}">' in page
    assert '<td data-item="disinfectant">1000</td>' in page
    # WHEN the form sets the thermometers and leaves the others blank
    answer = stack.client.http.post(
        f"/dashboard/stock?token={token}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode({"town": TOWN, "masks": "", "thermometers": "80"}).encode(),
    )
    # THEN back to the dashboard, with the thermometers set and the rest unchanged
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("#stock")
    assert left() == {"masks": 3000, "disinfectant": 1000, "thermometers": 80}
    # WHEN the form names another town THEN it is refused
    refused = stack.client.http.post(
        f"/dashboard/stock?token={token}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode({"town": "罗埠镇", "masks": "9"}).encode(),
    )
    assert refused.status_code == 403 and left("罗埠镇")["masks"] == 0
    # WHEN a level is not a whole number THEN a page names the item, and nothing is set
    bad = stack.client.http.post(
        f"/dashboard/stock?token={token}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode({"town": TOWN, "masks": "-5", "disinfectant": "7"}).encode(),
    )
    assert bad.status_code == 400 and "口罩：请输入整数" in bad.body.decode()
    assert left() == {"masks": 3000, "disinfectant": 1000, "thermometers": 80}


def test_the_order_form_is_a_page_with_every_item(stack: Stack) -> None:
    # WHEN the enterprise opens the form's page from its status page (a phone: no script)
    employer = approved_enterprise(stack)
    token = links.status_token(employer)
    page = stack.client.http.get(f"/forms/{FORM}?enterprise={employer}&token={token}")
    html = page.body.decode()
    # THEN it asks for each item with its unit; the enterprise is given, not asked for
    assert page.status_code == 200 and "<script" not in html
    for label in ("口罩（只）", "消毒液（桶）", "体温计（支）"):
        assert label in html
    assert f'<input type="hidden" name="enterprise_filing_id" value="{employer}">' in html
    assert 'id="f-enterprise_filing_id" name="enterprise_filing_id"' not in html
