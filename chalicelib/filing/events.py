"""The S3 -> SQS event handler: each record's object key names what happened."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from chalicelib.filing import advance
from chalicelib.logs import correlation, name_filing
from chalicelib.store import records

log = logging.getLogger(__name__)


def handle_records(records: Iterable[tuple[str, str]]) -> list[str]:
    """Handle each (message id, body) of one batch on its own; returns the ids of the
    messages that failed, for Lambda's partial batch response.

    Only those go back to the queue: SQS delivers them again (every step is
    idempotent) and, after its receive limit, to the dead-letter queue, without
    holding back the messages that went through.
    """
    failed: list[str] = []
    for message_id, body in records:
        try:
            with correlation(message_id):  # every record it logs names the message
                for key in object_keys(json.loads(body)):
                    dispatch(key)
        except Exception:
            log.exception("event message %s failed; SQS will deliver it again", message_id)
            failed.append(message_id)
    return failed


def batch_response(failed: Iterable[str]) -> dict[str, list[dict[str, str]]]:
    """Lambda's partial batch response (the event source mapping reports batch item
    failures: see `infra.resources.merge_template`)."""
    return {"batchItemFailures": [{"itemIdentifier": i} for i in failed]}


def object_keys(notification: dict[str, Any]) -> list[str]:
    if notification.get("Event") == "s3:TestEvent":
        return []  # sent once when the bucket's notification is configured
    return [
        record["s3"]["object"]["key"]
        for record in notification.get("Records", [])
        if str(record.get("eventName", "")).startswith("ObjectCreated")
    ]


def dispatch(raw_key: str) -> None:
    prefix, parts = records.parse_event_key(raw_key)
    if prefix == records.RISK_MAPS and len(parts) == 1:  # a map names no filing
        from chalicelib.filing import recheck

        recheck.on_map_stored(parts[0])
        return
    # filings/<form>/<id>; decisions/, approved/, standing/ <id>/...: the filing it is about
    name_filing(parts[1] if prefix == records.FILINGS and len(parts) == 2 else parts[0])
    if prefix == records.FILINGS and len(parts) == 2:
        advance.on_filed(parts[1])
    elif prefix == records.DECISIONS and len(parts) == 2:
        advance.on_decided(parts[0], parts[1].partition("@")[0])  # "<step>@<link gen>"
    elif prefix == records.APPROVED and len(parts) == 2:
        advance.on_approved(parts[0], parts[1])
    elif prefix == records.STANDING and len(parts) == 2:
        from chalicelib.documents import revocations  # only this event loads the seal

        revocations.on_standing_changed(parts[0])
    else:
        log.warning("no handler for object %s", raw_key)
