"""A per-client submission limit kept in DynamoDB, not in a process's memory: Lambda
runs many containers at once, and each would otherwise count alone.

Each client address has one item per minute window (`RateWindow`): a submission adds
one to it with an atomic ADD whose condition is that the count is still under the
limit, so concurrent submissions cannot overshoot it. The item expires through TTL an
hour after its window.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError

from chalicelib.errors import RateLimited
from chalicelib.models import RateWindow, bind_models
from chalicelib.settings import get_settings

WINDOW_SECONDS = 60
KEEP_SECONDS = 3600  # a window's item lingers this long, then TTL removes it


def window_of(now: datetime) -> int:
    """The start of `now`'s window, in epoch seconds."""
    epoch = int(now.timestamp())
    return epoch - epoch % WINDOW_SECONDS


def admit(client: str | None, now: datetime) -> None:
    """Count one submission of `client`; RateLimited (with the seconds to wait) when
    its window is full. A request without an address (a direct call) is not counted."""
    limit = get_settings().submissions_per_minute
    if not client or limit <= 0:
        return
    bind_models()
    start = window_of(now)
    window = RateWindow(key=f"{client}#{start}")
    try:
        window.update(
            actions=[
                RateWindow.hits.add(1),
                RateWindow.expires_at.set(
                    datetime.fromtimestamp(start + KEEP_SECONDS, tz=now.tzinfo)
                ),
            ],
            condition=RateWindow.hits.does_not_exist() | (RateWindow.hits < limit),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            retry = start + WINDOW_SECONDS - int(now.timestamp())
            raise RateLimited(max(1, retry)) from None
        raise
