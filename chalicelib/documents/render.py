"""One A4 page per issued document: title, a table of facts, notes, and a QR code to verify it.

reportlab and segno are imported inside functions, never at module level: Lambda handlers
import this module, and a cold start should only pay for them when a PDF is actually rendered.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM  # A4, without importing reportlab.lib.pagesizes
MARGIN = 20 * MM
CONTENT_W = PAGE_W - 2 * MARGIN
QR_SIZE = 42 * MM  # the symbol itself, quiet zone excluded: comfortable for any phone camera
# One of the eight masks ISO 18004 allows, given rather than chosen by scoring all eight
# (a third of a render's time; the scoring only eases reading a poor image, and a 42 mm
# code printed or on a screen is not one): benchmarks/REPORT.md, "Documents".
QR_MASK = 4

# The CJK font is embedded (as a subset of the glyphs each PDF uses): a CID font that
# viewers must supply shows as nothing in some phones' viewers. Droid Sans Fallback cut to
# Chinese (scripts/cjk_font.py; Apache License 2.0, its notice in fonts/NOTICE).
CJK = "JiafuwuCJK"
CJK_FILE = Path(__file__).with_name("fonts") / "cjk.ttf"
LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"

INK = (0.12, 0.12, 0.12)
MUTED = (0.38, 0.38, 0.38)
RULE = (0.80, 0.80, 0.80)
LABEL_BG = (0.965, 0.965, 0.965)
RED = (0.70, 0.08, 0.08)  # the red rule under the title of Chinese official documents

# (table font size, notes font size), tried in turn until both fit. The facts in the table
# matter more than the fine print, so the notes shrink first. Past the last step, truncate.
LADDER = (
    (11.0, 10.0),
    (11.0, 9.0),
    (10.5, 9.0),
    (10.5, 8.5),
    (10.0, 8.5),
    (10.0, 8.0),
    (9.5, 8.0),
    (9.0, 8.0),
    (9.0, 7.5),
    (8.5, 7.5),
    (8.5, 7.0),
    (8.0, 7.0),
    (7.5, 7.0),
)
NOTE_LEADING = 1.6
NOTE_LINES_KEPT = 4  # when truncating, rows give way so at least this much of the notes shows
MAX_VALUE_CHARS = 300  # a table row cannot split, so one huge value must not fill the page
MAX_TITLE_CHARS = 40  # the header has no fitting step: keep it to a couple of lines
MAX_HEADLINE_CHARS = 60
MAX_TITLE_EN_CHARS = 160
ELLIPSIS = "……"

# Printable ASCII and Latin-1 runs (the middle dot of 浙G·12345 and 买买提·艾力 among them)
# are set in Helvetica, whose WinAnsi encoding has them and whose metrics every viewer has;
# the CJK font has no Latin glyphs.
_LATIN_RUN = re.compile(r"[\x20-\x7e\xa0-\xff]+")
# A character neither font has (an emoji, a rare ideograph beyond U+FFFF): the geta mark,
# typesetting's sign for a missing character (缺字符号), rather than a blank or a wrong glyph.
MISSING = "〓"
# What Helvetica's WinAnsi encoding has beyond Latin-1: quotes and dashes the CJK font lacks.
_WIN_ANSI_EXTRA = frozenset("‘’“”‚„–—…•€™†‡‰‹›ŒœŠšŽžŸƒˆ˜")

Rows = tuple[tuple[str, str], ...]
Block = tuple[float, Any, float]  # (space above, a wrapped reportlab flowable, its height)


@dataclass(frozen=True)
class DocumentContent:
    kind: str  # "slip" (回执) | "certificate" (复工备案证明) | "docking_slip" | "pass"
    title: str  # Chinese title, e.g. "企业复工备案回执"
    title_en: str  # e.g. "Enterprise work-resumption filing receipt"
    code: str  # the document's verification code, e.g. "K7Q3M9XH2P4R6T8W"
    verify_url: str  # the QR code holds exactly this string
    rows: tuple[tuple[str, str], ...]  # (label, value) pairs
    notes: tuple[str, ...] = ()  # paragraphs below the table; long ones wrap
    issuer: str = "婺城区三服务办"  # printed at the bottom with issued_at
    issued_at: str = ""  # already formatted, e.g. "2020-02-10 14:32"
    headline: str = ""  # optional large line under the title, e.g. a slip number
    qr_text: str = ""  # what the QR holds when not verify_url alone: it with the seal
    # A second, labelled QR above the footer: the certificate's 员工登记 box (its address,
    # the code as printed or "" when none is current), a worker's way in, not a check.
    join: Join | None = None


@dataclass(frozen=True)
class Join:
    url: str  # an address that stays valid: it resolves the code current at the scan
    code: str  # the code at issue, printed for typing; "" when none was current
    lines: tuple[str, ...] = ()  # what the box says beside its QR, under its title


def render_pdf(content: DocumentContent) -> bytes:
    """The document as a one-page A4 PDF; content too long for the page is truncated, visibly."""
    _register_fonts()
    buffer = io.BytesIO()
    canvas = _new_canvas(buffer, content)
    body_top = _draw_header(canvas, content)
    body_bottom = _draw_footer(canvas, content) + 6 * MM
    if content.join:
        body_bottom = _draw_join(canvas, content.join, body_bottom) + 5 * MM
    _draw_body(canvas, content, body_top, body_bottom)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@functools.cache
def _register_fonts() -> None:
    # Cached: registering once per process is enough, and module import stays cheap.
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = TTFont(CJK, str(CJK_FILE))
    pdfmetrics.registerFont(font)
    _covered.update(font.face.charToGlyph)


_covered: set[int] = set()  # the code points the CJK font has, once registered


def _new_canvas(buffer: io.BytesIO, content: DocumentContent) -> Canvas:
    from reportlab.pdfgen.canvas import Canvas

    # invariant: no timestamp or random file id, so the same content gives the same bytes.
    canvas = Canvas(buffer, pagesize=(PAGE_W, PAGE_H), invariant=True, pageCompression=1)
    canvas.setTitle(content.title)
    canvas.setSubject(content.title_en)
    canvas.setAuthor(content.issuer)
    canvas.setKeywords(f"{content.kind} {content.code}")
    canvas.setCreator("婺城家服务 Jiafuwu")
    return canvas


# --- header -------------------------------------------------------------------------------


def _draw_header(canvas: Canvas, content: DocumentContent) -> float:
    """Title, English title, red double rule, optional headline; returns where the body starts."""
    title = _cap(content.title, MAX_TITLE_CHARS)
    y = _draw_para(canvas, title, _style(22, INK, centred=True, leading=1.3), PAGE_H - 22 * MM)
    title_en = _cap(content.title_en, MAX_TITLE_EN_CHARS)
    y = _draw_para(canvas, title_en, _style(9.5, MUTED, centred=True), y - 1.5 * MM) - 4 * MM
    _draw_rule(canvas, y, 1.4, RED)
    _draw_rule(canvas, y - 2.2, 0.5, RED)
    y -= 8 * MM
    if content.headline:
        headline = _cap(content.headline, MAX_HEADLINE_CHARS)
        style = _style(16, INK, centred=True, leading=1.3)
        y = _draw_para(canvas, headline, style, y, latin=LATIN_BOLD) - 5 * MM
    return y


def _draw_rule(canvas: Canvas, y: float, width: float, colour: tuple[float, ...]) -> None:
    canvas.setStrokeColorRGB(*colour)
    canvas.setLineWidth(width)
    canvas.line(MARGIN, y, PAGE_W - MARGIN, y)


def _draw_para(
    canvas: Canvas, text: str, style: ParagraphStyle, top: float, latin: str = LATIN
) -> float:
    """Draws a wrapped paragraph whose first line starts at top; returns its bottom."""
    para = _para(text, style, latin)
    _, height = para.wrap(CONTENT_W, PAGE_H)
    para.drawOn(canvas, MARGIN, top - height)
    return top - height


# --- footer -------------------------------------------------------------------------------


def _draw_footer(canvas: Canvas, content: DocumentContent) -> float:
    """QR code and code at the left, issuer and date at the right; returns the footer's top."""
    url_baseline = 14 * MM
    code_baseline = url_baseline + 6 * MM
    qr = _qr(content.qr_text or content.verify_url)
    quiet = 4 * QR_SIZE / len(qr)  # the quiet zone the QR standard asks for: nothing drawn there
    qr_bottom = code_baseline + 12 + quiet
    _draw_qr(canvas, qr, MARGIN, qr_bottom)
    _draw_code(canvas, content.code, code_baseline)
    _draw_verify_url(canvas, content.verify_url, url_baseline)
    _draw_signature(canvas, content, qr_bottom + QR_SIZE * 0.45)
    _draw_scan_caption(canvas, MARGIN + QR_SIZE + quiet, qr_bottom + QR_SIZE)
    return qr_bottom + QR_SIZE + quiet


