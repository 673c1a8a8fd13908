"""Altair charts of the analyses (Altair ships with Streamlit: no extra dependency)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from dashboard.access.aggregates import HeatCell
from graph.risk.blast_results import FunctionImpact, RecoveryPoint

__all__ = ["BAND_COLOURS", "hhi_heatmap", "hosts_bars", "recovery_curve", "rto_chart"]

# the 2023 merger-guideline bands: < 1,000 unconcentrated, 1,000-1,800 moderately, > 1,800 highly
BAND_COLOURS = ("#4c9f70", "#e0a526", "#c8463d")
_STATE_COLOURS = alt.Scale(
    domain=["down", "degraded", "compromised"], range=["#c8463d", "#e0a526", "#7b4fa0"]
)


def hhi_heatmap(cells: Sequence[HeatCell]) -> alt.LayerChart:
    """Scope x layer, coloured by the 2023 HHI band, each cell labelled with its HHI."""
    df = pd.DataFrame([c.model_dump() for c in cells])
    base = alt.Chart(df).encode(
        x=alt.X("layer:N", title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("scope:N", title=None, sort=alt.EncodingSortField("hosts", order="descending")),
    )
    rect = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "hhi:Q",
            title="HHI",
            scale=alt.Scale(type="threshold", domain=[1000, 1800], range=list(BAND_COLOURS)),
            legend=alt.Legend(title="HHI band (2023)", labelExpr="datum.label", orient="bottom"),
        ),
        tooltip=[
            "scope",
            "layer",
            alt.Tooltip("hhi:Q", format=",.0f", title="HHI"),
            "band",
            alt.Tooltip("effective_suppliers:Q", title="effective suppliers"),
            "suppliers",
            alt.Tooltip("hosts:Q", format=","),
            alt.Tooltip("top_vendor:N", title="top vendor"),
        ],
    )
    text = base.mark_text(color="white", fontWeight="bold").encode(
        text=alt.Text("hhi:Q", format=",.0f")
    )
    chart: alt.LayerChart = (rect + text).properties(height=alt.Step(34))
    return chart


def hosts_bars(df: pd.DataFrame, by: str, title: str) -> alt.Chart:
    """Stacked bars of hosts down / degraded / compromised per ``by`` (long-form ``df``:
    columns ``by``, ``state``, ``hosts``)."""
    chart: alt.Chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y(f"{by}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("sum(hosts):Q", title="hosts"),
            color=alt.Color("state:N", scale=_STATE_COLOURS, title=None),
            tooltip=[by, "state", alt.Tooltip("hosts:Q", format=",")],
        )
        .properties(title=title, height=alt.Step(26))
    )
    return chart


def rto_chart(functions: Sequence[FunctionImpact]) -> alt.LayerChart:
    """Recovery time of each function hit (bar) against its RTO (black tick)."""
    df = pd.DataFrame(
        [
            {
                "function": f.name + " · " + f.operator.removeprefix("operator:"),
                "recovery hours": f.recovery_hours,
                "rto hours": f.rto_hours,
                "status": f.status,
                "rto breached": "yes" if f.rto_breached else "no",
            }
            for f in functions
        ]
    )
    base = alt.Chart(df).encode(
        y=alt.Y("function:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320))
    )
    bars = base.mark_bar().encode(
        x=alt.X("recovery hours:Q", title="hours to recover (bar) vs RTO (tick)"),
        color=alt.Color(
            "rto breached:N",
            scale=alt.Scale(domain=["yes", "no"], range=["#c8463d", "#4c9f70"]),
            title="RTO breached",
        ),
        tooltip=["function", "status", "recovery hours", "rto hours", "rto breached"],
    )
    ticks = base.mark_tick(color="black", thickness=3, size=18).encode(x="rto hours:Q")
    chart: alt.LayerChart = (bars + ticks).properties(height=alt.Step(24))
    return chart


def recovery_curve(points: Sequence[RecoveryPoint]) -> alt.Chart:
    """Hosts back over time, hours on the axis and days in the tooltip."""
    df = pd.DataFrame(
        [
            {
                "hour": p.hour,
                "day": round(p.hour / 24, 2),
                "hosts back": p.hosts_back,
                "share back": p.share_back,
            }
            for p in points
        ]
    )
    chart: alt.Chart = (
        alt.Chart(df)
        .mark_area(line=True, opacity=0.35, interpolate="step-after")
        .encode(
            x=alt.X("hour:Q", title="hours after the push"),
            y=alt.Y("hosts back:Q", title="hosts back"),
            tooltip=[
                "hour",
                "day",
                alt.Tooltip("hosts back:Q", format=","),
                alt.Tooltip("share back:Q", format=".1%"),
            ],
        )
        .properties(height=260)
    )
    return chart
