"""An approver's page as a person uses it: a decision confirmed on a second page in the
step's own words, the comment error at the top, the decided page repeating it all, the
evidence opened through a short-lived link, and a used link naming whom to call."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import requests

from chalicelib.store.models import Filing, Task
from tests.support.claims import decide, upload
from tests.support.service_requests import request
from tests.support.stack import Stack, approved_enterprise, enterprise
from tests.support.subsidies import PASSENGERS, charter


def page_post(stack: Stack, path: str, **form: str) -> Any:
    return stack.client.http.post(
        path,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode(form).encode(),
    )


def test_a_rejection_is_confirmed_then_repeated(stack: Stack) -> None:
    filing_id = json.loads(stack.submit(enterprise(serial=41)).body)["filing_id"]
    stack.pump()
    link = stack.link("town", filing_id)
    # WHEN the approver presses 驳回 without a comment
    missing = page_post(stack, link, decision="reject", comment="")
    html = missing.body.decode()
    # THEN the error is in the summary at the top, linked to the marked field
    assert missing.status_code == 400
    assert html.index('id="error-summary"') < html.index('class="facts"')
    assert 'href="#comment"' in html and 'aria-invalid="true" aria-describedby="e-comment"' in html
    # WHEN they give a reason THEN a confirmation page asks, nothing is recorded yet
    asked = page_post(stack, link, decision="reject", comment="材料不全")
    html = asked.body.decode()
    assert asked.status_code == 200 and "确认驳回？" in html and "材料不全" in html
    assert 'name="confirmed" value="yes"' in html
    assert Task.get(filing_id, "town").status == "open"
    # AND going back keeps the comment
    back = page_post(stack, link, decision="reject", comment="材料不全", edit="1")
    assert back.status_code == 200 and ">材料不全</textarea>" in back.body.decode()
    # WHEN they confirm THEN it is recorded, and the page names the filing and repeats it
    done = page_post(stack, link, decision="reject", comment="材料不全", confirmed="yes")
    html = done.body.decode()
    assert done.status_code == 200 and Task.get(filing_id, "town").decision == "reject"
    assert "决定已记录" in html and "驳回" in html and "材料不全" in html
    assert Filing.get(filing_id).slip_no in html and "金华市婺城区示例机械有限公司" in html


def test_each_decision_is_confirmed_in_its_own_words(stack: Stack) -> None:
    enterprise_id = approved_enterprise(stack)
    filing_id = json.loads(
        stack.post_json("/api/filings/service-request", request(enterprise_id)).body
    )["filing_id"]
    stack.pump()
    assign = stack.link("assign", filing_id)
    asked = page_post(stack, assign, decision="approve", instructor="白龙桥镇#2").body.decode()
    assert "确认派单？" in asked and "已通过" not in asked
    done = page_post(
        stack, assign, decision="approve", instructor="白龙桥镇#2", confirmed="yes"
    ).body.decode()
    assert "派单" in done and "已通过" not in done
    stack.pump()
    resolve = stack.link("resolve", filing_id)
    answer = decide(
        stack,
        resolve,
        "approve",
        resolution="已招到工人",
        workers_delivered="150",
        loss_avoided="10000",
    )
    assert answer.status_code == 200, answer.body
    stack.pump()
    confirm = stack.link("confirm", filing_id)
    asked = page_post(stack, confirm, decision="reopen", comment="人数不够").body.decode()
    assert "确认未解决，重新办理？" in asked and "驳回" not in asked
    english = page_post(stack, confirm + "?lang=en", decision="reopen", comment="x").body.decode()
    assert "确认" not in english and "未解决" not in english


def test_the_passenger_list_opens_through_a_short_lived_link(stack: Stack) -> None:
    enterprise_id = approved_enterprise(stack)
    key = upload(stack, "charter-subsidy", "passenger_list", PASSENGERS)
    answer = stack.post_json("/api/filings/charter-subsidy", charter(enterprise_id, key))
    assert answer.status_code == 201, answer.body
    filing_id = json.loads(answer.body)["filing_id"]
    stack.pump()
    page = stack.client.http.get(stack.link("commerce", filing_id)).body.decode()
    # THEN the page shows the file's name, size and type, not its storage key
    assert f">{key}<" not in page
    assert 'class="evidence"' in page and "乘车人员名单.csv" in page and "text/csv" in page
    assert f"{len(PASSENGERS) / 1024:.1f} KB" in page
    # AND the link downloads it, with its name
    url = (
        page.split('class="evidence"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    )
    got = requests.get(url, timeout=10)
    assert got.status_code == 200 and got.content == PASSENGERS
    assert "filename*=UTF-8''" in got.headers["Content-Disposition"]


def test_a_used_link_names_the_district_office_and_its_phone(stack: Stack) -> None:
    filing_id = json.loads(stack.submit(enterprise(serial=42)).body)["filing_id"]
    stack.pump()
    link = stack.link("town", filing_id)
    assert stack.decide(link, "approve").status_code == 200
    used = stack.client.http.get(link)
    html = used.body.decode()
    assert used.status_code == 410
    assert "婺城区三服务办" in html and 'href="tel:+8613905790000"' in html