def _qr(url: str) -> list[tuple[int, ...]]:
    import segno

    # Exactly level M, as specified: boosting would change what tests and scanners expect.
    symbol = segno.make(url, error="m", boost_error=False, micro=False, mask=QR_MASK)
    return [tuple(row) for row in symbol.matrix_iter(scale=1, border=0)]


def _draw_qr(canvas: Canvas, qr: list[tuple[int, ...]], x: float, y: float) -> None:
    _draw_qr_sized(canvas, qr, x, y, QR_SIZE)


def _draw_qr_sized(
    canvas: Canvas, qr: list[tuple[int, ...]], x: float, y: float, size: float
) -> None:
    """Vector modules: crisp at any zoom, and one path so no hairline seams between them."""
    module = size / len(qr)
    top = y + size
    path = canvas.beginPath()
    for r, row in enumerate(qr):
        for start, length in _dark_runs(row):
            path.rect(x + start * module, top - (r + 1) * module, length * module, module)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)


def _dark_runs(row: tuple[int, ...]) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules: one rectangle per run, not per module."""
    runs: list[tuple[int, int]] = []
    start = None
    for i, dark in enumerate((*row, 0)):
        if dark and start is None:
            start = i
        elif not dark and start is not None:
            runs.append((start, i - start))
            start = None
    return runs


def _draw_code(canvas: Canvas, code: str, baseline: float) -> None:
    # Centred under the QR code and no wider: it is what people type when they cannot scan.
    canvas.setFillColorRGB(*INK)
    centre = MARGIN + QR_SIZE / 2
    _draw_fitted(canvas, code, centre, baseline, 12, QR_SIZE, LATIN_BOLD, align="centre")


def _draw_verify_url(canvas: Canvas, url: str, baseline: float) -> None:
    canvas.setFillColorRGB(*MUTED)
    label_w = _draw_fitted(canvas, "核验网址：", MARGIN, baseline, 8, CONTENT_W)
    _draw_fitted(canvas, url, MARGIN + label_w, baseline, 8, CONTENT_W - label_w)


def _draw_signature(canvas: Canvas, content: DocumentContent, baseline: float) -> None:
    """Issuer over date, right-aligned: where a Chinese official document puts its 落款."""
    right = PAGE_W - MARGIN
    width = CONTENT_W - QR_SIZE - 45 * MM  # clear of the "scan to verify" caption
    canvas.setFillColorRGB(*INK)
    _draw_fitted(canvas, content.issuer, right, baseline, 14, width, align="right")
    if content.issued_at:
        date_baseline = baseline - 7 * MM
        _draw_fitted(canvas, content.issued_at, right, date_baseline, 11, width, align="right")


def _draw_scan_caption(canvas: Canvas, x: float, top: float) -> None:
    canvas.setFillColorRGB(*MUTED)
    _draw_line(canvas, "扫码核验真伪", x, top - 10, 9.5)
    _draw_line(canvas, "Scan to verify", x, top - 23, 8)


# --- the worker's box ---------------------------------------------------------------------

JOIN_QR_SIZE = 26 * MM


def _draw_join(canvas: Canvas, join: Join, bottom: float) -> float:
    """A framed box across the page: its QR at the left, title, code and lines at the
    right; returns the box's top."""
    qr = _qr(join.url)
    quiet = 4 * JOIN_QR_SIZE / len(qr)
    pad = 3 * MM
    height = JOIN_QR_SIZE + 2 * quiet
    top = bottom + height
    canvas.setStrokeColorRGB(*RULE)
    canvas.setLineWidth(0.8)
    canvas.rect(MARGIN, bottom, CONTENT_W, height, stroke=1, fill=0)
    _draw_qr_sized(canvas, qr, MARGIN + quiet, bottom + quiet, JOIN_QR_SIZE)
    x = MARGIN + JOIN_QR_SIZE + 2 * quiet + pad
    width = PAGE_W - MARGIN - pad - x
    canvas.setFillColorRGB(*INK)
    baseline = top - pad - 11
    _draw_fitted(canvas, "员工登记码", x, baseline, 12, width)
    if join.code:
        baseline -= 24
        _draw_fitted(canvas, _grouped(join.code), x, baseline, 20, width, LATIN_BOLD)
    canvas.setFillColorRGB(*MUTED)
    for line in join.lines:
        baseline -= 14
        _draw_fitted(canvas, line, x, baseline, 9, width)
    return top


