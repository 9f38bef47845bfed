"""The site's static files, from chalicelib/templates/: the stylesheet, the icon
(/static/favicon.svg), and /favicon.ico (what a browser asks for when a page names none)
sent there, so that no page's first request answers 403."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.web import static_files
from chalicelib.web.responses import redirect

bp = Blueprint(__name__)
ICON = "/static/favicon.svg"


def _static(name: str, content_type: str, max_age: int) -> Response:
    return static_files.response("templates", name, content_type, max_age)


@bp.route("/static/app.css", methods=["GET"])
def stylesheet() -> Response:
    return _static("app.css", "text/css; charset=utf-8", 3600)


@bp.route(ICON, methods=["GET"])
def icon() -> Response:
    return _static("favicon.svg", "image/svg+xml", 86400)


@bp.route("/favicon.ico", methods=["GET"])
def favicon() -> Response:
    return redirect(ICON, 301)
