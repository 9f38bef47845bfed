"""When AWS does not answer in time (a brown-out: timeouts, throttling or 5xx past the
clients' retries, chalicelib/store/aws.py), a route answers 503 with a clear page or
JSON and a Retry-After, not Chalice's bare 500. Nothing was accepted: the person tries
again (the same idempotency key, the same link) and the retry does the work once."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from chalice import Response
from chalice.app import Request

from chalicelib.core.i18n import N_
from chalicelib.store import aws
from chalicelib.web.pages import message
from chalicelib.web.responses import json_response

log = logging.getLogger(__name__)
RETRY_AFTER = 30  # seconds: a brown-out is usually over in less


def answer(request: Request | None) -> Response:
    headers = {"Retry-After": str(RETRY_AFTER)}
    path = getattr(request, "path", "") or ""
    if request is None or path.startswith("/api/"):
        body = {
            "error": "unavailable",
            "retry_after": RETRY_AFTER,
            "message": f"服务暂时繁忙，未予受理，请{RETRY_AFTER}秒后重试",
        }
        return json_response(body, 503, headers)
    page = message(
        request,
        503,
        N_("服务暂时繁忙"),
        N_("系统暂时无法处理，本次操作未予受理，请稍后重试。"),
    )
    page.headers.update(headers)
    return page


def answered(view: Callable[..., Any], current: Callable[[], Request | None]) -> Callable[..., Any]:
    """`view`, answering 503 when what failed it is AWS not answering in time."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except Exception as exc:
            if not aws.unavailable(exc):
                raise
            log.warning("AWS unavailable: %s", type(exc).__name__)  # no request data
            return answer(current())

    return wrapper


def wrap_routes(app: Any) -> None:
    """Every route of the app (its blueprints' included, once registered)."""
    for methods in app.routes.values():
        for entry in methods.values():
            if not getattr(entry.view_function, "_answers_unavailable", False):
                entry.view_function = answered(entry.view_function, lambda: app.current_request)
                entry.view_function._answers_unavailable = True
