"""Poison messages: an event that fails every delivery goes, alone, to the dead-letter
queue after its receive limit, waits there, and is sent back by staff once fixed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from chalicelib.store import notify
from chalicelib.store.models import Filing
from devstack.local import Poller
from infra import resources
from ops import cli
from tests.support.stack import Stack, enterprise


def poller(stack: Stack) -> Poller:
    """The local stack's poller on the in-process app, failed messages back at once."""

    def handler(event: dict[str, Any], context: Any) -> Any:
        return stack.client.lambda_.invoke("on_event", event).payload

    return Poller(handler, stack.queue_url, retry_seconds=0)


def dlq_url(stack: Stack) -> str:
    return str(stack.sqs.get_queue_url(QueueName=resources.DEAD_LETTER_QUEUE)["QueueUrl"])


def waiting(stack: Stack, url: str) -> int:
    attrs = stack.sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(
        attrs["ApproximateNumberOfMessagesNotVisible"]
    )


def staff(*args: str) -> Any:
    return CliRunner().invoke(cli.main, list(args))


def test_a_poison_message_goes_alone_to_the_dead_letter_queue_and_is_redriven(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN two filings, and SMS failing for the first one's approvers for a long while
    poisoned = json.loads(stack.submit(enterprise(serial=1)).body)["filing_id"]
    healthy = json.loads(stack.submit(enterprise(serial=2, town="罗埠镇")).body)["filing_id"]
    send = notify.send

    def failing(message: notify.Message) -> None:
        if message.filing_id == poisoned and message.channel == "sms":
            raise RuntimeError("SNS refuses")
        send(message)

    monkeypatch.setattr(notify, "send", failing)
    # WHEN the queue is polled: both events arrive in one batch
    events = poller(stack)
    assert events.poll_once(wait_seconds=0) == 1
    # THEN the healthy filing went on at once (a partial batch response), the other waits
    assert Filing.get(healthy).status == "in_review"
    for _ in range(resources.MAX_RECEIVES - 1):
        assert events.poll_once(wait_seconds=0) == 0  # delivered again, failing again
    # AND after its receive limit it is in the dead-letter queue, not on the events queue
    assert events.poll_once(wait_seconds=0) == 0
    assert waiting(stack, stack.queue_url) == 0
    assert waiting(stack, dlq_url(stack)) == 1

    # WHEN staff list the dead-letter queue
    listed = staff("dlq", "list")
    assert listed.exit_code == 0, listed.output
    message_id, receives, key = listed.stdout.splitlines()[0].split("\t")
    # THEN they see the message, its deliveries, and the object it is about
    assert int(receives) > resources.MAX_RECEIVES  # its deliveries, and this look at it
    assert key == f"filings/enterprise-resumption/{poisoned}.json"
    assert waiting(stack, dlq_url(stack)) == 1  # listing leaves it there

    # WHEN the cause is fixed and staff redrive that message
    monkeypatch.setattr(notify, "send", send)
    assert staff("dlq", "redrive", "no-such-id").exit_code == 1
    redriven = staff("dlq", "redrive", message_id)
    assert redriven.exit_code == 0, redriven.output
    assert waiting(stack, dlq_url(stack)) == 0
    assert events.poll_once(wait_seconds=0) == 1
    # THEN the filing goes on, and its approvers are told once each (the email that went
    # out before the SMS failed is not sent again)
    assert Filing.get(poisoned).status == "in_review"
    sent = [
        (m["channel"], m["step"])
        for m in stack.outbox()
        if m["filing_id"] == poisoned and m["step"]  # the approvers' (not the applicant's slip)
    ]
    assert sorted(sent) == [("email", "town"), ("sms", "town")]


def test_redrive_all_empties_the_dead_letter_queue_and_wants_a_choice(stack: Stack) -> None:
    # GIVEN two messages that are not S3 events at all in the dead-letter queue
    for body in ("not json", json.dumps({"Records": [{"eventName": "x"}]})):
        stack.sqs.send_message(QueueUrl=dlq_url(stack), MessageBody=body)
    listed = staff("dlq", "list")
    assert listed.stdout.count("(not an S3 event)") == 2
    # WHEN staff redrive without saying what
    assert staff("dlq", "redrive").exit_code == 2
    # THEN nothing moved; with --all, both go back to the events queue
    assert waiting(stack, dlq_url(stack)) == 2
    assert staff("dlq", "redrive", "--all").exit_code == 0
    assert waiting(stack, dlq_url(stack)) == 0
    assert sorted(m["Body"] for m in stack.receive()) == [
        "not json",
        json.dumps({"Records": [{"eventName": "x"}]}),
    ]


@pytest.fixture
def china(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stack in Ningxia (cn-northwest-1, partition aws-cn): set before it is built."""
    from chalicelib.settings import get_settings
    from chalicelib.store import aws

    monkeypatch.setenv("AWS_DEFAULT_REGION", "cn-northwest-1")
    get_settings.cache_clear()
    aws.reset_clients()


def test_where_sqs_has_no_move_task_the_dead_letters_go_back_one_by_one(
    china: None, stack: Stack
) -> None:
    from ops import dlq

    # GIVEN a China region's stack, two dead letters
    assert stack.sqs.meta.partition == "aws-cn"
    for body in ("a", "b"):
        stack.sqs.send_message(QueueUrl=dlq_url(stack), MessageBody=body)
    from chalicelib.store import aws

    asked: list[str] = []
    aws.client("sqs").meta.events.register(
        "before-call.sqs.*", lambda model, **_: asked.append(model.name)
    )
    # WHEN staff redrive them all
    assert dlq.can_start_move_task() is False
    assert dlq.redrive_all() == ("one-by-one", 2)
    # THEN they are on the events queue, the dead-letter queue empty, and SQS was never
    # asked for the task the region lacks
    assert sorted(m["Body"] for m in stack.receive()) == ["a", "b"]
    assert waiting(stack, dlq_url(stack)) == 0
    assert "StartMessageMoveTask" not in asked and asked.count("SendMessage") == 2


def test_where_sqs_has_the_move_task_it_is_used(stack: Stack) -> None:
    from ops import dlq

    # GIVEN a global region's stack and a dead letter
    stack.sqs.send_message(QueueUrl=dlq_url(stack), MessageBody="a")
    calls: list[str] = []
    from types import SimpleNamespace

    from chalicelib.store import aws

    def refused(model: Any, **_: Any) -> Any:
        # the emulator has no move task: SQS's answer where a region lacks it
        calls.append(model.name)
        if model.name != "StartMessageMoveTask":
            return None
        error = {"Code": "AWS.SimpleQueueService.UnsupportedOperation", "Message": "no"}
        return SimpleNamespace(status_code=400), {
            "Error": error,
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }

    aws.client("sqs").meta.events.register("before-call.sqs.*", refused)
    # WHEN staff redrive them all
    assert dlq.can_start_move_task() is True
    # THEN the region's own task is asked for first, and refused, they go one by one
    assert dlq.redrive_all() == ("one-by-one", 1)
    assert calls.index("StartMessageMoveTask") < calls.index("SendMessage")
    assert [m["Body"] for m in stack.receive()] == ["a"]
