"""Write the documents' CJK font, chalicelib/documents/fonts/cjk.ttf: a subset of Debian's
Droid Sans Fallback (fonts-droid-fallback, Apache License 2.0; its notice beside the font)
cut to what Chinese documents print: CJK punctuation, radicals, the unified ideographs and
extension A (every character of a person's or an enterprise's name the font has), kana,
fullwidth forms; Hangul, hinting and the few characters beyond U+FFFF dropped (reportlab
maps those to no text a reader can copy: they print as the placeholder). reportlab
embeds from it, per PDF, a subset of the glyphs that PDF uses, so that every viewer
shows the same text.

    .venv/bin/python scripts/cjk_font.py   (fontTools: requirements-dev.txt)
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

SOURCE = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
TARGET = Path(__file__).resolve().parents[1] / "chalicelib" / "documents" / "fonts" / "cjk.ttf"
KEPT = (
    (0x2000, 0x206F),  # general punctuation (— ‘ ’ “ ” …)
    (0x2100, 0x218F),  # letterlike symbols, number forms (№ Ⅰ)
    (0x2460, 0x24FF),  # enclosed numbers (①)
    (0x25A0, 0x25FF),  # geometric shapes (□, the placeholder of a missing character)
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3000, 0x30FF),  # CJK symbols and punctuation, kana (・)
    (0x3400, 0x4DBF),  # CJK unified ideographs extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # fullwidth forms (（ ） ， ： ０-９)
)


def main() -> int:
    if not SOURCE.exists():
        print(f"{SOURCE} is missing: apt-get install fonts-droid-fallback", file=sys.stderr)
        return 1
    font = TTFont(SOURCE)
    wanted = [cp for cp in font.getBestCmap() if any(lo <= cp <= hi for lo, hi in KEPT)]
    options = subset.Options()
    options.hinting = False  # printed and zoomed, never rasterised small: no hints needed
    options.layout_features = []  # reportlab sets no OpenType features
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "vhea", "vmtx", "gasp"]
    options.name_IDs = ["*"]  # the copyright and licence records stay with the font
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(TARGET)
    print(f"{TARGET.name}: {len(wanted)} characters, {TARGET.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
