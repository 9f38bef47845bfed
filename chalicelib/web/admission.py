"""Per-client limits on the calls anyone may make without an account: verify look-ups,
presigned uploads (`POST /api/uploads` and the form pages' upload forms), approval POSTs
that decide nothing (the confirmation step), status reads, roster uploads (submissions
and decisions count in their own transaction: chalicelib/filing/submission.py,
chalicelib/filing/approve.py). One conditional update each
(chalicelib/store/ratelimit.py); RateLimited becomes 429 with Retry-After."""

from __future__ import annotations

from chalice.app import Request

from chalicelib.core.clock import utcnow
from chalicelib.store import ratelimit
from chalicelib.web.request import source_ip


def admit(request: Request, kind: str, hits: int = 1) -> None:
    """Count this request of `kind` (`hits` calls of it: a page's presigned forms)
    against its client address, or RateLimited."""
    ratelimit.admit(source_ip(request), utcnow(), kind, hits)
