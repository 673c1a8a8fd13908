"""The first view below a page's headline, drawn as plain HTML: stacked bars, a heat map,
a row of figures, and the sections (heading, chart, caption) they sit in.

What comes after the headline figures must not hold back their paint. A Vega chart or a
data grid is a lazily loaded frontend module (hundreds of kB of JavaScript to evaluate in
every new tab) whose drawing blocks the frame the figures would be painted in; every
markdown element (a subheader, a caption, raw HTML in markdown) is parsed by the
frontend's markdown pipeline in the same React pass as the figures, raw HTML in markdown
even twice (once more when its lazily loaded parser arrives, and before the figures are
revealed). So each page puts what follows its figures in one ``st.html`` element per
section group: the browser's own HTML parser draws it, in a pass of its own after the
figures (``st.html``'s module is loaded once an element needs it, while the metric's is
imported by the page's document, :mod:`dashboard.page_document`). Labels stay text a
screen reader and a test can read; names are escaped (data, never markup).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from dashboard.access.aggregates import HeatCell
from dashboard.ui.charts import BAND_COLOURS

__all__ = [
    "STATE_COLOURS",
    "figures",
    "heat_table",
    "note",
    "section",
    "side_by_side",
    "stacked_bars",
]

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


def section(title: str, *body: str, caption: str | None = None) -> str:
    """A subheader, the body's HTML (already escaped) and an optional caption, one block."""
    heading = (
        '<h3 style="font-size:1.75rem;font-weight:600;line-height:1.2;margin:0;'
        f'padding:1rem 0 1rem 0">{escape(title)}</h3>'
    )
    return heading + "".join(body) + (note(caption) if caption else "")


def note(text: str) -> str:
    """A caption: small, faded text (``st.caption``'s look)."""
    return f'<p style="font-size:0.875rem;opacity:0.65;margin:0.5rem 0">{escape(text)}</p>'


def side_by_side(*blocks: str) -> str:
    """Blocks in equal columns, wrapping on a narrow screen (``st.columns``'s layout)."""
    cells = "".join(f'<div style="flex:1 1 18rem;min-width:0">{b}</div>' for b in blocks)
    return f'<div style="display:flex;flex-wrap:wrap;gap:1rem 2rem">{cells}</div>'


def figures(pairs: Sequence[tuple[str, str]]) -> str:
    """Labelled figures in a row, each a ``<dl>`` term and value (``st.metric``'s look)."""
    items = "".join(
        f'<div style="flex:1 1 8rem"><dt style="font-size:0.875rem">{escape(label)}</dt>'
        f'<dd style="font-size:2.25rem;margin:0;line-height:1.4">{escape(value)}</dd></div>'
        for label, value in pairs
    )
    return f'<dl style="display:flex;flex-wrap:wrap;gap:1rem;margin:0;padding:0">{items}</dl>'
