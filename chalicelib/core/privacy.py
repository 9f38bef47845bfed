"""How long personal data is kept: `RETENTION_DAYS` (default 180) after it was given.

Items that hold it (a filing with its form data, its unique claims, whose keys may
carry an ID number, the audit trail's who and from where) carry `expires_at`, and
DynamoDB's TTL deletes them after that time. The statistics are other items (the
sharded counters), never read back from filings, so they outlive them unchanged.
The documents bucket's lifecycle rule does the same for the S3 objects.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.settings import get_settings


def expiry(given_at: datetime) -> datetime:
    return given_at + timedelta(days=get_settings().retention_days)
