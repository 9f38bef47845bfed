"""Approval links over HTTP: GET is read-only, POST decides once; tampered 403;
expired, used and superseded 410; two concurrent POSTs record one decision."""

from __future__ import annotations

import json
import threading

from itsdangerous.timed import TimestampSigner

from chalicelib.core.errors import Gone
from chalicelib.filing import approve
from chalicelib.store.models import Audit, Filing, Task
from tests.support.stack import Stack, enterprise


def open_filing(stack: Stack) -> tuple[str, str]:
    filing_id = json.loads(stack.submit(enterprise()).body)["filing_id"]
    stack.pump()
    return filing_id, stack.link("town")


def test_opening_a_link_shows_the_filing_and_changes_nothing(stack: Stack) -> None:
    filing_id, link = open_filing(stack)
    before = (Filing.get(filing_id).version, Task.get(filing_id, "town").attribute_values)
    objects = stack.s3.list_objects_v2(Bucket="jiafuwu-local-documents")["KeyCount"]
    # WHEN a mail scanner and then the approver open the link, several times
    pages = [stack.client.http.get(link) for _ in range(3)]
    # THEN each sees the filing in full (phone included) and a form that POSTs a decision
    for page in pages:
        assert page.status_code == 200
        html = page.body.decode()
        assert "金华市婺城区示例机械有限公司" in html
        assert "13905791234" in html
        assert 'method="post"' in html
        assert page.headers["Referrer-Policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    # AND nothing was written
    assert (Filing.get(filing_id).version, Task.get(filing_id, "town").attribute_values) == before
    assert stack.s3.list_objects_v2(Bucket="jiafuwu-local-documents")["KeyCount"] == objects


def test_a_tampered_link_is_forbidden(stack: Stack) -> None:
    _, link = open_filing(stack)
    payload, stamp, signature = link.removeprefix("/approve/").split(".")
    forged = f"/approve/{payload}.{stamp}.{signature[::-1]}"
    assert stack.client.http.get(forged).status_code == 403
    assert stack.decide(forged, "approve").status_code == 403
    assert stack.client.http.get("/approve/not-a-token").status_code == 403


def test_a_used_link_is_gone_and_records_nothing_more(stack: Stack) -> None:
    filing_id, link = open_filing(stack)
    assert stack.decide(link, "approve", "第一次").status_code == 200
    again = stack.decide(link, "reject", "第二次")
    assert again.status_code == 410
    assert json.loads(again.body)["reason"] == "used"
    assert stack.client.http.get(link).status_code == 410
    task = Task.get(filing_id, "town")
    assert (task.decision, task.comment) == ("approve", "第一次")
    assert [a.action for a in Audit.query(filing_id)] == ["submitted", "approve:town"]


def test_an_expired_link_is_gone(stack: Stack, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    filing_id, link = open_filing(stack)
    issued = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued(self) + 73 * 3600)
    page = stack.client.http.get(link)
    assert page.status_code == 410
    assert "过期" in page.body.decode()
    assert stack.decide(link, "approve").status_code == 410
    assert Task.get(filing_id, "town").status == "open"


def test_a_reissued_or_ended_link_is_superseded(stack: Stack) -> None:
    filing_id, link = open_filing(stack)
    # WHEN a newer link is issued for the step (its generation bumped)
    task = Task.get(filing_id, "town")
    task.update(actions=[Task.link_gen.add(1)])
    # THEN the old one is gone as superseded
    answer = stack.decide(link, "approve")
    assert answer.status_code == 410
    assert json.loads(answer.body)["reason"] == "superseded"


def test_a_link_to_an_ended_filing_is_superseded(stack: Stack) -> None:
    filing_id, link = open_filing(stack)
    Filing.get(filing_id).update(actions=[Filing.status.set("withdrawn")])
    assert stack.client.http.get(link).status_code == 410


def test_two_concurrent_posts_of_one_link_record_one_decision(stack: Stack) -> None:
    filing_id, link = open_filing(stack)
    token = link.removeprefix("/approve/")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def post(decision: str, comment: str) -> None:
        start.wait()
        try:
            approve.decide(token, decision, comment, "127.0.0.1")
            outcomes.append("decided")
        except Gone as gone:
            outcomes.append(gone.reason)

    threads = [threading.Thread(target=post, args=a) for a in [("approve", "甲"), ("reject", "乙")]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # THEN one POST decided, the other found the link used
    assert sorted(outcomes) == ["decided", "used"]
    decisions_recorded = [a for a in Audit.query(filing_id) if a.action.endswith(":town")]
    assert len(decisions_recorded) == 1
    stack.pump()
    filing = Filing.get(filing_id)
    assert filing.step_status("town") in ("approved", "rejected")


def test_a_reissued_link_works_and_every_earlier_one_is_gone(stack: Stack) -> None:
    from click.testing import CliRunner

    from ops import cli

    filing_id, old = open_filing(stack)
    # WHEN the district office reissues the town's link (the old one expired, say)
    result = CliRunner().invoke(cli.main, ["reissue", filing_id, "town", "--by", "区三服务办"])
    assert result.exit_code == 0, result.output
    # THEN the town's office is sent a new link, and the old one is superseded
    new = stack.link("town", filing_id)
    assert new != old
    assert stack.client.http.get(old).status_code == 410
    assert stack.decide(new, "approve").status_code == 200
    # AND a decided step has no link to reissue
    again = CliRunner().invoke(cli.main, ["reissue", filing_id, "town", "--by", "x"])
    assert again.exit_code != 0 and "StepNotOpen" in again.output
