"""The report's charts as plain shapes, drawn to SVG (HTML) and to reportlab (PDF).

One chart model, two backends, so the HTML and the PDF show the same picture. Shapes use
SVG coordinates (origin top left, y down, text ``y`` is the baseline). Everything is
computed from the report alone: no random ids, no timestamps, fixed colours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from dashboard.access.aggregates import HeatCell
from dashboard.reports.model import Report, SubjectImpact

__all__ = [
    "BAND_COLOURS",
    "Chart",
    "Line",
    "Polyline",
    "Rect",
    "Text",
    "blast_by_sector",
    "heat_map",
    "recovery_curves",
    "report_charts",
]

PALETTE = (
    "#1f4e79", "#c0504d", "#4f8f3a", "#8064a2", "#e08a1e",
    "#2c9fa3", "#7f7f7f", "#b5485d", "#6b8e23", "#3a6ea5",
)  # fmt: skip
BAND_COLOURS = {
    "unconcentrated": "#d9ead3",
    "moderately-concentrated": "#ffe599",
    "highly-concentrated": "#ea9999",
}
NO_DATA = "#eeeeee"
INK = "#222222"
GRID = "#cccccc"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str | None = None


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID
    width: float = 0.5


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    stroke: str
    width: float = 1.5


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    size: float = 7.5
    anchor: Literal["start", "middle", "end"] = "start"
    fill: str = INK
    bold: bool = False


Shape = Rect | Line | Polyline | Text


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    width: float
    height: float
    shapes: tuple[Shape, ...] = field(default=())
    caption: str = ""


def report_charts(report: Report) -> list[Chart]:
    """The charts of a report; a chart with nothing to show is left out."""
    c = report.concentration
    charts = [
        heat_map("heat_map", "Concentration heat map: HHI by hosts per layer", c.heat_map),
        heat_map(
            "sector_context",
            "Whole estate by sector (other operators anonymised, small cohorts suppressed)",
            c.sector_context,
        ),
        blast_by_sector(report.blast.top),
        recovery_curves(report.blast.top),
    ]
    return [ch for ch in charts if ch.shapes]


def heat_map(name: str, title: str, cells: tuple[HeatCell, ...]) -> Chart:
    """Scopes (estate first, then sectors) by layers, coloured by the 2023 HHI band."""
    scopes = sorted({c.scope for c in cells}, key=lambda s: (s != "estate", s))
    layers = sorted({c.layer for c in cells})
    if not scopes or not layers:
        return Chart(name, title, 0, 0)
    by = {(c.scope, c.layer): c for c in cells}
    left, top, cw, rh = 110.0, 28.0, 62.0, 18.0
    width = left + cw * len(layers) + 10
    height = top + rh * len(scopes) + 34
    shapes: list[Shape] = [
        Text(left + cw * i + cw / 2, top - 6, layer, anchor="middle", bold=True)
        for i, layer in enumerate(layers)
    ]
    for j, scope in enumerate(scopes):
        y = top + rh * j
        shapes.append(Text(left - 6, y + rh / 2 + 3, _clip(scope, 22), anchor="end"))
        for i, layer in enumerate(layers):
            cell = by.get((scope, layer))
            fill = BAND_COLOURS.get(cell.band or "", NO_DATA) if cell else NO_DATA
            shapes.append(Rect(left + cw * i, y, cw, rh, fill, stroke="#ffffff"))
            label = "-" if cell is None or cell.hhi is None else f"{cell.hhi:,.0f}"
            shapes.append(Text(left + cw * i + cw / 2, y + rh / 2 + 3, label, anchor="middle"))
    legend_y = top + rh * len(scopes) + 14
    x = left
    for band, colour in (*BAND_COLOURS.items(), ("no hosts in layer", NO_DATA)):
        shapes += [Rect(x, legend_y - 7, 9, 9, colour), Text(x + 12, legend_y, band)]
        x += 14 + 4.4 * len(band)
    width = max(width, x + 10)
    caption = "HHI 0-10,000 by hosts; bands: US DOJ/FTC Merger Guidelines 2023 (regulatory)."
    return Chart(name, title, width, height, tuple(shapes), caption)


def blast_by_sector(top: tuple[SubjectImpact, ...]) -> Chart:
    """Hosts down (else degraded) per top subject, stacked by sector."""
    rows = [s for s in top if s.hosts_down or s.hosts_degraded][:10]
    name, title = "blast_by_sector", "Blast radius by sector: hosts down (degraded if none down)"
    if not rows:
        return Chart(name, title, 0, 0)
    sectors = sorted({i.key for s in rows for i in s.impacts if i.group == "sector"})
    colour = {sec: PALETTE[i % len(PALETTE)] for i, sec in enumerate(sectors)}
    left, top_y, bar_w, rh = 150.0, 10.0, 300.0, 16.0
    peak = max(max(s.hosts_down, s.hosts_degraded) for s in rows) or 1
    shapes: list[Shape] = []
    for j, s in enumerate(rows):
        y = top_y + rh * j
        down = s.hosts_down > 0
        shapes.append(Text(left - 6, y + 11, _clip(f"{s.kind} {s.name}", 32), anchor="end"))
        x = left
        for i in sorted((i for i in s.impacts if i.group == "sector"), key=lambda i: i.key):
            value = i.hosts_down if down else i.hosts_degraded
            w = bar_w * value / peak
            if w > 0:
                shapes.append(Rect(x, y + 2, w, rh - 4, colour[i.key]))
                x += w
        total = s.hosts_down if down else s.hosts_degraded
        shapes.append(Text(x + 4, y + 11, f"{total:,} {'down' if down else 'degraded'}"))
    legend_y = top_y + rh * len(rows) + 14
    x = left
    for sec in sectors:
        shapes += [Rect(x, legend_y - 7, 9, 9, colour[sec]), Text(x + 12, legend_y, sec)]
        x += 18 + 4.6 * len(sec)
    width = max(left + bar_w + 90, x + 10)
    return Chart(name, title, width, legend_y + 8, tuple(shapes), "Bars share one scale.")


def recovery_curves(top: tuple[SubjectImpact, ...]) -> Chart:
    """Share of affected hosts back over time, one line per subject that takes hosts down."""
    rows = [s for s in top if s.hosts_down and len(s.recovery_curve) > 1][:6]
    name, title = "recovery_curve", "Recovery curve: share of hosts back, by hour"
    if not rows:
        return Chart(name, title, 0, 0)
    left, top_y, w, h = 40.0, 10.0, 330.0, 150.0
    horizon = max(p.hour for s in rows for p in s.recovery_curve) or 1.0
    shapes: list[Shape] = []
    for k in range(5):  # 0, 25, 50, 75, 100 %
        y = top_y + h - h * k / 4
        shapes += [Line(left, y, left + w, y), Text(left - 4, y + 3, f"{25 * k}%", anchor="end")]
    for k in range(5):
        x = left + w * k / 4
        shapes += [
            Line(x, top_y, x, top_y + h),
            Text(x, top_y + h + 11, f"{horizon * k / 4:,.0f} h", anchor="middle"),
        ]
    legend_x = left + w + 12
    for j, s in enumerate(rows):
        colour = PALETTE[j % len(PALETTE)]
        points = tuple(
            (
                round(left + w * p.hour / horizon, 2),
                round(top_y + h - h * min(1.0, p.share_back), 2),
            )
            for p in s.recovery_curve
        )
        shapes.append(Polyline(points, colour))
        y = top_y + 10 + 14 * j
        shapes += [
            Rect(legend_x, y - 7, 9, 9, colour),
            Text(legend_x + 12, y, _clip(f"{s.kind} {s.name}", 34)),
        ]
    caption = "Hours from the failure; recovery minutes per host are policy parameters."
    return Chart(name, title, legend_x + 190, top_y + h + 18, tuple(shapes), caption)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
