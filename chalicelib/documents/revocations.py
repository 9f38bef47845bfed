"""The checkpoints' lists: the trust list (the seal's public keys, ours and the imported
neighbours') and the signed, versioned revocation list with its deltas.

The revocation list names what no longer verifies though its seal is sound: document
codes revoked, withdrawn or suspended, and employers (by slip number) whose filing was
taken back, voiding every pass and docking slip that names them. It is rewritten from the
stored state of one filing at a time, on the event of its standing record (a revocation,
a withdrawal, a suspension, a reinstatement: chalicelib/store/records.py), so a replayed
or reordered event rewrites nothing: the state it reads has not changed.

Each entry keeps the version at which it last changed, a reinstated one its tombstone
(list None), so `?since=V` answers exactly what changed after V, removals included.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from datetime import datetime
from typing import Any

from chalicelib.core.clock import utcnow
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.core.workflow import TAKEN_BACK
from chalicelib.documents import seal
from chalicelib.store import lists
from chalicelib.store.models import Document, Filing, bind_models

LISTS = ("revoked", "withdrawn", "suspended", "employers")
ENTERPRISE = "enterprise-resumption"  # the form whose slip number a worker's pass names
ATTEMPTS = 8  # rewrites that lost the race to another, before SQS delivers the event again
CACHE_SECONDS = 60  # a checkpoint online refreshes this often; offline it keeps what it has


def entries_of(filing: Filing) -> dict[str, str]:
    """What one filing puts on the list now: id (a document code, or its slip number as
    an employer) -> the list it is on."""
    entries: dict[str, str] = {}
    codes = [c for k, c in filing.document_codes().items() if k in seal.SEALED_KINDS]
    taken_back = filing.status in TAKEN_BACK
    for code in codes:
        if taken_back:
            entries[code] = "withdrawn" if filing.status == "withdrawn" else "revoked"
            continue
        with contextlib.suppress(Document.DoesNotExist):
            document = Document.get(code, consistent_read=True)
            if document.revoked:
                entries[code] = "revoked"
            elif getattr(document, "suspended", False):  # issue #17's held-back pass
                entries[code] = "suspended"
    if taken_back and filing.form == ENTERPRISE:
        entries[str(filing.slip_no)] = "employers"
    return entries


def on_standing_changed(filing_id: str) -> bool:
    """Rewrite the revocation list for one filing's standing; True when it changed."""
    bind_models()
    try:
        filing = Filing.get(filing_id, consistent_read=True)
    except Filing.DoesNotExist:
        return False
    wanted = entries_of(filing)
    for _ in range(ATTEMPTS):
        body, etag = lists.read(lists.REVOCATIONS)
        state = body or _empty()
        if not _apply(state, filing_id, wanted):
            publish_trust_list()
            return False
        now = utcnow()
        state["version"] = int(state["version"]) + 1
        state["issued_at"] = now.isoformat()
        state.update(_full(state))
        state["signature"] = _sign(state, now)
        try:
            lists.write(lists.REVOCATIONS, state, etag)
        except Conflict:
            continue  # another filing's rewrite came first: read it and apply again
        publish_trust_list()
        return True
    raise Conflict("revocation list: too many concurrent rewrites")


def _empty() -> dict[str, Any]:
    return {"version": 0, "issued_at": "", "entries": {}}


def _apply(state: dict[str, Any], filing_id: str, wanted: dict[str, str]) -> bool:
    """Bring the filing's entries to `wanted` at the next version; False: nothing to do."""
    entries: dict[str, dict[str, Any]] = state["entries"]
    version = int(state["version"]) + 1
    changed = False
    for entry_id, listed in wanted.items():
        current = entries.get(entry_id)
        if current is None or current["list"] != listed:
            entries[entry_id] = {"list": listed, "v": version, "of": filing_id}
            changed = True
    for entry_id, current in entries.items():
        if current["of"] == filing_id and current["list"] and entry_id not in wanted:
            entries[entry_id] = {"list": None, "v": version, "of": filing_id}  # reinstated
            changed = True
    return changed


def _full(state: dict[str, Any]) -> dict[str, Any]:
    listed: dict[str, list[str]] = {name: [] for name in LISTS}
    for entry_id, entry in state["entries"].items():
        if entry["list"]:
            listed[entry["list"]].append(entry_id)
    return {**{k: sorted(v) for k, v in listed.items()}, "since": 0, "removed": []}


def _sign(body: dict[str, Any], now: datetime) -> str:
    return seal.sign_detached(seal.revocation_signed_bytes(body), now)


def revocations(since: str | None) -> tuple[dict[str, Any], str]:
    """The public list (whole, or what changed after version `since`) and its ETag."""
    after = _since(since)
    body, _ = lists.read(lists.REVOCATIONS)
    state = body or _empty()
    version = int(state["version"])
    if body is None:
        answer = {"version": 0, "issued_at": utcnow().isoformat(), **_full(state)}
        answer["signature"] = _sign(answer, utcnow())
    elif after == 0 or after > version:
        # whole: asked so, or a client ahead of the list (a list rebuilt from scratch)
        answer = {k: state[k] for k in ("version", "issued_at", "signature", *LISTS)}
        answer |= {"since": 0, "removed": []}
    else:
        answer = _delta(state, after)
    return answer, f'"rev-{answer["version"]}-{answer["since"]}"'


def _since(raw: str | None) -> int:
    if raw is None:
        return 0
    if not raw.isdigit() or len(raw) > 12:
        raise ValidationFailed({"since": "应为修订版本号（非负整数）"})
    return int(raw)


def _delta(state: dict[str, Any], after: int) -> dict[str, Any]:
    listed: dict[str, list[str]] = {name: [] for name in LISTS}
    removed: list[str] = []
    for entry_id, entry in state["entries"].items():
        if int(entry["v"]) <= after:
            continue
        if entry["list"]:
            listed[entry["list"]].append(entry_id)
        else:
            removed.append(entry_id)
    answer: dict[str, Any] = {
        "version": int(state["version"]),
        "since": after,
        "issued_at": state["issued_at"],
        **{k: sorted(v) for k, v in listed.items()},
        "removed": sorted(removed),
    }
    answer["signature"] = _sign(answer, datetime.fromisoformat(state["issued_at"]))
    return answer


# --- the trust list ---------------------------------------------------------------------


def _trust_body(keys: list[dict[str, Any]], version: int) -> dict[str, Any]:
    return {"version": version, "issued_at": utcnow().isoformat(), "keys": keys}


def _digest(keys: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(keys, sort_keys=True).encode()).hexdigest()


def publish_trust_list() -> dict[str, Any]:
    """The stored trust list, rewritten when the configured keys differ from it."""
    keys = seal.trust_keys()
    for _ in range(ATTEMPTS):
        body, etag = lists.read(lists.TRUST_LIST)
        if body is not None and _digest(body["keys"]) == _digest(keys):
            return body
        fresh = _trust_body(keys, int(body["version"]) + 1 if body else 1)
        try:
            lists.write(lists.TRUST_LIST, fresh, etag)
        except Conflict:
            continue
        return fresh
    raise Conflict("trust list: too many concurrent rewrites")


def trust_list() -> tuple[dict[str, Any], str]:
    body = publish_trust_list()
    return body, f'"trust-{body["version"]}-{_digest(body["keys"])[:12]}"'
