"""The first view's Markdown charts: ordered, scaled, escaped, summed past the limit,
and free of raw HTML (which the browser would parse with a lazily loaded module)."""

from __future__ import annotations

import re

from dashboard.access.aggregates import HeatCell
from dashboard.ui.text_charts import BAR_CELLS, heat_table, md_text, stacked_bars


def _rows(markdown: str) -> list[list[str]]:
    """The table's body rows, cell by cell (header and alignment rows left out)."""
    lines = [line for line in markdown.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines[1:]]


def test_bars_are_longest_first_and_scaled_to_the_longest() -> None:
    md = stacked_bars("Hosts", [("b", (1, 0, 0)), ("a", (10, 5, 0)), ("c", (0, 0, 0))])
    rows = _rows(md)
    assert [r[0] for r in rows] == ["a", "b"]  # nothing hit, no bar
    # a: 10 of 15 down, 5 degraded, over the full width; no compromised column
    assert rows[0][1] == f":red[{'█' * (BAR_CELLS * 2 // 3)}]:orange[{'█' * (BAR_CELLS // 3)}]"
    assert rows[0][2:] == ["10", "5", "15"] and rows[1][2:] == ["1", "0", "1"]
    assert "| :red[down] | :orange[degraded] | hosts |" in md and "compromised" not in md
    assert "<" not in md


def test_a_tiny_share_still_shows_a_sliver() -> None:
    md = stacked_bars("Hosts", [("big", (10_000, 0, 0)), ("small", (0, 0, 1))])
    assert _rows(md)[1][1] == ":violet[▏]"


def test_names_are_text_not_markup() -> None:
    md = stacked_bars("**x**", [("<script>|a:b:[c](d)", (1, 0, 0))])
    assert md.startswith("**\\*\\*x\\*\\***")
    assert "\\<script\\>\\|a\\:b\\:\\[c\\](d)" in md
    assert md_text("a\n  b") == "a b"  # one line: a table cell


def test_rows_past_the_limit_are_summed() -> None:
    rows = [(f"op{i:02d}", (i, 0, 0)) for i in range(1, 21)]
    md = stacked_bars("Hosts", rows, limit=15)
    body = _rows(md)
    assert len(body) == 16
    assert body[-1] == ["and 5 more", "", "15", "15"]  # 1 + 2 + 3 + 4 + 5


def _cell(scope: str, layer: str, hhi: float | None, hosts: int) -> HeatCell:
    band = None if hhi is None else "x"
    return HeatCell(
        scope=scope, layer=layer, hhi=hhi, band=band, effective_suppliers=None,
        suppliers=1, hosts=hosts, top_vendor=None,
    )  # fmt: skip


def test_heat_table_rows_by_hosts_cells_by_band() -> None:
    md = heat_table(
        [
            _cell("small", "os", 999.0, 1),
            _cell("big", "os", 1800.0, 50),
            _cell("big", "edr", 1000.0, 50),
            _cell("small", "edr", None, 1),  # suppressed: blank
        ]
    )
    assert md.splitlines()[0] == "| | edr | os |"
    assert _rows(md) == [
        ["**big**", ":orange-background[**1,000**]", ":red-background[**1,800**]"],
        ["**small**", "", ":green-background[**999**]"],
    ]
    assert "HHI band (2023): :green-background[below 1,000]" in md
