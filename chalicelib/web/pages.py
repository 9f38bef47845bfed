"""Rendering pages: one Jinja2 environment, autoescaped, built on first use."""

from __future__ import annotations

import functools
from typing import Any

from chalice.app import Request

from chalicelib.web.responses import html_response


@functools.lru_cache(maxsize=1)
def _env() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("chalicelib", "templates"),
        autoescape=jinja2.select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, status: int = 200, **context: Any) -> Any:
    return html_response(_env().get_template(template).render(**context), status)


def lang_of(request: Request) -> str:
    """The JSON API follows Accept-Language; pages are Chinese unless ?lang=en asks,
    so that a browser set to English still shows one language per page."""
    query = request.query_params or {}
    if query.get("lang") in ("zh", "en"):
        return str(query["lang"])
    if not request.path.startswith("/api/"):
        return "zh"
    accept = (request.headers or {}).get("accept-language", "")
    return "en" if accept.lower().startswith("en") else "zh"


def wants_json(request: Request) -> bool:
    return "application/json" in (request.headers or {}).get("accept", "")


def source_ip(request: Request) -> str | None:
    identity = (request.context or {}).get("identity") or {}
    return identity.get("sourceIp")
