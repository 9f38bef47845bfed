"""Checkpoints and their scan log over the stack: staff register a checkpoint from the
dashboard, its signed link posts queued scans (stored once by client id, counted per day,
flagged when a pass is seen too far apart too soon); the scanner page has its own CSP;
the worker's pass shows on screen with its sealed QR."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from chalicelib import links
from chalicelib.core.clock import utcnow
from chalicelib.staff import access
from chalicelib.store.models import Document, Scan
from tests.support.stack import Stack
from tests.support.workers import approved_employer, approved_worker


def staff() -> str:
    return access.staff_token("district_office", "婺城区")


def register(stack: Stack, name: str, town: str, lat: str = "", lng: str = "") -> Any:
    return stack.client.http.post(
        f"/dashboard/checkpoints?token={staff()}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode({"name": name, "town": town, "lat": lat, "lng": lng}).encode(),
    )


def checkpoint_token(stack: Stack, name: str, town: str, lat: str = "", lng: str = "") -> str:
    answer = register(stack, name, town, lat, lng)
    assert answer.status_code == 201
    url = re.search(r'href="(http://jiafuwu.test/scan\?[^"]+)"', answer.body.decode())
    assert url, "the page shows the checkpoint's link"
    return parse_qs(urlparse(url.group(1).replace("&amp;", "&")).query)["checkpoint"][0]


def scan(
    code: str, minutes_ago: int = 1, client_id: str | None = None, **changes: Any
) -> dict[str, Any]:
    at = (utcnow() - timedelta(minutes=minutes_ago)).isoformat()
    body = {
        "id": client_id or f"scan-{re.sub('[^A-Za-z0-9]', 'x', code)}-{abs(minutes_ago)}",
        "code": code,
        "at": at,
        "result": "valid",
    }
    return {**body, **changes}


def post(stack: Stack, token: str, scans: list[dict[str, Any]]) -> Any:
    return stack.post_json("/api/scans", {"checkpoint": token, "scans": scans})


def test_queued_scans_are_stored_once_and_counted_on_the_dashboard(stack: Stack) -> None:
    token = checkpoint_token(stack, "罗埠镇下徐村卡口", "罗埠镇")
    batch = [
        scan("K7Q3M9XH2P4R6T8W", 5),
        scan("K7Q3M9XH2P4R6T8W", 3, result="invalid", reason="revoked"),
    ]
    # WHEN a device sends its queue, then (its answer lost) sends it again
    first = post(stack, token, batch)
    again = post(stack, token, batch)
    # THEN each scan is stored once
    assert first.status_code == 200 and json.loads(first.body) == {
        "accepted": 2,
        "duplicates": 0,
        "flagged": 0,
    }
    assert json.loads(again.body) == {"accepted": 0, "duplicates": 2, "flagged": 0}
    assert Scan.count() == 2
    stored = Scan.get("scan-K7Q3M9XH2P4R6T8W-3")
    assert stored.reason == "revoked" and stored.expires_at is not None  # kept until its TTL
    # AND the dashboard counts two scans today at that checkpoint
    page = stack.client.http.get(f"/dashboard?token={staff()}").body.decode()
    row = re.search(
        r'<tr data-checkpoint="[0-9a-f]+"><th scope="row">罗埠镇下徐村卡口.*?</tr>', page
    )
    assert row and re.findall(r"<td>(\d+)</td>", row.group(0))[0] == "2"


def test_a_pass_seen_too_far_apart_too_soon_is_flagged(stack: Stack) -> None:
    # GIVEN two checkpoints about 15 km apart
    west = checkpoint_token(stack, "汤溪镇卡口", "汤溪镇", "29.05", "119.42")
    east = checkpoint_token(stack, "城东街道卡口", "城东街道", "29.09", "119.57")
    post(stack, west, [scan("AAAABBBBCCCCDDDD", 10)])
    # WHEN the same pass is shown at the other one 5 minutes later (180 km/h)
    answer = post(stack, east, [scan("AAAABBBBCCCCDDDD", 5)])
    # THEN the second scan is flagged, and the dashboard names the journey
    assert json.loads(answer.body)["flagged"] == 1
    page = stack.client.http.get(f"/dashboard?token={staff()}").body.decode()
    assert 'data-code="AAAABBBBCCCCDDDD"' in page and "汤溪镇卡口 与 城东街道卡口" in page
    # AND a pass seen there 2 hours apart is plausible: not flagged
    post(stack, west, [scan("EEEEFFFFGGGGHHHH", 180)])
    assert json.loads(post(stack, east, [scan("EEEEFFFFGGGGHHHH", 60)]).body)["flagged"] == 0


def test_hostile_scans_are_refused_naming_each_and_nothing_is_stored(stack: Stack) -> None:
    token = checkpoint_token(stack, "卡口", "罗埠镇")
    stored = stack.item_count()
    cases = [
        ({"checkpoint": token, "scans": [scan("K7Q3", client_id="x")]}, "scans[0].id"),
        ({"checkpoint": token, "scans": [scan("<script>")]}, "scans[0].code"),
        ({"checkpoint": token, "scans": [scan("K7Q3M9XH", result="ok")]}, "scans[0].result"),
        ({"checkpoint": token, "scans": [scan("K7Q3M9XH", at="yesterday")]}, "scans[0].at"),
        ({"checkpoint": token, "scans": [scan("K7Q3M9XH", minutes_ago=-60)]}, "scans[0].at"),
        (
            {"checkpoint": token, "scans": [scan("K7Q3M9XH", reason="DROP TABLE")]},
            "scans[0].reason",
        ),
        ({"checkpoint": token, "scans": [scan("K7Q3M9XH"), 7]}, "scans[1].id"),
        ({"checkpoint": token, "scans": []}, "scans"),
        (
            {
                "checkpoint": token,
                "scans": [scan("K7Q3M9XH", client_id=f"c-{i:08d}") for i in range(101)],
            },
            "scans",
        ),
    ]
    for body, field in cases:
        answer = stack.post_json("/api/scans", body)
        assert answer.status_code == 400, field
        assert field in json.loads(answer.body)["fields"], field
    # a forged, missing or other kind's token is refused too
    for forged in (token[:-2] + "xx", "", links.status_token("someone")):
        assert post(stack, forged, [scan("K7Q3M9XH")]).status_code == 403
    assert stack.item_count() == stored


def test_a_checkpoint_needs_a_name_and_a_town_and_sane_coordinates(stack: Stack) -> None:
    stored = stack.item_count()
    for name, town, lat, lng in (
        ("", "罗埠镇", "", ""),
        ("卡口", "火星", "", ""),
        ("卡口", "罗埠镇", "99", "119"),
        ("卡口", "罗埠镇", "nan", "x"),
    ):
        assert register(stack, name, town, lat, lng).status_code == 400
    town_link = access.staff_token("town_office", "罗埠镇")
    other_town = stack.client.http.post(
        f"/dashboard/checkpoints?token={town_link}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode({"name": "卡口", "town": "汤溪镇"}).encode(),
    )
    assert other_town.status_code == 400  # a town's link registers its own town's only
    assert stack.item_count() == stored


def test_only_the_scanner_page_may_run_script(stack: Stack) -> None:
    answer = stack.client.http.get("/scan")
    csp = answer.headers["Content-Security-Policy"]
    assert answer.status_code == 200 and "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    page = answer.body.decode()
    assert '<script src="/scan/jsQR.js"' in page and '<script src="/scan/scan.js"' in page
    for path in ("/", "/verify", "/forms/worker-return"):
        assert "script-src 'none'" in stack.client.http.get(path).headers["Content-Security-Policy"]
    for path, kind in (
        ("/scan/scan.js", "javascript"),
        ("/scan/jsQR.js", "javascript"),
        ("/scan-sw.js", "javascript"),
        ("/scan/scan.css", "css"),
    ):
        asset = stack.client.http.get(path)
        assert asset.status_code == 200 and kind in asset.headers["Content-Type"]


def test_the_pass_on_screen_shows_its_sealed_qr_the_masked_name_and_a_clock(stack: Stack) -> None:
    employer = approved_employer(stack)
    worker, code = approved_worker(stack, employer, serial=1)
    token = links.status_token(worker)
    status_page = stack.client.http.get(f"/filings/{worker}?token={token}").body.decode()
    assert f"/filings/{worker}/pass?token={token}" in status_page
    answer = stack.client.http.get(f"/filings/{worker}/pass?token={token}")
    page = answer.body.decode()
    assert answer.status_code == 200 and "<svg" in page and "冉*开" in page and "冉德开" not in page
    assert 'class="hand s' in page and 'http-equiv="refresh"' in page
    assert Document.get(code).valid_from in page
    assert "script-src 'none'" in answer.headers["Content-Security-Policy"]  # no script: CSS
    assert stack.client.http.get(f"/filings/{worker}/pass?token=bad").status_code == 403
    assert (
        stack.client.http.get(
            f"/filings/{employer}/pass?token={links.status_token(employer)}"
        ).status_code
        == 404
    )