def _grouped(code: str) -> str:
    """ABCD EFGH: a code read aloud or typed in two halves."""
    half = (len(code) + 1) // 2
    return f"{code[:half]} {code[half:]}" if len(code) > 4 else code


# --- body ---------------------------------------------------------------------------------


def _draw_body(canvas: Canvas, content: DocumentContent, top: float, bottom: float) -> None:
    rows = tuple((label, _cap(value, MAX_VALUE_CHARS)) for label, value in content.rows)
    y = top
    for gap, flowable, height in _fitted_blocks(rows, content.notes, top - bottom):
        flowable.drawOn(canvas, MARGIN, y - gap - height)
        y -= gap + height


def _fitted_blocks(rows: Rows, notes: tuple[str, ...], available: float) -> list[Block]:
    """The rows table and the notes at the largest sizes that fit, else truncated to fit."""
    # Cached per size: each step of the ladder reuses the wraps of the steps before it.
    table_at = functools.cache(lambda size: _table_blocks(rows, size))
    notes_at = functools.cache(lambda size: _note_blocks(notes, size, after_table=bool(rows)))
    for table_size, note_size in LADDER:
        blocks = table_at(table_size) + notes_at(note_size)
        if _height(blocks) <= available:
            return blocks
    return _truncated_blocks(rows, notes, available, notes_at(LADDER[-1][1]))


