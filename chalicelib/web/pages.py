"""Rendering pages: a Jinja2 environment per language, autoescaped, built on first use;
texts are translated through the gettext catalogues of chalicelib/i18n.py."""

from __future__ import annotations

import functools
from typing import Any

from chalice.app import Request

from chalicelib.core.clock import china_time
from chalicelib.core.i18n import translations
from chalicelib.web.responses import html_response


@functools.cache
def _env(lang: str) -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("chalicelib", "templates"),
        autoescape=jinja2.select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # newstyle: _() and {% trans %} escape and format like the rest of the template
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["china_time"] = _china_time
    return env


def _china_time(iso: str) -> str:
    """An ISO timestamp as people in Jinhua read it."""
    from datetime import datetime

    return china_time(datetime.fromisoformat(iso))


def render(template: str, status: int = 200, lang: str = "zh", **context: Any) -> Any:
    """The page in its language; texts passed in from Python are translated in the
    template (they are marked with N_ where they are written)."""
    page = _env(lang).get_template(template).render(lang=lang, **context)
    return html_response(page, status)


def message(
    request: Request,
    status: int,
    title: str,
    text: str,
    more: str = "",
    switch_url: str | None = None,
) -> Any:
    """A page that says what went wrong and what to do, in the request's language: the
    texts are the Chinese as written (marked with N_), translated by the template."""
    return render(
        "message.html",
        status,
        lang=lang_of(request),
        title=title,
        text=text,
        more=more,
        switch_url=switch_url,
    )


def query(request: Request, name: str) -> str | None:
    params: Any = request.query_params or {}
    value = params.get(name)
    return str(value) if value is not None else None


def body(request: Request) -> bytes:
    raw = request.raw_body or b""
    return raw.encode() if isinstance(raw, str) else raw


def lang_of(request: Request) -> str:
    """The JSON API follows Accept-Language; pages are Chinese unless ?lang=en asks,
    so that a browser set to English still shows one language per page."""
    lang = query(request, "lang")
    if lang in ("zh", "en"):
        return str(lang)
    if not request.path.startswith("/api/"):
        return "zh"
    accept = header(request, "accept-language")
    return "en" if accept.lower().startswith("en") else "zh"


def wants_json(request: Request) -> bool:
    return "application/json" in header(request, "accept")


def header(request: Request, name: str) -> str:
    headers: Any = request.headers or {}
    return str(headers.get(name) or "")


def source_ip(request: Request) -> str | None:
    identity = (request.context or {}).get("identity") or {}
    return identity.get("sourceIp")
