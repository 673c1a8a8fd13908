"""Stacked bar charts drawn as plain HTML: the first view's charts.

A Vega chart or a data grid in a page's first view holds back its headline numbers: each
is a lazily loaded frontend module (hundreds of kB of JavaScript to evaluate in every new
tab), React commits the page's retried elements together at most every 500 ms while any
of them is still loading, and Vega's drawing then blocks the frame the numbers would be
painted in (docs/benchmarks.md, "Dashboard"). Bars made of ``<div>``s in a markdown
element cost nothing of the kind, and their labels stay text a screen reader and a test
can read.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["STATE_COLOURS", "stacked_bars"]

# the states of a host, in the colours of charts.hosts_bars
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
