"""What operators see of each request: its records carry API Gateway's request id (the
correlation id of chalicelib/logs.py), and its 5xx and per-client refusals (429) are
counted as metrics (chalicelib/store/metrics.py) for the alarms."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.logs import correlation, name_filing
from chalicelib.store import metrics

bp = Blueprint(__name__)


@bp.middleware("http")
def observed(request: Request, get_response: Callable[[Request], Response]) -> Response:
    context = request.context or {}
    # API Gateway's own id (in its access log too); locally, one of our own
    with correlation(str(context.get("requestId") or secrets.token_hex(8))):
        _name_filing(request, str(context.get("resourcePath", "")))
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


def _name_filing(request: Request, route: str) -> None:
    """The filing a route names in its address (a status page, the API's filing routes;
    a submission and an approval link name theirs once they know it)."""
    params = request.uri_params or {}
    if "filing_id" in params:
        name_filing(params["filing_id"])
    elif route.startswith("/api/filings/{name}") and (route, request.method) != (
        "/api/filings/{name}",
        "POST",  # the form's name: the submission names its new filing itself
    ):
        name_filing(params.get("name", ""))
