"""The S3 records that drive the workflow, and the reconciler's mark that none is lost.

Objects under the event prefixes are immutable records: the bucket notifies the events
queue of each (S3 -> SQS -> the handler, chalicelib/filing/events.py). A request that
stores a change in DynamoDB and then owes one of these records marks the filing in the
same transaction (`mark`, `mark_actions`: the filings' sparse emit index); the scheduled
reconciler (chalicelib/filing/reconcile.py) writes again whatever a marked filing is
still owed, from its stored state, with these same builders.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote_plus

from chalicelib.store import s3
from chalicelib.store.models import EMIT_SHARDS, Filing, Task
from chalicelib.store.tx import Action

FILINGS = "filings/"  # filings/<form>/<filing_id>.json: the snapshot a slip answers for
DECISIONS = "decisions/"  # decisions/<filing_id>/<step>.json: one step decided
APPROVED = "approved/"  # approved/<filing_id>/<kind>.json: a stage approved, a document due
# standing/<filing_id>/<version>.json: its documents' standing changed (a revocation, a
# withdrawal, a suspension, a reinstatement): the checkpoints' revocation list is rewritten
STANDING = "standing/"
# risk-maps/<version>.json: a new version of the risk map (chalicelib/store/risk_maps.py):
# the workers from a county it raised are re-checked (chalicelib/filing/recheck.py)
RISK_MAPS = s3.RISK_MAPS
EVENT_PREFIXES = (FILINGS, DECISIONS, APPROVED, STANDING, RISK_MAPS)
# revisions/<filing_id>/<n>.json: a corrected filing's data (退回补正), outside the event
# prefixes: the snapshot under filings/ keeps the first revision, these the later ones.
REVISIONS = "revisions/"
# S3 -> SQS -> Lambda takes seconds; a record still owed this long after is missing.
GRACE = timedelta(minutes=5)


def filing_key(form: str, filing_id: str) -> str:
    return f"{FILINGS}{form}/{filing_id}.json"


def decision_key(filing_id: str, step: str, link_gen: int = 1) -> str:
    """A step decided again (reopened, with a new link) gets a record of its own."""
    again = f"@{link_gen}" if link_gen > 1 else ""
    return f"{DECISIONS}{filing_id}/{step}{again}.json"


def approved_key(filing_id: str, kind: str) -> str:
    return f"{APPROVED}{filing_id}/{kind}.json"


def parse_event_key(raw_key: str) -> tuple[str, list[str]]:
    """An S3 event's key (URL-encoded, '+' for spaces) -> (prefix, its parts)."""
    key = unquote_plus(raw_key)
    for prefix in EVENT_PREFIXES:
        if key.startswith(prefix):
            parts = key[len(prefix) :].removesuffix(".json").split("/")
            return prefix, parts
    return "", [key]


def snapshot(filing: Filing) -> dict[str, Any]:
    """What a submission's record holds: the filing as it was given."""
    return {
        "filing_id": filing.filing_id,
        "form": filing.form,
        "revision": filing.revision,
        "slip_no": filing.slip_no,
        "submitted_at": filing.created_at.isoformat(),
        "data": filing.data,
    }


def decision(task: Task) -> dict[str, Any]:
    """The record of a decided step, as stored on its task (the inputs an approval
    carried included)."""
    return {
        "filing_id": task.filing_id,
        "step": task.step,
        "decision": task.decision,
        "comment": task.comment,
        "inputs": dict(task.inputs or {}),
        "decided_by": task.decided_by,
        "decided_at": task.decided_at.isoformat() if task.decided_at else None,
    }


def put_snapshot(filing: Filing) -> str:
    key = filing_key(filing.form, filing.filing_id)
    s3.put_json(key, snapshot(filing))
    return key


def revision_key(filing_id: str, revision: int) -> str:
    return f"{REVISIONS}{filing_id}/{revision}.json"


def put_revision(filing: Filing, revision: int, data: dict[str, Any], at: datetime) -> str:
    """A corrected revision of the filing's data, beside its first snapshot."""
    key = revision_key(filing.filing_id, revision)
    s3.put_json(
        key,
        {
            **snapshot(filing),
            "data_revision": revision,
            "corrected_at": at.isoformat(),
            "data": data,
        },
    )
    return key


def put_decision(task: Task) -> str:
    key = decision_key(task.filing_id, task.step, int(task.link_gen))
    s3.put_json(key, decision(task))
    return key


def put_approved(filing_id: str, kind: str, stage: int) -> str:
    """The record that a stage issuing `kind` was approved: its event renders it."""
    key = approved_key(filing_id, kind)
    s3.put_json(key, {"filing_id": filing_id, "kind": kind, "stage": stage})
    return key


def standing_key(filing_id: str, version: int) -> str:
    return f"{STANDING}{filing_id}/{version}.json"


def put_standing(filing: Filing, what: str) -> str:
    """The record that a filing's documents changed standing (its version names it, so
    each change has its own; the handler reads the stored state, not this body)."""
    key = standing_key(filing.filing_id, int(filing.version))
    s3.put_json(key, {"filing_id": filing.filing_id, "status": filing.status, "what": what})
    return key


def mark_actions(now: datetime) -> list[Action]:
    """What a request that owes an S3 record adds to its transaction's filing update."""
    return [
        Filing.emit_shard.set(str(random.randrange(EMIT_SHARDS))),
        Filing.emit_at.set(now + GRACE),
    ]


def mark(filing: Filing, now: datetime) -> None:
    """The same mark on a filing about to be put (a submission)."""
    filing.emit_shard = str(random.randrange(EMIT_SHARDS))
    filing.emit_at = now + GRACE
