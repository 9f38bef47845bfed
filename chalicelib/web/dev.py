"""Under /dev, the local stage's outbox: every message the stack has sent (404 in
every other stage)."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.settings import get_settings
from chalicelib.store import notify
from chalicelib.web.responses import json_response

bp = Blueprint(__name__)


@bp.route("/outbox", methods=["GET"])
def outbox() -> Response:
    if not get_settings().outbox_enabled:
        return json_response({"error": "not_found"}, 404)
    return json_response(notify.outbox())
