"""A service request's life on moto: the district's service office assigns it to one of
the town's resident instructors, the instructor (sent a link of their own) records the
resolution, the enterprise confirms or reopens; a reopen gives the instructor a new link
and the old one answers 410; the reason stays in the timeline."""

from __future__ import annotations

import json
from typing import Any

from chalicelib import links
from chalicelib.store import directory
from chalicelib.store.models import Filing, Task
from devstack import demo
from tests.support.claims import decide, post_page
from tests.support.service_requests import request
from tests.support.stack import Stack, approved_enterprise

REQUESTS = "/api/filings/service-request"


def filed(stack: Stack, **changes: Any) -> str:
    enterprise_id = approved_enterprise(stack)
    answer = stack.post_json(REQUESTS, request(enterprise_id, **changes))
    assert answer.status_code == 201, answer.body
    stack.pump()
    return str(json.loads(answer.body)["filing_id"])


def sent_to(stack: Stack, step: str, filing_id: str) -> set[str]:
    return {
        m["to"] for m in stack.outbox() if m.get("step") == step and m["filing_id"] == filing_id
    }


def assigned(stack: Stack, filing_id: str, instructor: str = "白龙桥镇#2") -> None:
    answer = decide(stack, stack.link("assign", filing_id), "approve", instructor=instructor)
    assert answer.status_code == 200, answer.body
    stack.pump()


def test_the_assignment_page_offers_the_towns_instructors_only(stack: Stack) -> None:
    # GIVEN a request of an enterprise in 白龙桥镇
    filing_id = filed(stack)
    # WHEN the service office opens its link
    page = stack.client.http.get(stack.link("assign", filing_id)).body.decode()
    # THEN it offers each of that town's instructors by name, and no other town's
    offered = directory.choices("instructor", "白龙桥镇#")
    assert len(offered) == demo.INSTRUCTORS_PER_TOWN
    for scope, name in offered:
        assert f'<option value="{scope}"' in page and name in page
    assert "罗店镇#1" not in page
    assert "派单" in page


def test_an_instructor_not_offered_is_refused_inline_naming_the_field(stack: Stack) -> None:
    filing_id = filed(stack)
    link = stack.link("assign", filing_id)
    # WHEN another town's instructor is posted THEN it is refused, the link still open
    page = post_page(stack, link, decision="approve", instructor="罗店镇#1")
    assert page.status_code == 400
    assert "请从列出的选项中选择" in page.body.decode()
    answer = decide(stack, link, "approve")
    assert json.loads(answer.body)["fields"] == {"instructor": "请填写此项"}
    assert Task.get(filing_id, "assign").status == "open"


