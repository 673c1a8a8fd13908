"""Table cells of the PDF as plain lines where a Paragraph would break them the same way.

A reportlab ``Paragraph`` per table cell (parsing its markup, measuring every word, then
wrapping it again each time a long table is split across pages) was most of the PDF's
time. For text that needs no markup (every character drawn by Vera, no whitespace but
spaces, no soft hyphen) and no word wider than the cell, a Paragraph's line breaking is
plain greedy filling (``Paragraph.breakLines``: a word joins the line while the line fits
the width plus 5% of a space per word already on it, reportlab's ``spaceShrinkage``), so
:func:`cell_lines` gives the same lines, which the table draws as a string cell of those
lines in the same font and leading. Anything else is left to a Paragraph.
"""

from __future__ import annotations

from functools import cache

from reportlab import rl_config
from reportlab.pdfbase.pdfmetrics import stringWidth

from dashboard.reports.pdf_fonts import BODY, register_fonts

__all__ = ["CELL_FONT_SIZE", "CELL_LEADING", "cell_lines"]

CELL_FONT_SIZE = 6.8
CELL_LEADING = 8.2


@cache
def _drawable() -> frozenset[str]:
    """Characters a cell can hold as plain text: Vera draws them, the markup does not
    change them, a Paragraph splits words at none of them."""
    covered = (chr(c) for c in register_fonts())
    special = set("&<>\xad")
    return frozenset(c for c in covered if not c.isspace() and c not in special) | {" "}


@cache
def _width(word: str) -> float:
    return stringWidth(word, BODY, CELL_FONT_SIZE)


def cell_lines(text: str, width: float) -> str | None:
    """``text`` broken into lines of at most ``width`` points as a cell Paragraph breaks
    it, joined by newlines; None when a Paragraph must draw it (see the module doc)."""
    if not _drawable().issuperset(text):
        return None
    space = _width(" ")
    shrink = float(rl_config.spaceShrinkage) * space
    lines: list[str] = []
    line: list[str] = []
    current = -space
    for word in text.split():
        word_width = _width(word)
        if word_width > width:
            return None  # a Paragraph splits long words character by character
        new = current + space + word_width
        if new <= width + shrink * len(line) or not line:
            line.append(word)
            current = new
        else:
            lines.append(" ".join(line))
            line = [word]
            current = word_width
    if line:
        lines.append(" ".join(line))
    return "\n".join(lines)
