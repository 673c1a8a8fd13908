"""Table cells of the PDF as plain lines where a Paragraph would break them the same way.

A reportlab ``Paragraph`` per table cell (parsing its markup, measuring every word, then
wrapping it again each time a long table is split across pages) was most of the PDF's
time. For text that needs no markup (every character drawn by Vera, no whitespace but
spaces, no soft hyphen), a Paragraph's line breaking is plain greedy filling
(``Paragraph.breakLines``: a word joins the line while the line fits the width plus 5% of
a space per word already on it, reportlab's ``spaceShrinkage``; a word wider than the cell
is cut character by character, its first piece ending the current line), so
:func:`cell_lines` gives the same lines, with the same float arithmetic, and the table
draws them as a string cell in the same font and leading. Other text is left to a
Paragraph.
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
    forced = False
    todo = [(word, False) for word in reversed(text.split())]  # popped from the end
    while todo:
        word, piece = todo.pop()
        if piece and not word:
            forced = True
        word_width = _width(word)
        new = current + space + word_width
        limit = width + shrink * len(line)
        if new > limit and not forced and not piece and word_width > width:
            todo += reversed([(p, True) for p in _split_word(word, current + space, width)])
            forced = True
            continue
        if new <= limit or not line or forced:
            if word:
                line.append(word)
            if forced:
                forced = False
                lines.append(" ".join(line))
                line = []
                current = -space
            else:
                current = new
        else:
            lines.append(" ".join(line))
            line = [word]
            current = word_width
    if line:
        lines.append(" ".join(line))
    return "\n".join(lines)


def _split_word(word: str, used: float, width: float) -> list[str]:
    """reportlab's ``paragraph._splitWord`` for one line width: ``word`` cut where the
    next character would pass ``width``, the first piece filling the ``used`` line."""
    pieces: list[str] = []
    text = ""
    for char in word:
        char_width = _width(char)
        new = used + char_width
        if new > width and (text or char_width <= width):
            pieces.append(text)
            new = char_width
            text = ""
        text += char
        used = new
    pieces.append(text)
    return pieces