def test_a_request_is_assigned_resolved_reopened_resolved_again_and_confirmed(
    stack: Stack,
) -> None:
    # GIVEN a labour request (needs 150, 11 on duty)
    filing_id = filed(stack)
    # WHEN the service office assigns it to 白龙桥镇's second instructor
    assigned(stack, filing_id)
    # THEN the resolution step is routed to that instructor, who alone is sent its link
    task = Task.get(filing_id, "resolve")
    assert (task.role, task.scope) == ("instructor", "白龙桥镇#2")
    instructor = directory.find("instructor", "白龙桥镇#2")
    assert sent_to(stack, "resolve", filing_id) == {*instructor.emails, *instructor.phones}
    # AND the instructor's page asks for the resolution; a labour one needs the workers
    first_link = stack.link("resolve", filing_id)
    missing = decide(stack, first_link, "approve", resolution="已协调", loss_avoided="100")
    assert json.loads(missing.body)["fields"] == {"workers_delivered": "用工需求须填写此项"}
    done = decide(
        stack, first_link, "approve", resolution="三天内输送60人",
        workers_delivered="60", loss_avoided="1500000",
    )  # fmt: skip
    assert done.status_code == 200
    stack.pump()
    # AND the enterprise is asked to confirm, at its own contact
    assert sent_to(stack, "confirm", filing_id) == {"wang@example.com", "+8613905791234"}
    confirm = stack.link("confirm", filing_id)
    page = stack.client.http.get(confirm).body.decode()
    assert "确认已解决" in page and 'value="reopen"' in page and "三天内输送60人" in page
    # WHEN the enterprise reopens it without a reason THEN it is refused
    assert decide(stack, confirm, "reopen").status_code == 400
    # WHEN it reopens it with its reason
    assert decide(stack, confirm, "reopen", "仍缺90人").status_code == 200
    stack.pump()
    # THEN the filing is back with the instructor, under a new link; the old one is 410
    filing = Filing.get(filing_id)
    assert filing.status == "in_review"
    assert filing.step_status("resolve") == "open"
    assert filing.step_status("confirm") == "reopened"
    second_link = stack.link("resolve", filing_id)
    assert second_link != first_link
    assert Task.get(filing_id, "resolve").link_gen == 2
    assert stack.client.http.get(first_link).status_code == 410
    assert stack.client.http.get(second_link).status_code == 200
    # AND the instructor's new message says why it came back
    emails = [m for m in stack.outbox() if m.get("step") == "resolve" and m["channel"] == "email"]
    assert "仍缺90人" in emails[-1]["text"] and "仍缺90人" not in emails[0]["text"]
    # WHEN the instructor resolves it again (80 delivered) and the enterprise confirms
    again = decide(
        stack, second_link, "approve", resolution="又输送20人，共80人",
        workers_delivered="80", loss_avoided="2000000",
    )  # fmt: skip
    assert again.status_code == 200
    stack.pump()
    second_confirm = stack.link("confirm", filing_id)
    assert second_confirm != confirm
    assert stack.client.http.get(confirm).status_code == 410
    assert decide(stack, second_confirm, "approve", "谢谢").status_code == 200
    stack.pump()
    # THEN the request is resolved with the second resolution's figures
    filing = Filing.get(filing_id)
    assert filing.status == "approved"
    assert filing.output("resolve", "workers_delivered") == 80
    assert filing.output("resolve", "loss_avoided") == 2000000
    assert filing.output("assign", "instructor") == "白龙桥镇#2"
    # AND the timeline keeps every decision, the reopen with its reason
    token = links.status_token(filing_id)
    view = json.loads(stack.client.http.get(f"/api/filings/{filing_id}?token={token}").body)
    assert [(h["step"], h["decision"]) for h in view["history"]] == [
        ("assign", "approve"),
        ("resolve", "approve"),
        ("confirm", "reopen"),
        ("resolve", "approve"),
        ("confirm", "approve"),
    ]
    assert view["history"][2]["comment"] == "仍缺90人"
    assert ["驻企指导员", instructor.name] in view["history"][0]["shown"]
    status_page = stack.client.http.get(f"/filings/{filing_id}?token={token}").body.decode()
    assert "办理记录" in status_page and "仍缺90人" in status_page
    assert "已输送员工（人）：80" in status_page


def test_a_replayed_reopen_changes_nothing(stack: Stack) -> None:
    # GIVEN a request reopened once
    filing_id = filed(stack, category="物流", workers_needed=None, workers_on_duty=None)
    assigned(stack, filing_id)
    resolve = stack.link("resolve", filing_id)
    decide(stack, resolve, "approve", resolution="已开通绿色通道", loss_avoided="300000")
    stack.pump()
    assert (
        decide(stack, stack.link("confirm", filing_id), "reopen", "车辆仍被拦").status_code == 200
    )
    stack.pump()
    version = Filing.get(filing_id).version
    sent = len(stack.outbox())
    # WHEN the confirm decision's event is delivered again
    key = f"decisions/{filing_id}/confirm.json"
    record = {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": key}}}]}
    stack.deliver([json.dumps(record)])
    # THEN nothing changes and nothing is sent twice
    assert Filing.get(filing_id).version == version
    assert len(stack.outbox()) == sent
    assert Task.get(filing_id, "resolve").link_gen == 2


def test_the_service_office_may_decline_a_request(stack: Stack) -> None:
    filing_id = filed(stack, category="政策", workers_needed=None, workers_on_duty=None)
    answer = decide(stack, stack.link("assign", filing_id), "reject", "请向市级部门咨询")
    assert answer.status_code == 200
    stack.pump()
    assert Filing.get(filing_id).status == "rejected"
