"""Pieces of the Concentration page: one operator's shares, one sector's HHI."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.access.aggregates import HeatCell
from dashboard.ui.charts import BAND_COLOURS
from graph.risk.concentration_models import (
    ConcentrationReport,
    LayerConcentration,
    ScopeKind,
)

__all__ = ["function_rows", "layer_rows", "operator_layers", "sector_hhi_chart", "shares_chart"]


def operator_layers(report: ConcentrationReport, operator: str) -> list[LayerConcentration]:
    return [
        lc
        for lc in report.layers
        if lc.scope.kind is ScopeKind.OPERATOR and lc.scope.key == operator
    ]


def _num(value: float | None, digits: int = 0) -> float | None:
    return None if value is None else round(value, digits)


def layer_rows(layers: list[LayerConcentration]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "layer": lc.layer.value,
                "hosts": lc.hosts_in_scope,
                "vendors": lc.by_hosts.suppliers,
                "hhi": _num(lc.by_hosts.hhi),
                "effective suppliers": _num(lc.by_hosts.effective_suppliers, 2),
                "cr1 %": _num(lc.by_hosts.cr1, 1),
                "band 2023": lc.by_hosts.band_2023.value if lc.by_hosts.band_2023 else None,
                "hhi critical hosts": _num(lc.by_critical_hosts.hhi),
                "top vendor": lc.shares[0].name if lc.shares else None,
                "unattributed host groups": len(lc.unattributed),
            }
            for lc in layers
        ]
    )


def function_rows(report: ConcentrationReport, functions: dict[str, str]) -> pd.DataFrame:
    """Per critical function of the operator (``functions``: key -> name) and layer."""
    return pd.DataFrame(
        [
            {
                "function": functions[lc.scope.key],
                "layer": lc.layer.value,
                "hosts": lc.hosts_in_scope,
                "top vendor": lc.shares[0].name if lc.shares else None,
                "top share %": _num(lc.shares[0].share, 1) if lc.shares else None,
                "hhi": _num(lc.by_hosts.hhi),
                "effective suppliers": _num(lc.by_hosts.effective_suppliers, 2),
            }
            for lc in report.layers
            if lc.scope.kind is ScopeKind.FUNCTION and lc.scope.key in functions
        ]
    )


def shares_chart(layers: list[LayerConcentration]) -> alt.Chart:
    """Each layer as one bar split by vendor share of hosts."""
    df = pd.DataFrame(
        [
            {"layer": lc.layer.value, "vendor": s.name, "share %": round(s.share, 1)}
            for lc in layers
            for s in lc.shares
        ]
    )
    chart: alt.Chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("layer:N", title=None),
            x=alt.X("share %:Q", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("vendor:N", legend=alt.Legend(orient="bottom", columns=3)),
            tooltip=["layer", "vendor", "share %"],
        )
        .properties(height=alt.Step(30), title="Vendor share of hosts, per layer")
    )
    return chart


def sector_hhi_chart(cells: list[HeatCell]) -> alt.LayerChart:
    """HHI per layer with the 2023 band thresholds drawn as rules."""
    df = pd.DataFrame([c.model_dump() for c in cells])
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("layer:N", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("hhi:Q", title="HHI", scale=alt.Scale(domain=[0, 10000])),
            color=alt.Color(
                "hhi:Q",
                scale=alt.Scale(type="threshold", domain=[1000, 1800], range=list(BAND_COLOURS)),
                legend=None,
            ),
            tooltip=["layer", "hhi", "band", "effective_suppliers", "top_vendor", "hosts"],
        )
    )
    rules = (
        alt.Chart(pd.DataFrame({"hhi": [1000, 1800]}))
        .mark_rule(strokeDash=[4, 4], color="black")
        .encode(y="hhi:Q")
    )
    chart: alt.LayerChart = (bars + rules).properties(height=280)
    return chart


def show_band_note() -> None:
    st.caption(
        "Dashed lines: HHI 1,000 and 1,800, the 2023 US Merger Guidelines' bands. "
        "Effective number of suppliers = 10,000 / HHI."
    )
