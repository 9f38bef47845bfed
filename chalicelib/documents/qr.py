"""The QR code a page shows (the status page's own address): inline SVG, drawn by segno
on first use. The documents' own codes are drawn into their PDFs by render.py."""

from __future__ import annotations


def qr_svg(url: str, title: str) -> str:
    """An inline SVG (no script, no request: the page's CSP allows it as markup)."""
    import segno  # deferred: only the status page draws one

    qr = segno.make(url, error="m")
    return str(qr.svg_inline(scale=4, light="#fff", title=title, svgclass="qr", omitsize=True))
