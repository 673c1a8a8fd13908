"""Charts drawn as plain HTML (stacked bars, a heat map): the first view's charts.

A Vega chart or a data grid in a page's first view holds back its headline numbers: each
is a lazily loaded frontend module (hundreds of kB of JavaScript to evaluate in every new
tab), React commits the page's retried elements together at most every 500 ms while any
of them is still loading, and Vega's drawing then blocks the frame the numbers would be
painted in (docs/benchmarks.md, "Dashboard"). Charts made of ``<div>``s in a markdown
element cost nothing of the kind, and their labels stay text a screen reader and a test
can read.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from dashboard.access.aggregates import HeatCell
from dashboard.ui.charts import BAND_COLOURS

__all__ = ["STATE_COLOURS", "heat_table", "stacked_bars"]

# the colours of charts.hosts_bars
STATE_COLOURS = {"down": "#c8463d", "degraded": "#e0a526", "compromised": "#7b4fa0"}

Row = tuple[str, Sequence[int]]


def stacked_bars(title: str, rows: Sequence[Row], *, limit: int = 15) -> str:
    """HTML of horizontal bars, one per ``(label, counts)`` row (counts in the order of
    ``STATE_COLOURS``), longest first; rows past ``limit`` are summed into one line."""
    states = list(STATE_COLOURS)
    ranked = sorted((r for r in rows if sum(r[1])), key=lambda r: (-sum(r[1]), r[0]))
    shown, rest = ranked[:limit], ranked[limit:]
    widest = max((sum(c) for _, c in shown), default=0) or 1
    lines = [f'<div style="font-weight:600;margin-bottom:4px">{escape(title)}</div>']
    for label, counts in shown:
        bars = "".join(
            f'<span title="{state}: {n:,}" style="display:inline-block;height:14px;'
            f'width:{100 * n / widest:.2f}%;background:{STATE_COLOURS[state]}"></span>'
            for state, n in zip(states, counts, strict=True)
            if n
        )
        lines.append(
            '<div style="display:flex;align-items:center;gap:8px;margin:3px 0">'
            f'<span style="flex:0 0 38%;overflow:hidden;text-overflow:ellipsis;'
            f'white-space:nowrap" title="{escape(label)}">{escape(label)}</span>'
            f'<span style="flex:1 1 auto;display:flex">{bars}</span>'
            f'<span style="flex:0 0 4.5rem;text-align:right">{sum(counts):,}</span></div>'
        )
    if rest:
        lines.append(
            f'<div style="margin:3px 0">and {len(rest):,} more '
            f"({sum(sum(c) for _, c in rest):,} hosts)</div>"
        )
    legend = " ".join(
        f'<span style="display:inline-block;width:10px;height:10px;'
        f'background:{colour}"></span> {state}'
        for state, colour in STATE_COLOURS.items()
    )
    lines.append(f'<div style="font-size:0.8rem;margin-top:4px">{legend}</div>')
    # one line, no blank lines: markdown keeps it a single raw HTML block
    return '<div style="font-size:0.875rem">' + "".join(lines) + "</div>"


def heat_table(cells: Sequence[HeatCell]) -> str:
    """HTML table of scope (rows, most hosts first) x layer (columns), each cell coloured
    by its HHI band and labelled with its HHI; a suppressed cell stays blank."""
    layers = sorted({c.layer for c in cells})
    hosts: dict[str, int] = {}
    for c in cells:
        hosts[c.scope] = hosts.get(c.scope, 0) + c.hosts
    scopes = sorted(hosts, key=lambda s: (-hosts[s], s))
    at = {(c.scope, c.layer): c for c in cells}
    cell_style = "padding:4px 8px;text-align:center;border:2px solid white"
    head = "".join(f'<th style="{cell_style}">{escape(layer)}</th>' for layer in layers)
    rows = []
    for scope in scopes:
        tds = []
        for layer in layers:
            cell = at.get((scope, layer))
            if cell is None or cell.hhi is None:
                tds.append(f'<td style="{cell_style};background:#eee"></td>')
                continue
            # the thresholds of charts.hhi_heatmap
            colour = BAND_COLOURS[(cell.hhi >= 1000) + (cell.hhi >= 1800)]
            tip = (
                f"{scope} / {layer}: HHI {cell.hhi:,.0f} ({cell.band}), "
                f"{cell.suppliers} suppliers, "
                f"{cell.hosts:,} hosts, top vendor {cell.top_vendor or '-'}"
            )
            tds.append(
                f'<td title="{escape(tip)}" style="{cell_style};background:{colour};'
                f'color:white;font-weight:600">{cell.hhi:,.0f}</td>'
            )
        rows.append(
            f'<tr><th style="{cell_style};text-align:left">{escape(scope)}</th>{"".join(tds)}</tr>'
        )
    legend = " ".join(
        f'<span style="display:inline-block;width:10px;height:10px;background:{colour}">'
        f"</span> {label}"
        for colour, label in zip(
            BAND_COLOURS, ("below 1,000", "1,000-1,800", "above 1,800"), strict=True
        )
    )
    return (
        '<div style="font-size:0.875rem;overflow-x:auto"><table style="border-collapse:'
        f'collapse"><tr><th></th>{head}</tr>{"".join(rows)}</table>'
        f'<div style="font-size:0.8rem;margin-top:4px">HHI band (2023): {legend}</div></div>'
    )
