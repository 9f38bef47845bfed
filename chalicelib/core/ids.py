"""Identifiers people see or carry: filing ids, slip numbers, verification codes."""

from __future__ import annotations

import secrets
from datetime import datetime

from chalicelib.core.clock import china_day

# No 0/O, 1/I/L, or U/V look-alikes: a slip number is read aloud over the phone.
READABLE = "23456789ABCDEFGHJKMNPQRSTWXYZ"


def new_filing_id() -> str:
    return secrets.token_hex(16)  # 128 random bits: unguessable, and no hot partition


def new_slip_no(now: datetime) -> str:
    """The China date and five readable characters, e.g. 20200210-7KQ3M."""
    day = china_day(now).strftime("%Y%m%d")
    return f"{day}-{''.join(secrets.choice(READABLE) for _ in range(5))}"


def new_document_code() -> str:
    """Sixteen readable characters (about 78 bits): printed under a QR code, never guessed."""
    return "".join(secrets.choice(READABLE) for _ in range(16))
