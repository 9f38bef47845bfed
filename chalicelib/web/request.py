"""What a route reads of its request: the query, the body (raw, as a form's fields, as a
JSON object), the language, the client's address; and the language kept in addresses."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs

from chalice.app import Request

from chalicelib.core.errors import ValidationFailed

# Chalice answers 415 itself for types a route does not list; the JSON routes list the
# common ones and answer 415 in the contract's shape.
ANY_BODY = [
    "application/json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "application/octet-stream",
    "application/xml",
    "text/xml",
]
FORM_BODY = ["application/x-www-form-urlencoded"]


def query(request: Request, name: str) -> str | None:
    params: Any = request.query_params or {}
    value = params.get(name)
    return str(value) if value is not None else None


def body(request: Request) -> bytes:
    raw = request.raw_body or b""
    return raw.encode() if isinstance(raw, str) else raw


def form_fields(request: Request) -> dict[str, str]:
    """An HTML form's fields (the last value of each), as the browser sent them."""
    return {k: v[-1] for k, v in parse_qs(body(request).decode("utf-8", "replace")).items()}


def listed_fields(request: Request) -> dict[str, str]:
    """The fields a form sent more than once (a group of checkboxes: the symptoms), each
    as its values joined with commas, in the order sent."""
    sent = parse_qs(body(request).decode("utf-8", "replace"))
    return {k: ",".join(v) for k, v in sent.items() if len(v) > 1}


# Our bodies are flat objects: a field may hold a list or an object, little more. The
# standard library's parser recurses once per level and dies of RecursionError a few
# thousand levels down (a 30 KB body), so depth is counted before parsing.
MAX_DEPTH = 16
_NESTING = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class NotJson(ValueError):
    """A body that is not JSON we read: malformed, not UTF-8, or nested too deep."""


def parse_json(raw: bytes) -> Any:
    """Every JSON endpoint's parser: the value, or NotJson. Strings are skipped whole,
    so brackets inside them do not count."""
    depth = 0
    for token in _NESTING.finditer(raw):
        mark = token.group()
        if mark in (b"[", b"{"):
            depth += 1
            if depth > MAX_DEPTH:
                raise NotJson(f"nested deeper than {MAX_DEPTH}")
        elif mark in (b"]", b"}"):
            depth -= 1
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise NotJson(str(exc)) from None


def json_body(request: Request, empty: str = "null") -> Any:
    """The body parsed (`empty`: what an empty body stands for), or ValidationFailed
    naming the body."""
    try:
        return parse_json(body(request) or empty.encode())
    except NotJson:
        lang = lang_of(request)
        text = "Body is not valid JSON" if lang == "en" else "请求内容不是有效的JSON"
        raise ValidationFailed({"_body": text}) from None


def json_object(request: Request, empty: str = "null") -> dict[str, Any]:
    """The body as a JSON object, or ValidationFailed naming the body (`empty`: what an
    empty body stands for)."""
    lang = lang_of(request)
    try:
        posted = parse_json(body(request) or empty.encode())
    except NotJson:
        posted = None
    if not isinstance(posted, dict):
        text = "Send a JSON object" if lang == "en" else "请求内容应为JSON对象"
        raise ValidationFailed({"_body": text})
    return posted


def header(request: Request, name: str) -> str:
    headers: Any = request.headers or {}
    return str(headers.get(name) or "")


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


def source_ip(request: Request) -> str | None:
    identity = (request.context or {}).get("identity") or {}
    return identity.get("sourceIp")


def in_lang(lang: str, url: str) -> str:
    """The address, kept in the page's language: Chinese is the default, English asks."""
    return url if lang != "en" else f"{url}{'&' if '?' in url else '?'}lang=en"


def switch_url(path: str, lang: str) -> str:
    """The same page in the other language (`path` may carry a query already)."""
    if lang == "en":
        return path
    return f"{path}{'&' if '?' in path else '?'}lang=en"