def _truncated_blocks(
    rows: Rows, notes: tuple[str, ...], available: float, all_notes: list[Block]
) -> list[Block]:
    """As many rows, then as much of the notes, as fit at the smallest sizes; marks each cut."""
    table_size, note_size = LADDER[-1]
    some_notes = note_size * NOTE_LEADING * (NOTE_LINES_KEPT + 1)  # + 1 for the gap above
    kept_rows = _fit_rows(rows, table_size, available - min(_height(all_notes), some_notes))
    table = _table_blocks(kept_rows, table_size)
    kept_notes = _fit_notes(notes, note_size, available - _height(table), bool(kept_rows))
    return table + _note_blocks(kept_notes, note_size, after_table=bool(kept_rows))


def _fit_rows(rows: Rows, size: float, available: float) -> Rows:
    def cut(n: int) -> Rows:
        omitted = len(rows) - n
        return rows if omitted == 0 else (*rows[:n], (ELLIPSIS, f"另有 {omitted} 项未列出"))

    def fits(n: int) -> bool:
        return _height(_table_blocks(cut(n), size)) <= available

    n = _largest(len(rows), fits)
    return cut(n) if fits(n) else ()


def _fit_notes(
    notes: tuple[str, ...], size: float, room: float, after_table: bool
) -> tuple[str, ...]:
    """Whole notes while they fit, then the start of the next one, marked as cut."""

    def fits(kept: tuple[str, ...]) -> bool:
        return _height(_note_blocks(kept, size, after_table)) <= room

    whole = _largest(len(notes), lambda n: fits(notes[:n]))
    if whole == len(notes):
        return notes

    def cut(n: int) -> tuple[str, ...]:
        return (*notes[:whole], notes[whole][:n] + ELLIPSIS + "（下略）")

    n = _largest(len(notes[whole]), lambda n: fits(cut(n)))
    return cut(n) if fits(cut(n)) else notes[:whole]


def _largest(upper: int, ok: Callable[[int], bool]) -> int:
    """The largest n in [0, upper] with ok(n), for ok true up to some n and false after."""
    low, high = 0, upper
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if ok(mid) else (low, mid - 1)
    return low


def _height(blocks: list[Block]) -> float:
    return sum(gap + height for gap, _, height in blocks)


def _block(gap: float, flowable: Any) -> Block:
    """Wraps once to the content width; drawOn later reuses this wrap."""
    _, height = flowable.wrap(CONTENT_W, PAGE_H)
    return (gap, flowable, height)


def _note_blocks(notes: tuple[str, ...], size: float, after_table: bool) -> list[Block]:
    style = _style(size, MUTED, leading=NOTE_LEADING)
    first_gap = size * NOTE_LEADING if after_table else 0.0
    return [
        _block(first_gap if i == 0 else size * 0.5, _para(n, style)) for i, n in enumerate(notes)
    ]


def _table_blocks(rows: Rows, size: float) -> list[Block]:
    return [_block(0.0, _table(rows, size))] if rows else []


def _table(rows: Rows, size: float) -> Any:
    from reportlab.platypus import Table, TableStyle

    # Padding tightens with the font, so a long table gains rows, not just smaller letters.
    pad = size * (0.3 + 0.3 * (size - 7.5) / 3.5)
    label_style, value_style = _style(size, MUTED, leading=1.35), _style(size, INK, leading=1.35)
    label_w = _label_width(rows, size, pad)
    data = [[_para(label, label_style), _para(value, value_style)] for label, value in rows]
    table = Table(data, colWidths=(label_w, CONTENT_W - label_w))
    table.setStyle(TableStyle(_table_commands(pad)))
    return table


