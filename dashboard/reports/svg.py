"""Draw a :class:`~dashboard.reports.charts.Chart` as inline SVG text (no ids, no dates)."""

from __future__ import annotations

from html import escape

from dashboard.reports.charts import Chart, Line, Polyline, Rect, Shape

__all__ = ["to_svg"]

_FONT = "Helvetica, Arial, sans-serif"


def to_svg(chart: Chart) -> str:
    """The chart as one ``<svg>`` element, deterministic to the byte."""
    body = "\n".join(_shape(s) for s in chart.shapes)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(chart.width)}" '
        f'height="{_n(chart.height)}" viewBox="0 0 {_n(chart.width)} {_n(chart.height)}" '
        f'role="img" aria-label="{escape(chart.title)}" font-family="{_FONT}">\n'
        f"<title>{escape(chart.title)}</title>\n{body}\n</svg>"
    )


def _shape(s: Shape) -> str:
    if isinstance(s, Rect):
        stroke = f' stroke="{s.stroke}"' if s.stroke else ""
        return (
            f'<rect x="{_n(s.x)}" y="{_n(s.y)}" width="{_n(s.w)}" height="{_n(s.h)}" '
            f'fill="{s.fill}"{stroke}/>'
        )
    if isinstance(s, Line):
        return (
            f'<line x1="{_n(s.x1)}" y1="{_n(s.y1)}" x2="{_n(s.x2)}" y2="{_n(s.y2)}" '
            f'stroke="{s.stroke}" stroke-width="{_n(s.width)}"/>'
        )
    if isinstance(s, Polyline):
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in s.points)
        return (
            f'<polyline points="{points}" fill="none" stroke="{s.stroke}" '
            f'stroke-width="{_n(s.width)}"/>'
        )
    weight = ' font-weight="bold"' if s.bold else ""
    return (
        f'<text x="{_n(s.x)}" y="{_n(s.y)}" font-size="{_n(s.size)}" text-anchor="{s.anchor}" '
        f'fill="{s.fill}"{weight}>{escape(s.text)}</text>'
    )


def _n(value: float) -> str:
    """Numbers with at most two decimals and no trailing zeros (stable text)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
