"""A per-client submission limit kept in DynamoDB, not in a process's memory: Lambda
runs many containers at once, and each would otherwise count alone.

Each client address has one item per minute window (`RateWindow`): a submission adds
one to it with an atomic ADD whose condition is that the count is still under the
limit, so concurrent submissions cannot overshoot it. The item expires through TTL an
hour after its window. A filing's submission counts inside its own transaction (`count`,
from chalicelib/filing/submission.py: no call of its own, and nothing counted for a submission that
is not stored); a roster upload counts once, before its rows (`admit`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.core.errors import RateLimited
from chalicelib.settings import get_settings
from chalicelib.store.models import RateWindow, bind_models
from chalicelib.store.tx import Transaction

WINDOW_SECONDS = 60
KEEP_SECONDS = 3600  # a window's item lingers this long, then TTL removes it


def window_of(now: datetime) -> int:
    """The start of `now`'s window, in epoch seconds."""
    epoch = int(now.timestamp())
    return epoch - epoch % WINDOW_SECONDS


def admit(client: str | None, now: datetime) -> None:
    """Count one submission of `client`; RateLimited (with the seconds to wait) when
    its window is full. A request without an address (a direct call) is not counted."""
    if not counted(client):
        return
    bind_models()
    window, actions, condition = _window(str(client), now)
    try:
        window.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise refusal(now) from None
        raise


def counted(client: str | None) -> bool:
    return bool(client) and get_settings().submissions_per_minute > 0


def count(tx: Transaction, client: str, now: datetime) -> None:
    """The same count as one item of a transaction: its condition failing cancels the
    transaction (the caller then raises `refusal(now)`)."""
    window, actions, condition = _window(client, now)
    tx.update(window, actions=actions, condition=condition)


def refusal(now: datetime) -> RateLimited:
    start = window_of(now)
    return RateLimited(max(1, start + WINDOW_SECONDS - int(now.timestamp())))


def _window(client: str, now: datetime) -> tuple[RateWindow, list[Any], Any]:
    limit = get_settings().submissions_per_minute
    start = window_of(now)
    actions = [
        RateWindow.hits.add(1),
        RateWindow.expires_at.set(datetime.fromtimestamp(start + KEEP_SECONDS, tz=now.tzinfo)),
    ]
    condition = RateWindow.hits.does_not_exist() | (RateWindow.hits < limit)
    return RateWindow(key=f"{client}#{start}"), actions, condition