def _label_width(rows: Rows, size: float, pad: float) -> float:
    """Wide enough for the longest label on one line, but never more than a third of the page."""
    widest = max(_text_width(label, size) for label, _ in rows)
    return min(max(widest + 2 * pad + 2, 26 * MM), CONTENT_W / 3)


def _table_commands(pad: float) -> list[tuple[Any, ...]]:
    from reportlab.lib.colors import Color

    ink, rule, shade = Color(*INK), Color(*RULE), Color(*LABEL_BG)
    return [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), max(pad, 4)),
        ("RIGHTPADDING", (0, 0), (-1, -1), max(pad, 4)),
        ("TOPPADDING", (0, 0), (-1, -1), pad * 0.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ("BACKGROUND", (0, 0), (0, -1), shade),
        ("LINEABOVE", (0, 0), (-1, 0), 0.9, ink),
        ("LINEBELOW", (0, 0), (-1, -2), 0.3, rule),
        ("LINEBELOW", (0, -1), (-1, -1), 0.9, ink),
    ]


def _cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + ELLIPSIS


# --- text ---------------------------------------------------------------------------------


def _style(
    size: float, colour: tuple[float, ...], centred: bool = False, leading: float = 1.45
) -> ParagraphStyle:
    from reportlab.lib.colors import Color
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(
        name=f"s{size}",
        fontName=CJK,
        fontSize=size,
        leading=size * leading,
        textColor=Color(*colour),
        alignment=1 if centred else 0,
        wordWrap="CJK",  # Chinese has no spaces: break between any two characters
    )


def _para(text: str, style: ParagraphStyle, latin: str = LATIN) -> Any:
    from reportlab.platypus import Paragraph

    markup = "".join(
        f'<font face="{font}">{_escape(piece)}</font>' if font != CJK else _escape(piece)
        for font, piece in _runs(text, latin)
    )
    return Paragraph(markup.replace("\n", "<br/>"), style)


def _escape(text: str) -> str:
    # Not xml.sax.saxutils.escape: importing it pulls in urllib.request, ~20 ms of cold start.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _runs(text: str, latin: str = LATIN) -> list[tuple[str, str]]:
    """(font, piece) runs: printable Latin in the Latin font; the rest in the CJK font, or
    in the Latin font where only it has the character (“ ” of a name in quotes); a
    character neither has becomes MISSING (not a blank a reader cannot see)."""
    _register_fonts()
    runs: list[tuple[str, str]] = []
    for c in text:
        if _LATIN_RUN.fullmatch(c) or (ord(c) not in _covered and c in _WIN_ANSI_EXTRA):
            font = latin
        elif ord(c) in _covered or c == "\n":
            font = CJK
        else:
            font, c = CJK, MISSING
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + c)
        else:
            runs.append((font, c))
    return runs


def _text_width(text: str, size: float, latin: str = LATIN) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return sum(stringWidth(piece, font, size) for font, piece in _runs(text, latin))


def _draw_line(
    canvas: Canvas,
    text: str,
    x: float,
    baseline: float,
    size: float,
    latin: str = LATIN,
    align: str = "left",
) -> float:
    """One unwrapped line in mixed fonts, in the current fill colour; returns its width.

    x is the line's left end, right end or centre, as align says.
    """
    width = _text_width(text, size, latin)
    left = {"left": x, "right": x - width, "centre": x - width / 2}[align]
    text_object = canvas.beginText(left, baseline)
    for font, piece in _runs(text, latin):
        text_object.setFont(font, size)
        text_object.textOut(piece)
    canvas.drawText(text_object)
    return width


def _draw_fitted(
    canvas: Canvas,
    text: str,
    x: float,
    baseline: float,
    size: float,
    width: float,
    latin: str = LATIN,
    align: str = "left",
) -> float:
    """One line shrunk (down to 6 pt), then clipped, to fit the width; returns its width."""
    natural = _text_width(text, size, latin)
    # 0.999: a hair under the width, or rounding could make _clipped cut a text that fits
    size = size if natural <= width else max(6.0, 0.999 * size * width / natural)
    text = _clipped(text, size, width, latin)
    return _draw_line(canvas, text, x, baseline, size, latin, align)


def _clipped(text: str, size: float, width: float, latin: str) -> str:
    if _text_width(text, size, latin) <= width:
        return text
    n = _largest(len(text), lambda n: _text_width(text[:n] + ELLIPSIS, size, latin) <= width)
    return text[:n] + ELLIPSIS
