"""Documents per second on one core: our renderer (chalicelib/documents/render.py) on a
real certificate's and a real pass's contents, against

- the floor: a bare reportlab page with the same strings (the same CID font, drawString
  at fixed places: no wrapping, no fitting, no table, no QR code), and
- a peer's approach: WeasyPrint rendering the same document from HTML and CSS (its QR
  code an inline SVG from segno, the Chinese set in AR PL UMing, embedded as WeasyPrint
  does).

The contents come from a lifecycle of each form run on moto. Renders are timed in
rounds (ours, the floor, WeasyPrint, in turn) so that the machine's noise falls on each
alike; the process is pinned to one core.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import os
import time
from collections.abc import Iterator
from typing import Any

from benchmarks import harness as h

ROUNDS = int(os.environ.get("BENCH_DOC_ROUNDS", "12"))
PER_ROUND = 5  # renders of ours and of the floor per round; WeasyPrint renders once


def contents() -> dict[str, Any]:
    """A certificate's and a pass's DocumentContent, as the product builds them."""
    from chalicelib.documents import content as doc_content
    from chalicelib.forms import get_form
    from chalicelib.store.models import Filing

    with h.stack() as stack:
        employer = stack.submit("enterprise-resumption", h.enterprise(1))
        stack.pump()
        for step in h.ENTERPRISE_STEPS:
            stack.decide(employer, step)
            stack.pump()
        worker = stack.submit("worker-return", h.worker(employer, 1))
        stack.pump()
        for step in h.WORKER_STEPS:
            stack.decide(worker, step)
            stack.pump()
        out = {}
        for kind, filing_id in (("certificate", employer), ("pass", worker)):
            filing = Filing.get(filing_id)
            code = filing.document_codes()[kind]
            out[kind] = doc_content.build(get_form(filing.form), filing, kind, code).content
        return out


def bare(content: Any) -> bytes:
    """The floor: the same strings on an A4 page, and nothing else."""
    from reportlab.pdfgen.canvas import Canvas

    from chalicelib.documents import render

    render._register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer, pagesize=(render.PAGE_W, render.PAGE_H), invariant=True, pageCompression=1
    )
    x, y = render.MARGIN, render.PAGE_H - 30 * render.MM
    canvas.setFont(render.CJK, 22)
    canvas.drawCentredString(render.PAGE_W / 2, y, content.title)
    canvas.setFont(render.CJK, 10)
    for text in (content.title_en, content.headline):
        y -= 24
        canvas.drawCentredString(render.PAGE_W / 2, y, text)
    for label, value in content.rows:
        y -= 20
        canvas.drawString(x, y, label)
        canvas.drawString(x + 45 * render.MM, y, value)
    for note in content.notes:
        y -= 20
        canvas.drawString(x, y, note)
    for text in (content.issuer, content.issued_at, content.code, content.verify_url):
        y -= 20
        canvas.drawString(x, y, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


CSS = """
@page { size: A4; margin: 20mm; }
body { font-family: "AR PL UMing CN", "AR PL UMing", serif; color: #1f1f1f; font-size: 11pt; }
h1 { text-align: center; font-size: 22pt; font-weight: normal; margin: 0; }
.en { text-align: center; color: #616161; font-size: 9.5pt; margin: 2mm 0 4mm; }
.rule { border-top: 1.4pt solid #b31414; border-bottom: 0.5pt solid #b31414; height: 1.5pt; }
.headline { text-align: center; font-size: 16pt; margin: 8mm 0 5mm; }
table { width: 100%; border-collapse: collapse; border-top: 0.9pt solid #1f1f1f;
        border-bottom: 0.9pt solid #1f1f1f; }
td { padding: 3pt 4pt; vertical-align: top; border-bottom: 0.3pt solid #ccc; }
td.label { background: #f6f6f6; color: #616161; width: 30%; }
.notes p { color: #616161; font-size: 10pt; line-height: 1.6; }
footer { position: absolute; bottom: 0; left: 0; right: 0; }
.qr { float: left; width: 42mm; text-align: center; }
.qr svg { width: 42mm; height: 42mm; }
.code { font-family: "DejaVu Sans", sans-serif; font-weight: bold; font-size: 12pt; }
.sign { float: right; text-align: right; font-size: 14pt; margin-top: 12mm; }
.url { clear: both; color: #616161; font-size: 8pt; }
"""


def as_html(content: Any) -> str:
    import segno

    qr = segno.make(content.verify_url, error="m", boost_error=False, micro=False)
    rows = "".join(
        f'<tr><td class="label">{html.escape(k)}</td><td>{html.escape(v)}</td></tr>'
        for k, v in content.rows
    )
    notes = "".join(f"<p>{html.escape(n)}</p>" for n in content.notes)
    return (
        f"<html><head><meta charset='utf-8'><style>{CSS}</style></head><body>"
        f"<h1>{html.escape(content.title)}</h1>"
        f"<div class='en'>{html.escape(content.title_en)}</div>"
        f"<div class='rule'></div><div class='headline'>{html.escape(content.headline)}</div>"
        f"<table>{rows}</table><div class='notes'>{notes}</div>"
        f"<footer><div class='qr'>{qr.svg_inline(scale=1, border=0)}"
        f"<div class='code'>{html.escape(content.code)}</div><div>扫码核验真伪</div></div>"
        f"<div class='sign'>{html.escape(content.issuer)}<br>{html.escape(content.issued_at)}</div>"
        f"<div class='url'>核验网址：{html.escape(content.verify_url)}</div></footer>"
        "</body></html>"
    )


def weasyprint_renderer() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the pango libraries are missing
        return f"{type(exc).__name__}: {exc}"

    def render(content: Any) -> bytes:
        return bytes(weasyprint.HTML(string=as_html(content)).write_pdf())

    return render


@contextlib.contextmanager
def every_mask() -> Iterator[None]:
    """segno left to try all eight QR masks and keep the best-scoring one, as it does
    when none is given: what the product did before it gave one (render.QR_MASK)."""
    from chalicelib.documents import render

    given = render.QR_MASK
    render.QR_MASK = None  # type: ignore[assignment]
    try:
        yield
    finally:
        render.QR_MASK = given


def ours_every_mask(content: Any) -> bytes:
    from chalicelib.documents.render import render_pdf

    with every_mask():
        return render_pdf(content)


def rounds(renderers: dict[str, Any], content: Any) -> dict[str, float]:
    """Seconds per document, the median over rounds of each renderer in turn."""
    for fn in renderers.values():
        fn(content)  # warm-up: fonts registered, modules imported
    times: dict[str, list[float]] = {name: [] for name in renderers}
    for _ in range(ROUNDS):
        for name, fn in renderers.items():
            n = 1 if name == "weasyprint" else PER_ROUND
            started = time.perf_counter()
            for _ in range(n):
                fn(content)
            times[name].append((time.perf_counter() - started) / n)
    return {name: h.median(v) for name, v in times.items()}


def one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def main() -> dict[str, Any]:
    from chalicelib.documents.render import render_pdf

    docs = contents()
    one_core()
    peer = weasyprint_renderer()
    renderers: dict[str, Any] = {
        "ours": render_pdf,
        "ours_every_mask": ours_every_mask,
        "floor": bare,
    }
    if callable(peer):
        renderers["weasyprint"] = peer
    results: dict[str, Any] = {"weasyprint_error": None if callable(peer) else peer}
    for kind, content in docs.items():
        sizes = {name: len(fn(content)) for name, fn in renderers.items()}
        per_doc = rounds(renderers, content)
        results[kind] = {"seconds": per_doc, "bytes": sizes}
    return results


if __name__ == "__main__":
    print(json.dumps(main()))
