"""The first view's HTML: bars ordered, escaped and summed past the limit; sections,
notes and figures escaped and in order."""

from __future__ import annotations

import re

from dashboard.access.aggregates import HeatCell
from dashboard.ui.charts import BAND_COLOURS
from dashboard.ui.html_charts import (
    STATE_COLOURS,
    figures,
    heat_table,
    note,
    section,
    side_by_side,
    stacked_bars,
)


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
    assert "\n" not in html  # one line


def _cell(scope: str, layer: str, hhi: float | None, hosts: int) -> HeatCell:
    band = None if hhi is None else "x"
    return HeatCell(
        scope=scope, layer=layer, hhi=hhi, band=band, effective_suppliers=None,
        suppliers=1, hosts=hosts, top_vendor=None,
    )  # fmt: skip


def test_heat_table_rows_by_hosts_cells_by_band() -> None:
    html = heat_table(
        [
            _cell("small", "os", 999.0, 1),
            _cell("big", "os", 1800.0, 50),
            _cell("big", "edr", 1000.0, 50),
            _cell("small", "edr", None, 1),  # suppressed: blank
        ]
    )
    assert html.index(">big</th>") < html.index(">small</th>")
    assert html.index(">edr</th>") < html.index(">os</th>")
    low, moderate, high = BAND_COLOURS
    assert f'background:{high};color:white;font-weight:600">1,800<' in html
    assert f'background:{moderate};color:white;font-weight:600">1,000<' in html
    assert f'background:{low};color:white;font-weight:600">999<' in html
    assert html.count("background:#eee") == 1


def test_sections_notes_and_figures_are_text_in_order() -> None:
    html = section(
        "<i>Findings</i>",
        figures([("Critical", "1,024"), ("<b>High</b>", "2")]),
        caption="a & b",
    )
    assert html.startswith("<h3") and "&lt;i&gt;Findings&lt;/i&gt;</h3>" in html
    assert re.findall(r"<dt[^>]*>([^<]*)</dt><dd[^>]*>([^<]*)</dd>", html) == [
        ("Critical", "1,024"),
        ("&lt;b&gt;High&lt;/b&gt;", "2"),
    ]
    assert html.endswith(note("a & b")) and "a &amp; b</p>" in html
    assert section("x").endswith(">x</h3>")  # no caption, no note


def test_side_by_side_keeps_each_block_whole_and_in_order() -> None:
    html = side_by_side("<p>a</p>", "<p>b</p>")
    assert html.index("<p>a</p>") < html.index("<p>b</p>")
    assert html.count("flex:1 1 18rem") == 2
