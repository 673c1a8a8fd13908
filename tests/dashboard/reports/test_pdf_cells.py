"""PDF cells drawn as plain lines break where a reportlab Paragraph breaks them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from dashboard.reports.pdf_cells import CELL_FONT_SIZE, CELL_LEADING, cell_lines
from dashboard.reports.pdf_fonts import BODY, markup

_STYLE = ParagraphStyle("cell", fontName=BODY, fontSize=CELL_FONT_SIZE, leading=CELL_LEADING)


def _paragraph_lines(text: str, width: float) -> list[str]:
    para = Paragraph(markup(text), _STYLE)
    para.wrap(width, 10_000)
    return [" ".join(words) for _, words in vars(para)["blPara"].lines]


CASES = [
    "",
    "short",
    "two words",
    "KG-SR-01:channel:synth-synth-windows-server-2022-updates",
    "Channel synth-synth-windows-server-2022-updates",
    "application, backup, edr, identity, os, other, remote-management",
    "00df708bec14382c0cb6447a96d83cfc0dce900f8c61e11a57037fc3b3d73bd7",
    "  leading and   repeated   spaces  ",
    "a b c d e f g h i j k l m n o p q r s t u v w x y z " * 3,
    "W" * 40 + " i " + "m" * 25,
]


def test_known_cells_break_as_a_paragraph() -> None:
    for width in (19.2, 31.24, 55.1, 83.7, 110.0, 193.3):
        for text in CASES:
            lines = cell_lines(text, width)
            assert lines is not None, text
            assert (lines.split("\n") if lines else []) == _paragraph_lines(text, width), text


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzWM0123456789-:/._", min_size=1, max_size=40),
        max_size=12,
    ),
    width=st.floats(min_value=8.0, max_value=200.0),
)
def test_generated_cells_break_as_a_paragraph(words: list[str], width: float) -> None:
    text = " ".join(words)
    lines = cell_lines(text, width)
    assert lines is not None
    assert (lines.split("\n") if lines else []) == _paragraph_lines(text, width)


def test_text_needing_markup_is_left_to_a_paragraph() -> None:
    assert cell_lines("a < b & c", 100.0) is None
    assert cell_lines("line\nbreak", 100.0) is None
    assert cell_lines("non\xa0breaking", 100.0) is None
    assert cell_lines("漢字", 100.0) is None
    assert cell_lines("soft\xadhyphen", 100.0) is None
