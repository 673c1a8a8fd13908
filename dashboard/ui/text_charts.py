"""Charts written as plain Markdown (stacked bars, a heat map): the first view's charts.

A Vega chart or a data grid in a page's first view holds back its headline numbers: each
is a lazily loaded frontend module (hundreds of kB of JavaScript to evaluate in every new
tab), and the browser renders the page's first elements together (docs/benchmarks.md,
"Dashboard"). Raw HTML in ``st.markdown`` costs the same: Streamlit parses it with a lazily
loaded ``rehype-raw`` module (188 kB). So these charts are GitHub tables whose bars are
block characters coloured by Streamlit's own ``:red[...]`` directives and whose cells are
coloured by ``:red-background[...]``: parsed by the markdown module every page loads
anyway, and their labels and numbers stay text a screen reader and a test can read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dashboard.access.aggregates import HeatCell

__all__ = ["BAND_NAMES", "BAR_CELLS", "STATE_COLOURS", "heat_table", "md_text", "stacked_bars"]

# Streamlit's colour names nearest to charts.hosts_bars' colours, in the order of counts
STATE_COLOURS = {"down": "red", "degraded": "orange", "compromised": "violet"}
# the 2023 merger-guideline bands of charts.hhi_heatmap: < 1,000, 1,000-1,800, > 1,800
BAND_NAMES = (("green", "below 1,000"), ("orange", "1,000-1,800"), ("red", "above 1,800"))
BAR_CELLS = 18  # the longest bar, in character cells (the table fits the main column)
_EIGHTHS = " ▏▎▍▌▋▊▉"  # a partial block of 0-7 eighths of a cell
_FULL = "█"
# markdown's punctuation, and ':' so that no name reads as an emoji shortcode
_SPECIAL = re.compile(r"([\\`*_\[\]|<>~$:])")

Row = tuple[str, Sequence[int]]


def md_text(text: str) -> str:
    """``text`` shown as it is by Streamlit's markdown (no markup, no emoji, one line)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _blocks(eighths: int) -> str:
    """Block characters ``eighths`` eighths of a cell long (at least a sliver)."""
    whole, part = divmod(eighths, 8)
    return _FULL * whole + _EIGHTHS[part].strip() or _EIGHTHS[1]


def _bar(counts: Sequence[int], widest: int) -> str:
    """One bar: a coloured segment per state, cumulative so that rounding does not add up."""
    segments, done = [], 0
    for colour, n in zip(STATE_COLOURS.values(), counts, strict=True):
        if not n:
            continue
        start = round(8 * BAR_CELLS * done / widest)
        done += n
        end = round(8 * BAR_CELLS * done / widest)
        segments.append(f":{colour}[{_blocks(end - start)}]")
    return "".join(segments)


def stacked_bars(title: str, rows: Sequence[Row], *, limit: int = 15) -> str:
    """Markdown of horizontal bars, one per ``(label, counts)`` row (counts in the order of
    ``STATE_COLOURS``), longest first, each with its counts; rows past ``limit`` are summed
    into one line."""
    states = list(STATE_COLOURS)
    ranked = sorted((r for r in rows if sum(r[1])), key=lambda r: (-sum(r[1]), r[0]))
    shown, rest = ranked[:limit], ranked[limit:]
    widest = max((sum(c) for _, c in shown), default=0) or 1
    used = [i for i, _ in enumerate(states) if any(c[i] for _, c in ranked)] or [0]
    # each state's column named in its bars' colour: the legend
    head = " | ".join(f":{STATE_COLOURS[states[i]]}[{states[i]}]" for i in used)
    lines = [
        f"**{md_text(title)}**",
        "",
        f"| | | {head} | hosts |",
        "|:--|:--|" + "--:|" * len(used) + "--:|",
    ]
    for label, counts in shown:
        figures = " | ".join(f"{counts[i]:,}" for i in used)
        lines.append(f"| {md_text(label)} | {_bar(counts, widest)} | {figures} | {sum(counts):,} |")
    if rest:
        totals = " | ".join(f"{sum(c[i] for _, c in rest):,}" for i in used)
        hosts = sum(sum(c) for _, c in rest)
        lines.append(f"| and {len(rest):,} more | | {totals} | {hosts:,} |")
    return "\n".join(lines)


def heat_table(cells: Sequence[HeatCell]) -> str:
    """Markdown table of scope (rows, most hosts first) x layer (columns), each cell labelled
    with its HHI on the colour of its band; a suppressed cell stays blank."""
    layers = sorted({c.layer for c in cells})
    hosts: dict[str, int] = {}
    for c in cells:
        hosts[c.scope] = hosts.get(c.scope, 0) + c.hosts
    scopes = sorted(hosts, key=lambda s: (-hosts[s], s))
    at = {(c.scope, c.layer): c for c in cells}
    lines = [
        "| | " + " | ".join(md_text(layer) for layer in layers) + " |",
        "|:--|" + "--:|" * len(layers),
    ]
    for scope in scopes:
        tds = []
        for layer in layers:
            cell = at.get((scope, layer))
            if cell is None or cell.hhi is None:
                tds.append("")
                continue
            colour = BAND_NAMES[(cell.hhi >= 1000) + (cell.hhi >= 1800)][0]
            tds.append(f":{colour}-background[**{cell.hhi:,.0f}**]")
        lines.append(f"| **{md_text(scope)}** | " + " | ".join(tds) + " |")
    legend = " ".join(f":{colour}-background[{label}]" for colour, label in BAND_NAMES)
    return "\n".join(lines) + f"\n\nHHI band (2023): {legend}"
