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
    query = request.query_params or {}
    if query.get("lang") in ("zh", "en"):
        return str(query["lang"])
    accept = (request.headers or {}).get("accept-language", "")
    return "en" if accept.lower().startswith("en") else "zh"


def wants_json(request: Request) -> bool:
    return "application/json" in (request.headers or {}).get("accept", "")


def source_ip(request: Request) -> str | None:
    identity = (request.context or {}).get("identity") or {}
    return identity.get("sourceIp")
