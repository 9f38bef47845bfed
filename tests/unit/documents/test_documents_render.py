"""The PDF renderer: one A4 page, every fact readable, and a QR code that scans back to its URL."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.documents.render import DocumentContent, render_pdf

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdfinfo") and shutil.which("pdftoppm")),
    reason="needs poppler-utils (pdftotext, pdfinfo, pdftoppm)",
)

URL = "http://127.0.0.1:8000/verify/K7Q3M9XH2P4R6T8W"
ROWS = (
    ("备案编号", "20200210-7KQ3M"),
    ("企业名称", "金华市某某机械制造有限公司"),
    ("统一社会信用代码", "91330702MA2DXXXX1K"),
    ("所在镇（乡、街道）", "城东街道"),
    ("复工人数", "126人"),
    ("审核意见", "防控措施落实到位，同意复工。"),
)


def _certificate(**changes: object) -> DocumentContent:
    content = DocumentContent(
        kind="certificate",
        title="企业复工备案证明",
        title_en="Certificate of enterprise work-resumption filing",
        code="K7Q3M9XH2P4R6T8W",
        verify_url=URL,
        rows=ROWS,
        notes=("该企业已完成复工备案，经镇（乡、街道）专班和区三服务办审核，准予复工。",),
        issued_at="2020-02-10 14:32",
        headline="有效期至 2020-02-24",
    )
    return dataclasses.replace(content, **changes)


def _write(content: DocumentContent, tmp_path: Path) -> Path:
    path = tmp_path / "document.pdf"
    path.write_bytes(render_pdf(content))
    return path


def _pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pairs = (line.split(":", 1) for line in out.stdout.splitlines() if ":" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def _compact_text(path: Path) -> str:
    """The page's text with all whitespace removed: layout spacing is not what is tested."""
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return "".join(out.stdout.split())


def _lines(path: Path) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return [line.strip() for line in out.stdout.splitlines()]


def _compact(text: str) -> str:
    return "".join(text.split())


def test_certificate_is_one_page_with_every_fact(tmp_path: Path) -> None:
    # GIVEN a certificate with a headline, rows and a note
    content = _certificate()

    # WHEN it is rendered
    path = _write(content, tmp_path)

    # THEN it is one page carrying the title, every label and value, the code and the issuer
    assert _pdfinfo(path)["Pages"] == "1"
    text = _compact_text(path)
    expected = [content.title, content.issuer, content.issued_at]
    expected += [part for row in content.rows for part in row]
    missing = [item for item in expected if _compact(item) not in text]
    assert missing == []
    assert content.code in _lines(path)  # on a line of its own, not just inside the URL


def test_pdf_metadata_title_is_the_document_title(tmp_path: Path) -> None:
    # GIVEN a rendered certificate
    path = _write(_certificate(), tmp_path)

    # WHEN its metadata is read
    info = _pdfinfo(path)

    # THEN the title is the Chinese title, so a saved file is recognisable in any viewer
    assert info["Title"] == "企业复工备案证明"
    assert info["Page size"].startswith("595.276 x 841.89")  # A4 in points


def test_qr_code_decodes_to_exactly_the_verify_url(tmp_path: Path) -> None:
    # GIVEN a certificate rasterised at an ordinary scanning resolution
    import zxingcpp
    from PIL import Image

    path = _write(_certificate(), tmp_path)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")

    # WHEN the page is scanned for barcodes
    with Image.open(png) as image:
        results = zxingcpp.read_barcodes(image)

    # THEN exactly one QR code is found, holding exactly the verify URL
    assert [(r.format, r.text) for r in results] == [(zxingcpp.BarcodeFormat.QRCode, URL)]


def test_a_certificates_worker_box_prints_the_code_and_a_second_qr_of_its_own(
    tmp_path: Path,
) -> None:
    # GIVEN a certificate carrying its enterprise's 员工登记码 and the address that resolves it
    import zxingcpp
    from PIL import Image

    from chalicelib.documents.content import JOIN_LINES
    from chalicelib.documents.render import Join

    join = Join("http://127.0.0.1:8000/join/K7Q3M9XH2P4R6T8W", "ABCDEFGH", JOIN_LINES)
    path = _write(_certificate(join=join), tmp_path)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")

    # WHEN the page is read and scanned
    text = _compact_text(path)
    with Image.open(png) as image:
        found = {r.text for r in zxingcpp.read_barcodes(image)}

    # THEN one page shows the code in two halves, says the status page prevails, and has
    # two QR codes: the document's own and the worker's, both whole, neither the code alone
    assert _pdfinfo(path)["Pages"] == "1"
    assert "员工登记码" in text and "ABCDEFGH" in text
    assert _compact("以企业进度页为准") in text
    assert found == {URL, join.url}
    # AND every fact row is still on the page above the box
    for label, value in ROWS:
        assert _compact(label) in text and _compact(value) in text


def test_a_certificate_without_a_current_code_still_has_its_worker_qr(tmp_path: Path) -> None:
    # GIVEN a certificate rendered while its enterprise's code was revoked
    from chalicelib.documents.content import JOIN_LINES
    from chalicelib.documents.render import Join

    path = _write(_certificate(join=Join("http://x.test/join/K7Q3", "", JOIN_LINES)), tmp_path)
    # THEN it prints no code (none to type) but the box and its lines
    text = _compact_text(path)
    assert "员工登记码" in text and _compact(JOIN_LINES[1]) in text


