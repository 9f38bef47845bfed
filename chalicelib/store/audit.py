"""The audit trail: append-only entries of who did what to which filing, from where.

Besides a filing's changes (submitted, decided, withdrawn...), it records who looked:
an approver opening a link (`viewed:<step>`), and staff opening the dashboard or an
export. Staff entries are not about one filing: they are kept under the staff link's
`staff#<role>#<scope>` in place of a filing id. Entries name who and from where, so
they expire through TTL with the rest of the personal data.
"""

from __future__ import annotations

import secrets

from chalicelib.core import privacy
from chalicelib.core.clock import utcnow
from chalicelib.store.models import Audit, bind_models


def entry(
    filing_id: str, action: str, actor: str, source_ip: str | None, detail: str = ""
) -> Audit:
    now = utcnow()
    return Audit(
        filing_id=filing_id,
        event_id=f"{now.isoformat()}#{secrets.token_hex(4)}",
        action=action,
        actor=actor,
        source_ip=source_ip,
        detail=detail,
        expires_at=privacy.expiry(now),
    )


def staff_subject(role: str, scope: str) -> str:
    """The key staff entries are kept under: one partition per staff link's holder."""
    return f"staff#{role}#{scope}"


def record(
    filing_id: str, action: str, actor: str, source_ip: str | None, detail: str = ""
) -> None:
    """Write one entry on its own (a view: nothing else changes with it)."""
    bind_models()
    entry(filing_id, action, actor, source_ip, detail).save()
