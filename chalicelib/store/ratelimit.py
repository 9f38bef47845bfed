"""Per-client limits kept in DynamoDB, not in a process's memory: Lambda runs many
containers at once, and each would otherwise count alone.

Each kind of call (`KINDS`) of each client address has one item per minute window
(`RateWindow`): a call adds one to it with an atomic ADD whose condition is that the
count is still under the kind's limit (settings: `submissions_per_minute`,
`rate_limits`), so concurrent calls cannot overshoot it. The item expires through TTL
an hour after its window. A filing's submission counts inside its own transaction
(`count`, from chalicelib/filing/submission.py: no call of its own, and nothing counted
for a submission that is not stored), and so does an approver's decision (in the
decision's transaction, chalicelib/filing/approve.py; a decision refused before or in it
counts with an update of its own afterwards). Every other kind counts with one
conditional update before its work (`admit`): a guessed link or code counts as much as a
good one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.core.errors import RateLimited
from chalicelib.settings import get_settings
from chalicelib.store.models import RateWindow, bind_models
from chalicelib.store.tx import Transaction

SUBMISSION = "submission"
KINDS = (SUBMISSION, "verify", "upload", "approval", "status", "roster")
WINDOW_SECONDS = 60
KEEP_SECONDS = 3600  # a window's item lingers this long, then TTL removes it


def window_of(now: datetime) -> int:
    """The start of `now`'s window, in epoch seconds."""
    epoch = int(now.timestamp())
    return epoch - epoch % WINDOW_SECONDS


def admit(client: str | None, now: datetime, kind: str = SUBMISSION, hits: int = 1) -> None:
    """Count `hits` calls of `kind` by `client` (a page issuing two presigned forms is
    two uploads); RateLimited (with the seconds to wait) when its window has no room for
    them. A request without an address (a direct call) is not counted."""
    if not counted(client, kind):
        return
    bind_models()
    window, actions, condition = _window(str(client), now, kind, hits)
    try:
        window.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise refusal(now, kind) from None
        raise


def limit_of(kind: str) -> int:
    """Calls of `kind` per client and minute; 0: no limit."""
    settings = get_settings()
    if kind == SUBMISSION:
        return settings.submissions_per_minute
    return settings.rate_limits.get(kind, 0)


def counted(client: str | None, kind: str = SUBMISSION) -> bool:
    return bool(client) and limit_of(kind) > 0


def count(tx: Transaction, client: str, now: datetime, kind: str = SUBMISSION) -> None:
    """The same count as one item of a transaction: its condition failing cancels the
    transaction (the caller then raises `refusal(now)`)."""
    window, actions, condition = _window(client, now, kind)
    tx.update(window, actions=actions, condition=condition)


def window_key(client: str, now: datetime, kind: str = SUBMISSION) -> str:
    # A submission's windows keep the key they had before the other kinds were counted.
    start = window_of(now)
    return f"{client}#{start}" if kind == SUBMISSION else f"{kind}#{client}#{start}"


def refusal(now: datetime, kind: str = SUBMISSION) -> RateLimited:
    start = window_of(now)
    return RateLimited(max(1, start + WINDOW_SECONDS - int(now.timestamp())), kind)


def _window(
    client: str, now: datetime, kind: str, hits: int = 1
) -> tuple[RateWindow, list[Any], Any]:
    limit = limit_of(kind)
    start = window_of(now)
    actions = [
        RateWindow.hits.add(hits),
        RateWindow.expires_at.set(datetime.fromtimestamp(start + KEEP_SECONDS, tz=now.tzinfo)),
    ]
    condition = RateWindow.hits.does_not_exist() | (RateWindow.hits <= limit - hits)
    return RateWindow(key=window_key(client, now, kind)), actions, condition
