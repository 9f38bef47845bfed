"""The enterprise's own pages: its answers on the status page, steps that stop after a
rejection, a withdrawal confirmed on a page that says what it ends, a duplicate answered
with the first slip's number, the slip page refreshing itself, named downloads, the
pledge shown, a supplies order told where to collect; and a check-in not before arrival."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import unquote, urlencode

from chalicelib import links
from chalicelib.store.models import Filing, Task
from devstack import demo
from tests.support.phones import with_page_proof
from tests.support.stack import Stack, approved_enterprise, enterprise
from tests.support.supplies import order, place
from tests.support.workers import TODAY, WORKERS, worker


def status(stack: Stack, filing_id: str, suffix: str = "") -> str:
    token = links.status_token(filing_id)
    return str(stack.client.http.get(f"/filings/{filing_id}?token={token}{suffix}").body.decode())


def form_post(stack: Stack, path: str, **fields: str) -> object:
    return stack.client.http.post(
        path,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode(with_page_proof(stack, path, fields)).encode(),
    )


def test_the_status_page_shows_the_answers_and_stops_after_a_rejection(stack: Stack) -> None:
    filing_id = json.loads(stack.submit(enterprise(serial=51)).body)["filing_id"]
    # GIVEN no slip yet THEN the page refreshes itself
    assert '<meta http-equiv="refresh" content="3">' in status(stack, filing_id)
    stack.pump()
    html = status(stack, filing_id)
    assert 'http-equiv="refresh"' not in html
    # AND it shows the applicant's own answers, the phone unmasked
    assert 'id="answers"' in html and "13905791234" in html and "白龙桥镇工业区8号" in html
    # WHEN the town rejects THEN the district's step does not read 待办
    assert stack.decide(stack.link("town", filing_id), "reject", "材料不全").status_code == 200
    stack.pump()
    html = status(stack, filing_id)
    assert "待办" not in html and "不再办理" in html


def test_withdrawal_is_confirmed_on_a_page_that_spells_out_what_it_ends(stack: Stack) -> None:
    filing_id = approved_enterprise(stack, serial=52)
    token = links.status_token(filing_id)
    html = status(stack, filing_id)
    # THEN the status page links to the confirmation, apart from 报告开工, and posts nothing
    assert f'action="/filings/{filing_id}/withdraw' not in html
    assert html.index("报告开工") < html.index('id="withdraw"')
    assert (
        html.index('class="started"') < html.index("请保存本页链接") < html.index('id="withdraw"')
    )
    page = stack.client.http.get(f"/filings/{filing_id}/withdraw?token={token}").body.decode()
    assert "复工备案证明立即撤销" in page and "每一位员工" in page and "一体通行证" in page
    # WHEN a POST comes without the confirmation THEN nothing is withdrawn
    path = f"/filings/{filing_id}/withdraw?token={token}"
    unconfirmed = form_post(stack, path)
    assert unconfirmed.status_code == 303  # type: ignore[attr-defined]
    assert Filing.get(filing_id).status == "approved"
    # WHEN confirmed THEN withdrawn
    assert form_post(stack, path, confirmed="yes").status_code == 303  # type: ignore[attr-defined]
    assert Filing.get(filing_id).status == "withdrawn"


def test_a_duplicate_names_the_first_slip_and_whom_to_call(stack: Stack) -> None:
    first = json.loads(stack.submit(enterprise(serial=53)).body)
    body = {k: ("true" if v is True else str(v)) for k, v in enterprise(serial=53).items()}
    answer = form_post(stack, "/forms/enterprise-resumption", **body)
    html = answer.body.decode()  # type: ignore[attr-defined]
    assert answer.status_code == 409  # type: ignore[attr-defined]
    assert first["slip_no"] in html and first["filing_id"] not in html
    assert "请修改以下内容" not in html and 'href="tel:+8613905790000"' in html


def test_downloads_are_named_by_slip_and_kind(stack: Stack) -> None:
    filing_id = approved_enterprise(stack, serial=54)
    token = links.status_token(filing_id)
    slip_no = Filing.get(filing_id).slip_no
    answer = stack.client.http.get(f"/filings/{filing_id}/documents/slip?token={token}")
    location = unquote(unquote(answer.headers["Location"]))  # the header, within the query
    assert f"filename*=UTF-8''{slip_no}-回执.pdf" in location


def test_the_pledge_is_shown_above_its_box(stack: Stack) -> None:
    html = stack.client.http.get("/forms/enterprise-resumption").body.decode()
    assert 'id="pledge-commitment"' in html and "落实防疫主体责任" in html
    assert 'aria-describedby="pledge-commitment"' in html


def test_an_approved_supplies_order_says_where_and_when_to_collect(stack: Stack) -> None:
    demo.seed_stock()
    employer = approved_enterprise(stack, serial=55)
    filing_id = place(stack, order(employer, masks=100))
    assert stack.decide(stack.link("town", filing_id), "approve").status_code == 200
    stack.pump()
    html = status(stack, filing_id)
    assert 'id="pickup"' in html and "白龙桥镇人民政府便民服务中心" in html and "8:30" in html
    assert "下载证明" not in html


def test_worker_codes_read_as_words(stack: Stack) -> None:
    # (the origin's risk is the map's, not a choice on the form: chalicelib/core/risk.py)
    html = stack.client.http.get("/forms/worker-return").body.decode()
    assert '<option value="green">绿码</option>' in html
    assert '<option value="charter">包车（专列）</option>' in html
    english = stack.client.http.get("/forms/worker-return?lang=en").body.decode()
    assert '<option value="green">Green</option>' in english


def test_a_check_in_before_the_arrival_day_is_refused(stack: Stack) -> None:
    employer = approved_enterprise(stack, serial=56)
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    filing_id = json.loads(
        stack.post_json(WORKERS, worker(employer, serial=5, arrival_date=tomorrow)).body
    )["filing_id"]
    stack.pump()
    for step in ("employer", "village"):
        assert stack.decide(stack.link(step, filing_id), "approve").status_code == 200
        stack.pump()
    link = stack.link("checkin_village", filing_id)
    # THEN the page says so before anyone presses
    assert "还不能打卡" in stack.client.http.get(link).body.decode()
    # WHEN the village checks the worker in a day early THEN it is refused, nothing stored
    before = stack.item_count()
    answer = stack.decide(link, "approve")
    assert answer.status_code == 409
    assert json.loads(answer.body)["error"] == "too_early"
    page = form_post(stack, link, decision="approve")
    assert page.status_code == 409 and tomorrow in page.body.decode()  # type: ignore[attr-defined]
    assert stack.item_count() == before
    assert Task.get(filing_id, "checkin_village").status == "open"