def test_long_notes_and_many_rows_still_fit_one_page(tmp_path: Path) -> None:
    # GIVEN 30 rows and a note of 3000 Chinese characters, far more than a page holds
    rows = tuple((f"第{i}项", f"内容{i}，金华市婺城区城东街道某某路{i}号") for i in range(1, 31))
    notes = ("企业须落实疫情防控主体责任。" * 215,)  # 3010 characters
    content = _certificate(rows=rows, notes=notes)

    # WHEN it is rendered
    path = _write(content, tmp_path)

    # THEN it is still one page, the first rows and the code survive, and the cut is marked
    assert _pdfinfo(path)["Pages"] == "1"
    text = _compact_text(path)
    assert _compact(rows[0][1]) in text
    assert content.code in _lines(path)
    assert "下略" in text or "未列出" in text


def test_too_many_rows_are_cut_with_a_count_of_what_was_left_out(tmp_path: Path) -> None:
    # GIVEN 120 rows: more than fit even at the smallest size
    rows = tuple((f"项目{i:03d}", f"值{i:03d}") for i in range(1, 121))

    # WHEN it is rendered
    path = _write(_certificate(rows=rows, notes=()), tmp_path)

    # THEN one page shows the first rows and says how many more there were
    assert _pdfinfo(path)["Pages"] == "1"
    text = _compact_text(path)
    assert "项目001" in text and "项目120" not in text
    shown = sum(f"项目{i:03d}" in text for i in range(1, 121))
    assert f"另有{120 - shown}项未列出" in text


def test_a_code_of_the_widest_letters_is_printed_whole(tmp_path: Path) -> None:
    # GIVEN a code of sixteen Ws, wider than the QR code at the normal size
    code = "W" * 16

    # WHEN it is rendered
    path = _write(
        _certificate(code=code, verify_url=f"http://127.0.0.1:8000/verify/{code}"), tmp_path
    )

    # THEN it is shrunk, not clipped: it is what people type when they cannot scan
    assert code in _lines(path)


def test_latin_and_mixed_values_appear_in_the_text(tmp_path: Path) -> None:
    # GIVEN values that are Latin only (URL, email) or mix Chinese with Latin
    rows = (
        ("网址", "https://example.com/a?b=1"),
        ("联系邮箱", "wang.jianguo@example.com"),
        ("联系人", "王建国 / 13857912345"),
        ("地址", "婺城区某某路 88 号 B 座"),
    )

    # WHEN they are rendered
    path = _write(_certificate(rows=rows), tmp_path)

    # THEN each appears verbatim, and the English title too
    text = _compact_text(path)
    missing = [value for _, value in rows if _compact(value) not in text]
    assert missing == []
    assert _compact("Certificate of enterprise work-resumption filing") in text


def test_markup_characters_in_values_are_printed_literally(tmp_path: Path) -> None:
    # GIVEN a company name containing characters that mean something in Paragraph markup
    rows = (("企业名称", "A&B <b>贸易</b> 有限公司"),)

    # WHEN it is rendered
    path = _write(_certificate(rows=rows), tmp_path)

    # THEN the characters are printed, not interpreted (nor do they crash the renderer)
    assert _compact("A&B <b>贸易</b> 有限公司") in _compact_text(path)


def test_characters_beyond_the_font_encoding_become_a_placeholder(tmp_path: Path) -> None:
    # GIVEN a name with a character outside the Basic Multilingual Plane (吉 with a 土 top)
    rows = (("姓名", "\U00020bb7祥"),)

    # WHEN it is rendered
    path = _write(_certificate(rows=rows), tmp_path)

    # THEN a visible placeholder (the geta mark, 缺字符号) stands in for it, rather than
    # two wrong glyphs or nothing
    assert "〓祥" in _compact_text(path)


def test_same_content_renders_the_same_bytes() -> None:
    # GIVEN one content
    content = _certificate()

    # WHEN it is rendered twice
    first, second = render_pdf(content), render_pdf(content)

    # THEN the PDFs are identical: no timestamps or random ids leak in
    assert first.startswith(b"%PDF-")
    assert first == second


def test_importing_the_module_loads_neither_reportlab_nor_segno() -> None:
    # GIVEN a fresh interpreter
    code = (
        "import sys, chalicelib.documents.render; "
        "print(sorted(m for m in ('reportlab', 'segno') if m in sys.modules))"
    )

    # WHEN it only imports the renderer, as a Lambda handler does at cold start
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )

    # THEN the heavy libraries are still unloaded
    assert out.stdout.strip() == "[]"


def test_a_middle_dot_prints_and_the_text_after_it_stays(tmp_path: Path) -> None:
    # GIVEN a plate and a name written with U+00B7, as 浙G·12345 and 买买提·艾力 are
    rows = (("车牌号", "浙G·12345 专列"), ("姓名", "买买提·艾力"), ("备注", "其后文字"))

    # WHEN it is rendered
    path = _write(_certificate(rows=rows), tmp_path)

    # THEN both read back whole, the dot and everything after it
    text = _compact_text(path)
    assert "浙G·12345专列" in text and "买买提·艾力" in text and "其后文字" in text


def test_the_cjk_font_is_embedded_as_a_subset(tmp_path: Path) -> None:
    # GIVEN a rendered certificate WHEN its fonts are listed
    path = _write(_certificate(), tmp_path)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    fonts = [line.split() for line in out.stdout.splitlines()[2:]]

    # THEN every font but the standard Latin one is embedded, as a subset
    cjk = [f for f in fonts if not f[0].startswith("Helvetica")]
    assert cjk, out.stdout
    for font in cjk:
        assert f"{font[0]}".split("+")[0].isupper() and "+" in font[0], out.stdout  # a subset
        assert font[-5] == "yes", out.stdout  # emb
