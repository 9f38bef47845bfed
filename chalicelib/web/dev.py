"""Under /dev, the local stage's outbox: every message the stack has sent, and its clock,
which a walk of the fourteen days moves ahead (404 in every other stage)."""

from __future__ import annotations

from datetime import timedelta

from chalice import Blueprint, Response

from chalicelib.core import clock
from chalicelib.settings import get_settings
from chalicelib.store import notify
from chalicelib.web.responses import json_response

bp = Blueprint(__name__)


@bp.route("/outbox", methods=["GET"])
def outbox() -> Response:
    if not get_settings().outbox_enabled:
        return json_response({"error": "not_found"}, 404)
    return json_response(notify.outbox())


MAX_DAYS_AHEAD = 60  # the observation, an extension of it, and its end


@bp.route("/clock", methods=["POST"])
def run_clock_ahead() -> Response:
    """`{"days": n}`: the stack's clock n days ahead of the real one (0 puts it back)."""
    if not get_settings().outbox_enabled:
        return json_response({"error": "not_found"}, 404)
    body = bp.current_request.json_body if bp.current_request.raw_body else None
    days = body.get("days") if isinstance(body, dict) else None
    if type(days) is not int or not 0 <= days <= MAX_DAYS_AHEAD:
        message = f"days: 0 到 {MAX_DAYS_AHEAD} 的整数 (an integer from 0 to {MAX_DAYS_AHEAD})"
        return json_response({"error": "validation_error", "fields": {"days": message}}, 400)
    clock.run_ahead(timedelta(days=days))
    return json_response({"days": days, "now": clock.utcnow().isoformat()})
