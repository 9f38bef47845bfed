"""The S3 -> SQS event handler: each record's object key names what happened."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from chalicelib import lifecycle, storage

log = logging.getLogger(__name__)


def handle_bodies(bodies: Iterable[str]) -> int:
    """Handle the SQS message bodies of one batch; returns the S3 records handled.

    An exception leaves the whole batch to SQS, which delivers it again (every
    step is idempotent) and, after its receive limit, to the dead-letter queue.
    """
    handled = 0
    for body in bodies:
        for key in object_keys(json.loads(body)):
            dispatch(key)
            handled += 1
    return handled


def object_keys(notification: dict[str, Any]) -> list[str]:
    if notification.get("Event") == "s3:TestEvent":
        return []  # sent once when the bucket's notification is configured
    return [
        record["s3"]["object"]["key"]
        for record in notification.get("Records", [])
        if str(record.get("eventName", "")).startswith("ObjectCreated")
    ]


def dispatch(raw_key: str) -> None:
    prefix, parts = storage.parse_event_key(raw_key)
    if prefix == storage.FILINGS and len(parts) == 2:
        lifecycle.on_filed(parts[1])
    elif prefix == storage.DECISIONS and len(parts) == 2:
        lifecycle.on_decided(parts[0], parts[1].partition("@")[0])  # "<step>@<link gen>"
    elif prefix == storage.APPROVED and len(parts) == 2:
        lifecycle.on_approved(parts[0], parts[1])
    else:
        log.warning("no handler for object %s", raw_key)
