"""Concentration: how much of each layer one vendor carries, for an operator and for a
sector; single-vendor dependencies, systemic vendors and common-mode sets."""

from __future__ import annotations

import streamlit as st

from dashboard.ui import data
from dashboard.ui.concentration_views import (
    function_rows,
    layer_rows,
    operator_layers,
    sector_hhi_chart,
    shares_chart,
    show_band_note,
)
from dashboard.ui.frame import start_page
from dashboard.ui.picker import node_options, pick_node
from dashboard.ui.tables import frame, table
from graph.vocabulary import NodeKind

ws = start_page(
    "Concentration",
    "Vendor shares of hosts per layer (OS, EDR, cloud, ...), weighted by all hosts and by "
    "hosts of critical functions; HHI with its bands; where one vendor carries a function.",
)
report = data.concentration(ws)
operator_tab, sector_tab = st.tabs(["Operator view", "Sector view"])

with operator_tab:
    operators = node_options(ws.view, NodeKind.OPERATOR.value)
    if not operators:
        st.info("No operator in your scope.")
    else:
        operator = pick_node(
            ws.view,
            operators,
            label="Operator",
            key="conc-operator",
            param="operator",
            default=operators[0],
        )
        layers = operator_layers(report, operator) if operator else []
        if operator and layers:
            min_eff = min((lc.by_hosts.effective_suppliers or 0.0 for lc in layers), default=0.0)
            singles = [d for d in report.single_vendor if d.operator == operator]
            c1, c2, c3 = st.columns(3)
            c1.metric("Layers", len(layers))
            c2.metric("Fewest effective suppliers in a layer", f"{min_eff:.2f}")
            c3.metric("Single-vendor dependencies", len(singles))
            st.altair_chart(shares_chart(layers), width="stretch")
            table(layer_rows(layers), "operator-layers", key="conc-op-layers")
            st.subheader("Per critical function")
            functions = {
                k: str(d.get("name", k))
                for k, d in ws.view.nodes(data=True)
                if d.get("kind") == NodeKind.FUNCTION.value
                and d.get("operator") == operator
                and d.get("critical", True)
            }
            table(function_rows(report, functions), "function-layers", key="conc-fn-layers")
            st.subheader(
                "Single-vendor dependencies (project policy: flag >= 50%, escalate >= 80%)"
            )
            if singles:
                table(
                    frame(
                        singles,
                        [
                            "function",
                            "layer",
                            "vendor",
                            "share",
                            "hosts",
                            "function_hosts",
                            "escalated",
                            "failing_channels",
                            "undeclared_channels",
                        ],
                    ),
                    "single-vendor",
                    key="conc-single",
                )
            else:
                st.success("No critical function depends on one vendor above the threshold.")
        elif operator:
            st.info("This operator runs nothing attributed to a vendor layer yet.")

with sector_tab:
    cells = [c for c in data.sector_cells(ws) if c.scope != "estate"]
    sectors = sorted({c.scope for c in cells})
    if ws.access.anonymised_others:
        st.caption(
            "Across the sector's other operators (yours left out), anonymised: shown only "
            f"for sectors with at least {ws.settings.min_cohort} operators besides yours, and "
            "suppressed when shown totals could be subtracted to single out fewer."
        )
    if not sectors:
        st.info("No sector to show in your scope.")
    else:
        wanted = st.query_params.get("sector")
        sector = st.selectbox(
            "Sector",
            sectors,
            index=sectors.index(wanted) if wanted in sectors else 0,
            key="conc-sector",
        )
        mine = [c for c in cells if c.scope == sector]
        st.altair_chart(sector_hhi_chart(mine), width="stretch")
        show_band_note()
        table(frame(mine), "sector-hhi", key="conc-sector-hhi")
        st.subheader("Systemic vendors: the breadth test")
        st.caption(
            "Mirrors DORA CDR (EU) 2024/1502 Art. 2: a vendor used by at least 10% of the "
            "sector's CII operators by count and by size, for a critical function."
        )
        systemic = [s for s in data.sector_systemic_rows(ws) if s.sector == sector]
        table(frame(systemic), "systemic-vendors", key="conc-systemic")
        st.subheader("Common-mode intersections")
        st.caption("Hosts that depend on both exposures: one failure of either takes them.")
        common = [c for c in data.sector_common_modes(ws) if c.sector == sector]
        table(frame(common), "common-mode", key="conc-common")
