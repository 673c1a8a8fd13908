"""Fonts for the PDF: the Vera family shipped inside reportlab, the same on every machine.

A system font would make the PDF depend on what is installed; Vera ships with reportlab,
so the bytes and the extracted text depend only on the report. Characters Vera lacks are
transliterated (``→`` becomes ``->``); runs of CJK text (GB/T titles in controls.md) use
reportlab's built-in ``STSong-Light`` CID font, which PDF readers supply.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

__all__ = ["BODY", "BOLD", "CJK", "markup", "plain", "register_fonts"]

BODY, BOLD, CJK = "Vera", "VeraBd", "STSong-Light"
_FONTS = Path(reportlab.__file__).parent / "fonts"
_TRANSLITERATE = {"→": "->", "⇢": "=>", "⇒": "=>", "←": "<-", "✓": "v", "✗": "x"}


@cache
def register_fonts() -> frozenset[int]:
    """Register Vera, Vera Bold and STSong-Light once; the code points Vera can draw."""
    body = TTFont(BODY, str(_FONTS / "Vera.ttf"))
    pdfmetrics.registerFont(body)
    pdfmetrics.registerFont(TTFont(BOLD, str(_FONTS / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(BODY, normal=BODY, bold=BOLD, italic=BODY, boldItalic=BOLD)
    pdfmetrics.registerFont(UnicodeCIDFont(CJK))
    return frozenset(int(c) for c in body.face.charToGlyph)


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF


def plain(text: str) -> str:
    """``text`` with every character Vera cannot draw replaced (for chart strings)."""
    covered = register_fonts()
    return "".join(
        ch if ord(ch) in covered or ch in "\n\t" else _TRANSLITERATE.get(ch, "?") for ch in text
    )


def markup(text: str) -> str:
    """``text`` as Paragraph markup: escaped, CJK runs in the CID font, the rest Vera-safe."""
    covered = register_fonts()
    out: list[str] = []
    run: list[str] = []
    for ch in text:
        if _is_cjk(ch):
            run.append(ch)
            continue
        if run:
            out.append(f'<font name="{CJK}">{escape("".join(run))}</font>')
            run = []
        if ord(ch) in covered or ch == " ":
            out.append(escape(ch))
        else:
            out.append(escape(_TRANSLITERATE.get(ch, "?")))
    if run:
        out.append(f'<font name="{CJK}">{escape("".join(run))}</font>')
    return "".join(out)
