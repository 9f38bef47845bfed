"""The reconciler: no filing that got a slip waits for an S3 record that never landed.

A request stores its change in DynamoDB, then writes the S3 record whose event moves
the workflow on (a submission's snapshot, a decision). If that write fails after the
transaction, the change is stored and answered, but no event follows. So the same
transaction marks the filing (`emit_shard`, `emit_at`: the filings' sparse emit
index), and this scheduled sweep reads only marked filings whose time has come. For
each it derives from the stored state what is owed, writes those records again
(the handlers are idempotent, so a record written twice does no harm), and looks
again later; once nothing is owed it removes the mark, conditionally, so that a
newer request's mark survives.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from chalicelib.forms import get_form
from chalicelib.store import s3
from chalicelib.store.models import Filing, Task, bind_models

log = logging.getLogger(__name__)
# Spreads the index's key: each shard under a partition's 1,000 writes a second at 1,000
# filings a second (benchmarks/REPORT.md, "The scale on paper"); a sweep queries each.
SHARDS = 16
# S3 -> SQS -> Lambda takes seconds; a record still owed this long after is missing.
GRACE = timedelta(minutes=5)


@dataclass(frozen=True)
class Reconciled:
    looked_at: int
    reemitted: tuple[str, ...]  # the S3 keys written again
    cleared: int


def mark_actions(now: datetime) -> list[Action]:
    """What a request that owes an S3 record adds to its transaction's filing update."""
    return [
        Filing.emit_shard.set(str(random.randrange(SHARDS))),
        Filing.emit_at.set(now + GRACE),
    ]


def mark(filing: Filing, now: datetime) -> None:
    """The same mark on a filing about to be put (a submission)."""
    filing.emit_shard = str(random.randrange(SHARDS))
    filing.emit_at = now + GRACE


def sweep(now: datetime) -> Reconciled:
    bind_models()
    looked_at = cleared = 0
    reemitted: list[str] = []
    for shard in range(SHARDS):
        for indexed in Filing.emit_index.query(str(shard), Filing.emit_at <= now):
            looked_at += 1
            try:
                filing = Filing.get(indexed.filing_id, consistent_read=True)
            except Filing.DoesNotExist:
                continue
            if filing.emit_at is None or filing.emit_at > now:
                continue  # cleared, or marked again, since the index was read
            owed = reemit(filing)
            reemitted += owed
            # Owed: look again later. Nothing owed: unmark, unless marked again meanwhile.
            actions: list[Action] = (
                [Filing.emit_at.set(now + GRACE)]
                if owed
                else [Filing.emit_shard.remove(), Filing.emit_at.remove()]
            )
            try:
                filing.update(actions=actions, condition=Filing.emit_at == filing.emit_at)
            except UpdateError as exc:
                if exc.cause_response_code != "ConditionalCheckFailedException":
                    raise
                continue
            cleared += not owed
    if reemitted:
        log.warning("re-emitted %d record(s): %s", len(reemitted), ",".join(reemitted))
    return Reconciled(looked_at, tuple(reemitted), cleared)


def reemit(filing: Filing) -> list[str]:
    """Write again each S3 record the filing's stored state shows is still owed."""
    from chalicelib.filing import advance, approve, submission

    keys: list[str] = []
    if filing.status == "submitted":  # on_filed has not opened its first stage
        key = s3.filing_key(filing.form, filing.filing_id)
        s3.put_json(key, submission.snapshot(filing))
        keys.append(key)
    if filing.status == "in_review":
        for task in Task.query(filing.filing_id, consistent_read=True):
            if task.status == "decided" and filing.step_status(task.step) == "open":
                key = s3.decision_key(filing.filing_id, task.step, int(task.link_gen))
                s3.put_json(key, approve.record(task))
                keys.append(key)
    kinds = advance.emit_due_documents(get_form(filing.form), filing)
    keys += [s3.approved_key(filing.filing_id, kind) for kind in kinds]
    return keys
