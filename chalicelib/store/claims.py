"""Unique claims: one item per value that must be held once, claimed with a conditional
put inside the transaction that needs it, so the rule holds under any concurrency.

- `open#<form>#<value>`: one open (or approved) filing per applicant (a USCC, an ID
  number, a composite key), released when the filing ends unapproved;
- `idem#<form>#<sha256 of the key>`: one filing per idempotency key, with the body's hash;
- `slip#<slip no>`: one filing per slip number;
- `sent#<filing>#<purpose>#<channel>#<to>`: one message per purpose and recipient.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from chalicelib.store.models import Unique
from chalicelib.store.tx import Transaction


def open_key(form: str, value: str) -> str:
    return f"open#{form}#{value}"


def idem_key(form: str, key: str) -> str:
    return f"idem#{form}#{hashlib.sha256(key.encode()).hexdigest()}"


def slip_key(slip_no: str) -> str:
    return f"slip#{slip_no}"


def sent_key(filing_id: str, purpose: str, channel: str, to: str) -> str:
    return f"sent#{filing_id}#{purpose}#{channel}#{to}"


def new(
    key: str,
    filing_id: str,
    now: datetime,
    expires: datetime | None,
    body_hash: str | None = None,
) -> Unique:
    return Unique(
        key=key, filing_id=filing_id, created_at=now, expires_at=expires, body_hash=body_hash
    )


def claim(tx: Transaction, item: Unique) -> None:
    """Put the claim in `tx` on the condition that nobody holds it."""
    tx.save(item, condition=Unique.key.does_not_exist())


def holder(key: str) -> str:
    """The filing holding a claim."""
    return str(Unique.get(key, consistent_read=True).filing_id)


def release_open(tx: Transaction, form: str, value: str, filing_id: str) -> None:
    """The applicant may file again: the claim goes, if this filing still holds it."""
    tx.delete(Unique(key=open_key(form, value)), condition=Unique.filing_id == filing_id)
