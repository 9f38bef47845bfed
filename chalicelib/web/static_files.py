"""A static file as an answer: one helper for the site's files (chalicelib/templates/:
the stylesheet, the icon) and the scanner's (chalicelib/static/: its script, the vendored
decoder, the pass's stylesheet). Each file is read once per container: they ship in the
bundle and never change while it runs."""

from __future__ import annotations

from functools import cache
from importlib import resources

from chalice import Response


@cache
def read(folder: str, name: str) -> str:
    """A file of chalicelib/<folder>/, read on its first request and kept."""
    return resources.files("chalicelib").joinpath(f"{folder}/{name}").read_text("utf-8")


def response(folder: str, name: str, content_type: str, max_age: int) -> Response:
    """A new answer each call (a route may change its headers), over the cached text."""
    return Response(
        body=read(folder, name),
        status_code=200,
        headers={
            "Content-Type": content_type,
            "Cache-Control": f"public, max-age={max_age}",
            "X-Content-Type-Options": "nosniff",
        },
    )
