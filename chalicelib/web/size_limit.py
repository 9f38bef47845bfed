"""Limits every request meets before its route: a body above its route's size is
refused with 413 before anything parses it (API Gateway itself stops at 10 MB)."""

from __future__ import annotations

from collections.abc import Callable

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.core.errors import PayloadTooLarge
from chalicelib.filing import rosters
from chalicelib.web.pages import error_page
from chalicelib.web.request import body, header
from chalicelib.web.responses import json_error

bp = Blueprint(__name__)

MAX_BODY = 64 * 1024  # a form's filing, a decision, a withdrawal: a few KiB at most
MAX_ROSTER = rosters.MAX_BYTES  # a charter's roster: thousands of rows of CSV or XLSX


def limit_of(path: str) -> int:
    return MAX_ROSTER if path.rstrip("/").endswith("/roster") else MAX_BODY


def too_large(request: Request) -> int | None:
    """The route's limit when the body is above it (declared or actual), else None."""
    limit = limit_of(request.path)
    declared = header(request, "content-length")
    if declared.isdigit() and int(declared) > limit:
        return limit
    return limit if len(body(request)) > limit else None


@bp.middleware("http")
def size_limit(request: Request, get_response: Callable[[Request], Response]) -> Response:
    limit = too_large(request)
    if limit is None:
        return get_response(request)
    if request.path.startswith("/api/"):
        return json_error(PayloadTooLarge(limit))
    return error_page(request, PayloadTooLarge(limit))
