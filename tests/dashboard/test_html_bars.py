"""The first view's HTML bar charts: ordered, escaped, summed past the limit."""

from __future__ import annotations

import re

from dashboard.ui.html_bars import STATE_COLOURS, stacked_bars


def _labels(html: str) -> list[str]:
    return re.findall(r'white-space:nowrap" title="[^"]*">([^<]*)</span>', html)


def test_bars_are_longest_first_and_scaled_to_the_longest() -> None:
    html = stacked_bars("Hosts", [("b", (1, 0, 0)), ("a", (10, 5, 0)), ("c", (0, 0, 0))])
    assert _labels(html) == ["a", "b"]  # nothing hit, no bar
    assert 'title="down: 10" style="display:inline-block;height:14px;width:66.67%' in html
    assert f"background:{STATE_COLOURS['degraded']}" in html
    assert ">15</span>" in html and ">1</span>" in html


def test_names_are_text_not_markup() -> None:
    html = stacked_bars("<b>x</b>", [("<script>alert(1)</script>", (1, 0, 0))])
    assert "<script>" not in html and "<b>x</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_rows_past_the_limit_are_summed() -> None:
    rows = [(f"op{i:02d}", (i, 0, 0)) for i in range(1, 21)]
    html = stacked_bars("Hosts", rows, limit=15)
    assert len(_labels(html)) == 15
    assert "and 5 more (15 hosts)" in html  # 1 + 2 + 3 + 4 + 5
    assert "\n" not in html  # one raw HTML block for markdown
