"""What operators see of each request: its records carry API Gateway's request id (the
correlation id of chalicelib/logs.py), and its 5xx and per-client refusals (429) are
counted as metrics (chalicelib/store/metrics.py) for the alarms."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.logs import correlation
from chalicelib.store import metrics

bp = Blueprint(__name__)


@bp.middleware("http")
def observed(request: Request, get_response: Callable[[Request], Response]) -> Response:
    context = request.context or {}
    # API Gateway's own id (in its access log too); locally, one of our own
    with correlation(str(context.get("requestId") or secrets.token_hex(8))):
        try:
            response = get_response(request)
        except Exception:
            metrics.count("ServerErrors", route=str(context.get("resourcePath", "")))
            raise
        if response.status_code >= 500:
            metrics.count("ServerErrors", route=str(context.get("resourcePath", "")))
        elif response.status_code == 429:
            metrics.count("RateLimitRefusals", route=str(context.get("resourcePath", "")))
        return response
