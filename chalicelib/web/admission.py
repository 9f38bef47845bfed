"""Per-client limits on the calls anyone may make without an account: verify look-ups,
presigned uploads, approval POSTs, status reads, roster uploads (submissions count in
their own transaction: chalicelib/filing/submission.py). One conditional update each
(chalicelib/store/ratelimit.py); RateLimited becomes 429 with Retry-After."""

from __future__ import annotations

from chalice.app import Request

from chalicelib.core.clock import utcnow
from chalicelib.store import ratelimit
from chalicelib.web.request import source_ip


def admit(request: Request, kind: str) -> None:
    """Count this request of `kind` against its client address, or RateLimited."""
    ratelimit.admit(source_ip(request), utcnow(), kind)
