"""The audit trail: append-only entries of who did what to which filing, from where."""

from __future__ import annotations

import secrets

from chalicelib.ids import utcnow
from chalicelib.models import Audit


def entry(filing_id: str, action: str, actor: str, source_ip: str | None) -> Audit:
    return Audit(
        filing_id=filing_id,
        event_id=f"{utcnow().isoformat()}#{secrets.token_hex(4)}",
        action=action,
        actor=actor,
        source_ip=source_ip,
    )
