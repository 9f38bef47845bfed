"""Personal data: how it is masked where others see it, and how long it is kept.

Masks: ID numbers and phones are masked in every view but the approver's view of that
one filing; names of people wherever the viewer may not see them whole.

Retention: `RETENTION_DAYS` (default 180) after it was given.

Items that hold it (a filing with its form data, its unique claims, whose keys may
carry an ID number, the audit trail's who and from where) carry `expires_at`, and
DynamoDB's TTL deletes them after that time. The statistics are other items (the
sharded counters), never read back from filings, so they outlive them unchanged.
The documents bucket's lifecycle rule does the same for the S3 objects.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.settings import get_settings


def expiry(given_at: datetime) -> datetime:
    return given_at + timedelta(days=get_settings().retention_days)


HIDDEN = "***"  # a personal field that has no partial form (an address, an email)


def mask_name(name: str) -> str:
    """A person's name as others may see it: first and last character kept, one * for
    each other ("冉德开" -> "冉*开"); a two-character name keeps its first ("冉开" -> "冉*")."""
    text = name.strip()
    if len(text) <= 1:
        return text
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


def _mask_middle(text: str, head: int, tail: int) -> str:
    text = text.strip()
    if len(text) <= head + tail:
        return "*" * len(text)  # too short to show anything of it safely
    return text[:head] + "*" * (len(text) - head - tail) + text[-tail:]


def mask_id(id_number: str) -> str:
    """An identity number with only its first and last 4 shown: "3307**********1234"."""
    return _mask_middle(id_number, 4, 4)


def mask_phone(phone: str) -> str:
    """A mobile number with only its first 3 and last 4 digits shown: "139****1234"."""
    return _mask_middle(phone, 3, 4)


def always_masked(field: str) -> bool:
    return field == "id_number" or "phone" in field


def mask(field: str, value: Any) -> Any:
    if value is None or value == "":
        return value
    text = str(value)
    if "phone" in field:
        return mask_phone(text)
    if field == "id_number":
        return mask_id(text)
    if field == "name" or field.endswith("_name"):
        return mask_name(text)
    return HIDDEN
