"""The slip and status page: its QR code drawn on the server as inline SVG, what happens
next and by when, and the same page in English through ?lang=en."""

from __future__ import annotations

import json
import re

from chalicelib import links
from chalicelib.core.clock import china_time
from chalicelib.store.models import Task
from tests.support.stack import Stack, enterprise


def submitted(stack: Stack) -> str:
    answer = stack.submit(enterprise(serial=41))
    assert answer.status_code == 201
    return str(json.loads(answer.body)["filing_id"])


def status_page(stack: Stack, filing_id: str, lang: str = "") -> tuple[int, str, dict[str, str]]:
    suffix = f"&lang={lang}" if lang else ""
    page = stack.client.http.get(
        f"/filings/{filing_id}?token={links.status_token(filing_id)}{suffix}"
    )
    return page.status_code, page.body.decode(), dict(page.headers)


def test_the_slip_carries_a_qr_code_of_its_link_and_no_script(stack: Stack) -> None:
    # GIVEN a filing just submitted
    filing_id = submitted(stack)

    # WHEN its status page is opened
    status, html, headers = status_page(stack, filing_id)

    # THEN it shows an inline SVG QR code, titled for screen readers, and no script at all
    assert status == 200
    svg = re.search(r"<svg viewBox=\"[0-9 ]+\" class=\"qr\"><title>([^<]+)</title>", html)
    assert svg is not None and svg.group(1) == "本页链接的二维码"
    assert "<script" not in html
    assert "script-src 'none'" in headers["Content-Security-Policy"]
    assert "扫码打开本页" in html


def test_what_happens_next_names_each_step_and_when_it_is_due(stack: Stack) -> None:
    # GIVEN a filing whose first step (the town's) has opened
    filing_id = submitted(stack)
    stack.pump()
    due = Task.get(filing_id, "town").due_at

    # WHEN its status page is opened
    _, html, _ = status_page(stack, filing_id)

    # THEN the town's step is due at its task's time, the district's within its due hours
    assert "<h2>接下来</h2>" in html
    assert (
        f'镇街专班审核：预计 <time datetime="{due.isoformat()}">{china_time(due)}</time> 前办结'
        in html
    )
    assert "随后区三服务办审核：24 小时内办结" in html

    # WHEN both steps approve
    stack.decide(stack.link("town", filing_id), "approve")
    stack.pump()
    stack.decide(stack.link("district", filing_id), "approve")
    stack.pump()
    _, html, _ = status_page(stack, filing_id)

    # THEN nothing is ahead and the page says so
    assert "<h2>接下来</h2>" not in html
    assert "全部审核已通过" in html


def test_the_page_switches_to_english_and_back(stack: Stack) -> None:
    # GIVEN a filing in review
    filing_id = submitted(stack)
    stack.pump()
    token = links.status_token(filing_id)

    # WHEN the Chinese page is opened THEN it offers English
    _, html, _ = status_page(stack, filing_id)
    assert '<html lang="zh-CN">' in html
    assert f'href="/filings/{filing_id}?token={token}&amp;lang=en"' in html

    # WHEN the English one is opened
    status, html, _ = status_page(stack, filing_id, "en")

    # THEN its labels are English, the slip number the same, and it offers Chinese back
    assert status == 200
    assert '<html lang="en">' in html
    assert "Slip number" in html and "What happens next" in html and "In review" in html
    assert "Town task force review: by <time" in html
    assert "then District service office review: within 24 hours" in html
    assert "回执编号" not in html
    assert f'href="/filings/{filing_id}?token={token}"' in html and ">中文</a>" in html
