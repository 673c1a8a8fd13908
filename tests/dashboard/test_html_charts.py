"""The first view's HTML bar charts: ordered, escaped, summed past the limit."""

from __future__ import annotations

import re

from dashboard.access.aggregates import HeatCell
from dashboard.ui.charts import BAND_COLOURS
from dashboard.ui.html_charts import STATE_COLOURS, heat_table, stacked_bars


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
