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
from dataclasses import dataclass
from datetime import datetime

from chalicelib.core.workflow import TAKEN_BACK
from chalicelib.documents import revocations
from chalicelib.documents.issue import emit_due_documents
from chalicelib.forms import get_form
from chalicelib.store import records
from chalicelib.store.models import EMIT_SHARDS, Filing, Task, bind_models
from chalicelib.store.tx import Action, update_if

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reconciled:
    looked_at: int
    reemitted: tuple[str, ...]  # the S3 keys written again
    cleared: int


def sweep(now: datetime) -> Reconciled:
    bind_models()
    looked_at = cleared = 0
    reemitted: list[str] = []
    for shard in range(EMIT_SHARDS):
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
                [Filing.emit_at.set(now + records.GRACE)]
                if owed
                else [Filing.emit_shard.remove(), Filing.emit_at.remove()]
            )
            if update_if(filing, actions, Filing.emit_at == filing.emit_at):
                cleared += not owed
    if reemitted:
        log.warning("re-emitted %d record(s): %s", len(reemitted), ",".join(reemitted))
    return Reconciled(looked_at, tuple(reemitted), cleared)


def reemit(filing: Filing) -> list[str]:
    """Write again each S3 record the filing's stored state shows is still owed."""
    keys: list[str] = []
    if filing.status == "submitted":  # on_filed has not opened its first stage
        keys.append(records.put_snapshot(filing))
    if filing.status == "in_review":
        for task in Task.query(filing.filing_id, consistent_read=True):
            if task.status == "decided" and filing.step_status(task.step) == "open":
                keys.append(records.put_decision(task))
    if filing.status in TAKEN_BACK and revocations.on_standing_changed(filing.filing_id):
        # its standing record never landed: the checkpoints' list is brought up to date now
        keys.append(records.standing_key(filing.filing_id, int(filing.version)))
    kinds = emit_due_documents(get_form(filing.form), filing)
    keys += [records.approved_key(filing.filing_id, kind) for kind in kinds]
    return keys
