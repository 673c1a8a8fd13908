"""Overview: the estate in figures, where vendor concentration is high, and which
vendors and channels would take down the most if they failed."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard.ui import charts, data
from dashboard.ui.frame import start_page
from dashboard.ui.html_charts import heat_table, stacked_bars
from dashboard.ui.tables import frame, table
from graph.risk.ranking import RankedSubject
from graph.risk.subject import SubjectKind
from graph.vocabulary import Severity


def _long(top: list[RankedSubject]) -> pd.DataFrame:
    """Long form for the stacked Vega bars: one row per (subject, state)."""
    return pd.DataFrame(
        [
            {"subject": r.name, "state": state, "hosts": hosts}
            for r in top
            for state, hosts in (("down", r.hosts_down), ("degraded", r.hosts_degraded))
        ]
    )


ws = start_page(
    "Overview",
    "Your scope of the estate: who runs what on how many hosts, how concentrated each "
    "layer is, and the vendors and update channels whose failure would hurt most.",
)

figures = data.estate(ws)
if not figures["host_groups"] and not figures["vendors"]:
    st.info(
        "Nothing in your scope yet. Documents are ingested with `riskgraph ingest PATH` "
        "or uploaded on the Data page."
    )

cols = st.columns(7)
for col, (label, key) in zip(
    cols,
    (
        ("Operators", "operators"),
        ("Sectors", "sectors"),
        ("Hosts", "hosts"),
        ("Vendors", "vendors"),
        ("Kernel-privileged components", "kernel_privileged_components"),
        ("Update channels", "channels"),
        ("Host groups", "host_groups"),
    ),
    strict=True,
):
    col.metric(label, f"{figures[key]:,}")

st.subheader("Vendor concentration: sector x layer (HHI)")
cells = data.sector_cells(ws)
if ws.access.anonymised_others:
    st.caption(
        "Computed over the other operators (yours left out; 'estate' is all of them), "
        f"shown only for cohorts of at least {ws.settings.min_cohort} of them that no "
        "subtraction of shown totals can narrow to fewer (anonymised; no operator named)."
    )
# the first view draws HTML charts only and no widget, so the figures above paint at once
# (each widget and chart type is a JavaScript module the browser loads lazily, and the
# headline waits for every one in the run); the Vega charts and the tables are in the
# "Interactive charts and tables" expander, which runs only once opened
if cells:
    st.markdown(heat_table(cells), unsafe_allow_html=True)
    st.caption(
        "HHI = sum of squared vendor shares of hosts (0-10,000). Bands of the 2023 US "
        "Merger Guidelines: below 1,000 unconcentrated, 1,000-1,800 moderately, above "
        "1,800 highly concentrated."
    )
else:
    st.info("No layer with attributed vendors in your scope.")

st.subheader("Top update channels and vendors by blast radius (bad update)")
ranked: dict[SubjectKind, list[RankedSubject]] = {}
left, right = st.columns(2)
# channels first: fewer of them, so they show while the vendors are still being ranked
kinds: tuple[tuple[DeltaGenerator, SubjectKind, str], ...] = (
    (left, "channel", "Update channels"),
    (right, "vendor", "Vendors"),
)
for col, kind, title in kinds:
    if data.ranking_ready(ws, kind):
        with col:
            rows = data.ranking(ws, kind)
    else:  # a click away: ranked once opened, then cached for every session
        asked = col.expander(
            f"Rank every {kind} (a blast radius each: minutes on an estate this size)",
            key=f"overview-rank-{kind}",
            on_change="rerun",
        )
        if not asked.open:
            continue
        with asked:
            rows = data.ranking(ws, kind)
    ranked[kind] = rows
    top = [r for r in rows if r.hosts_down or r.hosts_degraded][:10]
    if not top:
        col.info(f"No {kind} reaches a host in your scope.")
        continue
    col.markdown(
        stacked_bars(title, [(r.name, (r.hosts_down, r.hosts_degraded, 0)) for r in top]),
        unsafe_allow_html=True,
    )

detail = st.expander(
    "Interactive charts and tables (CSV, JSON)",
    key="overview-detail",
    on_change="rerun",
    icon=":material/bar_chart:",
)
if detail.open:
    with detail:
        if cells:
            st.altair_chart(charts.hhi_heatmap(cells), width="stretch")
            table(frame(cells), "concentration-heatmap", key="overview-heat")
        for column, (_, kind, title) in zip(st.columns(2), kinds, strict=True):
            top = [r for r in ranked.get(kind, []) if r.hosts_down or r.hosts_degraded][:10]
            if top:
                chart = charts.hosts_bars(_long(top), "subject", title)
                column.altair_chart(chart, width="stretch")
        if ranked:
            rows = [r for kind_rows in ranked.values() for r in kind_rows]
            table(frame(rows), "ranking", key="overview-ranking")

findings = data.findings_by_control(ws)
by_severity = Counter(f.severity for f in findings)
st.subheader("Control findings by severity")
sev_cols = st.columns(5)
for col, severity in zip(sev_cols, list(Severity), strict=True):
    col.metric(severity.value.capitalize(), f"{by_severity[severity]:,}")
st.caption(
    f"{len(findings):,} missing or unconfirmed controls in your scope; the Controls page "
    "orders them by the blast radius their remediation removes."
)
