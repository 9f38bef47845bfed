"""The revocation list of staff sessions and staff links: an id revoked is refused on
use (one GetItem a request). Kept in the uniques table as `revoked#<id>`, expiring
when the longest-lived thing it could name would have expired anyway."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.core.clock import utcnow
from chalicelib.store.models import Unique, bind_models

KEEP = timedelta(days=8)  # a staff link lives 7 days, a session 8 hours


def key(grant_id: str) -> str:
    return f"revoked#{grant_id}"


def revoke(grant_id: str, by: str) -> None:
    bind_models()
    now = utcnow()
    Unique(key=key(grant_id), filing_id=f"staff:{by}", created_at=now, expires_at=now + KEEP).save()


def is_revoked(grant_id: str) -> bool:
    bind_models()
    try:
        Unique.get(key(grant_id), consistent_read=True)
    except Unique.DoesNotExist:
        return False
    return True
