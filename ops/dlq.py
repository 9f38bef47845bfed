"""The dead-letter queue: events that failed every delivery, for staff to inspect and,
once the cause is fixed, send back to the events queue (`python -m ops.cli dlq`).

Run from a workstation with a person's credentials (sqs:ReceiveMessage,
ChangeMessageVisibility and DeleteMessage on the dead-letter queue, SendMessage on the
events queue), never by the functions: their role has none of these. Redriving is
safe at any time: every handler is idempotent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from chalicelib.filing.events import object_keys
from chalicelib.settings import EVENTS_QUEUE
from chalicelib.store import aws
from infra.resources import DEAD_LETTER_QUEUE

# Where SQS has no dead-letter redrive task (StartMessageMoveTask): the China regions,
# by AWS's China documentation. There, and wherever the task is refused as unsupported,
# the messages are moved one by one (receive, send to the events queue, delete).
NO_MOVE_TASK_PARTITIONS = frozenset({"aws-cn"})
PEEK_SECONDS = 30  # a listed message is hidden this long while the listing runs
MAX_MESSAGES = 1000  # read at most this many in one command


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    keys: tuple[str, ...]  # the S3 objects whose events failed
    receives: int  # times received: its failed deliveries, and every look since
    sent_at: str  # epoch milliseconds, as SQS gives it
    body: str
    receipt_handle: str


def queue_url(name: str) -> str:
    return str(aws.client("sqs").get_queue_url(QueueName=name)["QueueUrl"])


def _keys(body: str) -> tuple[str, ...]:
    try:
        return tuple(unquote_plus(key) for key in object_keys(json.loads(body)))
    except (ValueError, TypeError, KeyError, AttributeError):
        return ()  # not an S3 notification: shown by its id alone


def _take(url: str) -> list[DeadLetter]:
    """Every message now on the queue, each once, hidden for PEEK_SECONDS."""
    sqs = aws.client("sqs")
    seen: dict[str, DeadLetter] = {}
    while len(seen) < MAX_MESSAGES:
        answer: dict[str, Any] = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=0,
            VisibilityTimeout=PEEK_SECONDS,
            AttributeNames=["All"],
        )
        messages = answer.get("Messages", [])
        if not messages:
            break
        for m in messages:
            attributes = m.get("Attributes", {})
            seen[m["MessageId"]] = DeadLetter(
                message_id=m["MessageId"],
                keys=_keys(m["Body"]),
                receives=int(attributes.get("ApproximateReceiveCount", 0)),
                sent_at=attributes.get("SentTimestamp", ""),
                body=m["Body"],
                receipt_handle=m["ReceiptHandle"],
            )
    return list(seen.values())


def _release(url: str, letters: list[DeadLetter]) -> None:
    sqs = aws.client("sqs")
    for letter in letters:
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=letter.receipt_handle, VisibilityTimeout=0
        )


def list_dead_letters() -> list[DeadLetter]:
    """What waits in the dead-letter queue; it all stays there."""
    url = queue_url(DEAD_LETTER_QUEUE)
    letters = _take(url)
    _release(url, letters)
    return letters


def redrive(message_id: str | None = None) -> list[DeadLetter]:
    """Send one message (by id), or every one (None), back to the events queue; the
    ones sent leave the dead-letter queue. Returns those sent."""
    sqs = aws.client("sqs")
    url, events_url = queue_url(DEAD_LETTER_QUEUE), queue_url(EVENTS_QUEUE)
    letters = _take(url)
    chosen = [x for x in letters if message_id is None or x.message_id == message_id]
    for letter in chosen:
        # Sent first, deleted after: a failure between the two leaves a duplicate,
        # which the handlers ignore, never a loss.
        sqs.send_message(QueueUrl=events_url, MessageBody=letter.body)
        sqs.delete_message(QueueUrl=url, ReceiptHandle=letter.receipt_handle)
    _release(url, [x for x in letters if x not in chosen])
    return chosen


def can_start_move_task() -> bool:
    """Whether the region's SQS offers StartMessageMoveTask, by its partition."""
    return str(aws.client("sqs").meta.partition) not in NO_MOVE_TASK_PARTITIONS


def redrive_all() -> tuple[str, int | None]:
    """Every dead letter back to the events queue, the region's way: SQS's own move task
    where it has one (("move-task", None): SQS moves them in the background), else one
    by one (("one-by-one", how many were sent)). Safe to repeat: handlers are idempotent."""
    sqs = aws.client("sqs")
    if can_start_move_task():
        url, events_url = queue_url(DEAD_LETTER_QUEUE), queue_url(EVENTS_QUEUE)
        arns = [
            sqs.get_queue_attributes(QueueUrl=u, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
            for u in (url, events_url)
        ]
        try:
            sqs.start_message_move_task(SourceArn=arns[0], DestinationArn=arns[1])
            return "move-task", None
        except sqs.exceptions.ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if "UnsupportedOperation" not in code and code != "InvalidAction":
                raise
    return "one-by-one", len(redrive(None))
