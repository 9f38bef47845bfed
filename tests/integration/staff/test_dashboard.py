"""The staff dashboard behind a signed staff link: figures by town from the counters,
the pending queue with its age, each link scoped to its role's towns."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from chalicelib.settings import get_settings
from chalicelib.staff import access
from chalicelib.store import counters
from ops import cli
from tests.support.stack import Stack, enterprise


def dashboard(stack: Stack, token: str) -> tuple[int, str, dict[str, str]]:
    page = stack.client.http.get(f"/dashboard?token={token}")
    return page.status_code, page.body.decode(), dict(page.headers)


def bar_total(html: str, town: str) -> int:
    found = re.search(rf'<li class="town-bar" data-town="{town}" data-total="(\d+)"', html)
    assert found is not None, f"no bar for {town}"
    return int(found.group(1))


def file_three(stack: Stack) -> list[str]:
    """Two filings in 白龙桥镇, one in 罗埠镇, each opened for the town's decision."""
    ids = []
    for serial, town in [(51, "白龙桥镇"), (52, "白龙桥镇"), (53, "罗埠镇")]:
        answer = stack.submit(enterprise(serial=serial, town=town))
        assert answer.status_code == 201
        ids.append(json.loads(answer.body)["filing_id"])
    stack.pump()
    return ids


def test_the_district_sees_every_town_counted_and_the_queue_oldest_first(stack: Stack) -> None:
    # GIVEN three filings in two towns, in review, and the district's staff link
    ids = file_three(stack)
    token = access.staff_token("district_office", get_settings().district_scope)

    # WHEN the dashboard is opened
    status, html, headers = dashboard(stack, token)

    # THEN each town's bar and row count its filings; the towns with nothing are named
    # once, not drawn as 25 empty bars and rows
    assert status == 200
    assert "script-src 'none'" in headers["Content-Security-Policy"]
    assert bar_total(html, "白龙桥镇") == 2 and bar_total(html, "罗埠镇") == 1
    assert html.count('class="town-bar"') == 2
    assert html.count("<tr data-town=") == 2
    assert "其余 25 个镇街暂无申请和指标" in html
    assert re.search(
        r'<tr data-town="罗埠镇"><th scope="row">罗埠镇</th><td>0</td><td>1</td>', html
    )
    # AND the queue lists the three, oldest first, with their age in hours
    slips = re.findall(r'<tr class=""><td class="code">([^<]+)</td>', html)
    from chalicelib.store.models import Filing

    assert slips == [Filing.get(i).slip_no for i in ids]
    assert "0 小时" in html

    # WHEN the first is approved by its town
    stack.decide(stack.link("town", ids[0]), "approve")
    stack.pump()
    _, html, _ = dashboard(stack, token)

    # THEN it is still counted in its town's bar, and still waiting (for the district)
    assert bar_total(html, "白龙桥镇") == 2
    assert len(re.findall(r'<td class="code">', html)) == 3


def test_a_town_link_sees_its_own_town_only(stack: Stack) -> None:
    # GIVEN filings in two towns and 罗埠镇's staff link
    file_three(stack)
    token = access.staff_token("town_office", "罗埠镇")

    # WHEN its dashboard is opened
    status, html, _ = dashboard(stack, token)

    # THEN only 罗埠镇's bar, row and queue are on it
    assert status == 200
    assert html.count('class="town-bar"') == 1 and bar_total(html, "罗埠镇") == 1
    assert "白龙桥镇" not in html
    assert len(re.findall(r'<td class="code">', html)) == 1


def test_a_missing_tampered_or_expired_link_is_refused(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = access.staff_token("district_office", get_settings().district_scope)
    # WHEN no token, or a changed one, is used THEN 403 and nothing of the figures
    assert stack.client.http.get("/dashboard").status_code == 403
    status, html, _ = dashboard(stack, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    assert status == 403 and "town-bar" not in html
    # WHEN an approval link (another salt) is used as a staff link THEN 403
    from chalicelib import links

    assert dashboard(stack, links.approval_token("f", "town", 1))[0] == 403
    # WHEN the link is past its lifetime THEN 410
    monkeypatch.setattr(access, "STAFF_LINK_DAYS", -1)
    assert dashboard(stack, token)[0] == 410


def test_the_staff_link_command_prints_a_link_that_opens_the_dashboard(stack: Stack) -> None:
    # WHEN the command issues a link for a town
    result = CliRunner().invoke(
        cli.main, ["staff-link", "--role", "town_office", "--scope", "白龙桥镇"]
    )
    # THEN it prints the dashboard's address, which opens that town's dashboard
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert url.startswith(f"{get_settings().public_base_url}/dashboard?token=")
    page = stack.client.http.get(url.removeprefix(get_settings().public_base_url))
    assert page.status_code == 200 and 'data-town="白龙桥镇"' in page.body.decode()
    # WHEN the scope is not a town THEN it refuses
    refused = CliRunner().invoke(cli.main, ["staff-link", "--role", "town_office", "--scope", "x"])
    assert refused.exit_code != 0 and "no staff link" in refused.output


def test_the_line_over_days_counts_each_days_submissions_in_the_links_scope(
    stack: Stack,
) -> None:
    from datetime import timedelta

    from chalicelib.core.clock import CHINA, utcnow
    from chalicelib.store.tx import transaction

    # GIVEN three filings today in two towns, and five in 罗埠镇 three days ago
    file_three(stack)
    today = utcnow().astimezone(CHINA).date()
    earlier = today - timedelta(days=3)
    with transaction() as tx:
        counters.move(
            tx,
            {
                counters.submissions_counter("enterprise-resumption", scope, earlier): 5
                for scope in ("罗埠镇", counters.WHOLE_DISTRICT)
            },
        )

    def points(token: str) -> dict[str, int]:
        html = dashboard(stack, token)[1]
        found = re.findall(r'<g class="day-point" data-day="([0-9-]+)" data-count="(\d+)">', html)
        return {day: int(n) for day, n in found}

    # WHEN the district's dashboard is opened THEN 14 days, today's three and the five
    district = points(access.staff_token("district_office", get_settings().district_scope))
    assert len(district) == 14 and max(district) == today.isoformat()
    assert district[today.isoformat()] == 3 and district[earlier.isoformat()] == 5
    assert sum(district.values()) == 8

    # WHEN 罗埠镇's is opened THEN only its own: one today, five before
    town = points(access.staff_token("town_office", "罗埠镇"))
    assert town[today.isoformat()] == 1 and town[earlier.isoformat()] == 5
    assert sum(town.values()) == 6
