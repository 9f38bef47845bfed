"""退回补正 end to end: an approver sends named fields back from the link's page, the
applicant is told and corrects only those through the status link, the corrected
filing is a new revision with both kept, and it returns to the same step with a new
link while every earlier one answers 410. Each refusal changes nothing."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from chalicelib import links
from chalicelib.store import records
from chalicelib.store.models import Filing, Task
from tests.support.stack import Stack, enterprise

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def opened(stack: Stack) -> tuple[str, str]:
    filing_id = json.loads(stack.submit(enterprise()).body)["filing_id"]
    stack.pump()
    return filing_id, stack.link("town", filing_id)


def send_back(stack: Stack, link: str, **fields: str) -> Any:
    body = {"decision": "send_back", **{f"correct.{k}": v for k, v in fields.items()}}
    return stack.client.http.post(
        link, headers={**FORM, "Accept": "application/json"}, body=urlencode(body).encode()
    )


def correct(stack: Stack, filing_id: str, **fields: str) -> Any:
    path = f"/filings/{filing_id}/correct?token={links.status_token(filing_id)}"
    return stack.client.http.post(path, headers=FORM, body=urlencode(fields).encode())


def test_a_send_back_the_correction_and_the_same_step_again(stack: Stack) -> None:
    filing_id, link = opened(stack)
    # GIVEN the approver's page offers a send-back for the step's declared fields
    page = stack.client.http.get(link).body.decode()
    assert 'name="correct.address"' in page and 'name="correct.uscc"' not in page
    # WHEN the town sends the address and the masks back, each with a comment
    answer = send_back(stack, link, address="请写全门牌号", masks="与库存不符")
    assert answer.status_code == 200 and json.loads(answer.body)["decision"] == "send_back"
    stack.pump()
    # THEN the step waits for the applicant, who is told by SMS and email what to correct
    filing = Filing.get(filing_id)
    assert (filing.status, filing.step_status("town")) == ("in_review", "sent_back")
    told = [m for m in stack.outbox() if m["filing_id"] == filing_id and "补正" in m["subject"]]
    assert {m["channel"] for m in told} == {"sms", "email"}
    assert all("请写全门牌号" in m["text"] for m in told)
    # AND the link is used; the status page points to the correction
    assert stack.client.http.get(link).status_code == 410
    status = stack.client.http.get(f"/filings/{filing_id}?token={links.status_token(filing_id)}")
    assert 'id="correction"' in status.body.decode()
    # WHEN the applicant opens it THEN only those two are inputs, the rest read-only
    path = f"/filings/{filing_id}/correct?token={links.status_token(filing_id)}"
    form = stack.client.http.get(path).body.decode()
    assert 'name="address"' in form and 'name="masks"' in form
    assert 'name="enterprise_name"' not in form and "金华市婺城区示例机械有限公司" in form
    # WHEN they correct them
    done = correct(stack, filing_id, address="白龙桥镇工业区8号2幢", masks="2500")
    assert done.status_code == 303
    stack.pump()
    # THEN the filing is its second revision, both kept: the first snapshot and this one
    filing = Filing.get(filing_id)
    assert filing.data["address"] == "白龙桥镇工业区8号2幢" and filing.data["masks"] == 2500
    assert filing.data["uscc"] == enterprise()["uscc"] and filing.data_rev == 2
    first = json.loads(
        stack.s3.get_object(
            Bucket="jiafuwu-local-documents", Key=records.filing_key(filing.form, filing_id)
        )["Body"].read()
    )
    second = json.loads(
        stack.s3.get_object(
            Bucket="jiafuwu-local-documents", Key=records.revision_key(filing_id, 2)
        )["Body"].read()
    )
    assert first["data"]["address"] == "白龙桥镇工业区8号" and second["data"]["masks"] == 2500
    decisions = [(h["decision"], h["step"]) for h in filing.history]
    assert decisions == [("send_back", "town"), ("corrected", "town")]
    assert filing.history[1]["changes"]["masks"] == [3000, 2500]
    # AND the same step is open again with a new link generation; the old one stays gone
    task = Task.get(filing_id, "town")
    assert (task.status, task.link_gen) == ("open", 2)
    new = stack.link("town", filing_id)
    assert new != link and stack.client.http.get(link).status_code == 410
    assert stack.decide(new, "approve").status_code == 200
    stack.pump()
    assert Filing.get(filing_id).step_status("district") == "open"


def test_a_field_the_step_may_not_send_back_is_refused_and_nothing_changes(stack: Stack) -> None:
    filing_id, link = opened(stack)
    before = stack.item_count()
    answer = send_back(stack, link, uscc="核对", address="写全")
    assert answer.status_code == 400
    assert json.loads(answer.body) == {
        "error": "not_correctable",
        "fields": {"uscc": "此项不在补正范围内或未填写意见"},
    }
    nothing = send_back(stack, link)
    assert nothing.status_code == 400
    page = stack.client.http.post(
        link,
        headers=FORM,
        body=urlencode({"decision": "send_back", "correct.uscc": "x", "confirmed": "yes"}).encode(),
    )
    assert page.status_code == 400 and "不能退回" in page.body.decode()
    assert stack.item_count() == before and Task.get(filing_id, "town").status == "open"


def test_the_correction_refuses_other_fields_bad_values_and_a_second_time(stack: Stack) -> None:
    filing_id, link = opened(stack)
    send_back(stack, link, address="请写全门牌号")
    stack.pump()
    before = (stack.item_count(), Filing.get(filing_id).version)
    # WHEN the applicant also changes a field not sent back THEN 400 naming it, nothing stored
    other = correct(stack, filing_id, address="新地址1号", uscc="91330702MA2D000017")
    assert other.status_code == 400 and "只能修改退回补正的内容" in other.body.decode()
    # WHEN the value breaks the form's rule THEN 400 on the same form, nothing stored
    bad = correct(stack, filing_id, address="")
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.body.decode()
    # WHEN the status token is wrong THEN 403
    forged = stack.client.http.post(
        f"/filings/{filing_id}/correct?token=x", headers=FORM, body=b"address=a"
    )
    assert forged.status_code == 403
    assert (stack.item_count(), Filing.get(filing_id).version) == before
    # AND once corrected, a second correction finds nothing waiting
    assert correct(stack, filing_id, address="新地址1号").status_code == 303
    again = correct(stack, filing_id, address="再改")
    assert again.status_code == 409
    assert Filing.get(filing_id).data["address"] == "新地址1号"
