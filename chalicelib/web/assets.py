"""The site's icon: /static/favicon.svg, and /favicon.ico (what a browser asks for when a
page names none) sent there, so that no page's first request answers 403."""

from __future__ import annotations

from importlib import resources

from chalice import Blueprint, Response

from chalicelib.web.responses import redirect

bp = Blueprint(__name__)
ICON = "/static/favicon.svg"


@bp.route(ICON, methods=["GET"])
def icon() -> Response:
    svg = resources.files("chalicelib").joinpath("templates/favicon.svg").read_text("utf-8")
    return Response(
        body=svg,
        status_code=200,
        headers={
            "Content-Type": "image/svg+xml",
            "Cache-Control": "public, max-age=86400",
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.route("/favicon.ico", methods=["GET"])
def favicon() -> Response:
    return redirect(ICON, 301)
