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
    sent = [(m["channel"], m["step"]) for m in stack.outbox() if m["filing_id"] == poisoned]
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
