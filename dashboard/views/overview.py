"""Overview: the estate in figures, where vendor concentration is high, and which
vendors and channels would take down the most if they failed."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import streamlit as st

from dashboard.ui import charts, data
from dashboard.ui.frame import after_headline, start_page
from dashboard.ui.html_charts import figures, heat_table, note, section, side_by_side, stacked_bars
from dashboard.ui.tables import frame, table
from graph.risk.ranking import RankedSubject
from graph.risk.subject import SubjectKind
from graph.vocabulary import Severity


def _top(rows: list[RankedSubject]) -> list[RankedSubject]:
    """The ten that take the most hosts down or degrade them."""
    return [r for r in rows if r.hosts_down or r.hosts_degraded][:10]


def _bars(kind: SubjectKind, title: str, rows: list[RankedSubject]) -> str:
    top = _top(rows)
    if not top:
        return note(f"No {kind} reaches a host in your scope.")
    return stacked_bars(title, [(r.name, (r.hosts_down, r.hosts_degraded, 0)) for r in top])


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
    headline_first="overview",
)

estate = data.estate(ws)
if not estate["host_groups"] and not estate["vendors"]:
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
    col.metric(label, f"{estate[key]:,}")
after_headline(ws, "overview")  # the first run ends here: the rest once this is painted

# below the figures: plain HTML, one element per section (drawn after the figures, see
# dashboard.ui.html_charts), and no widget; the Vega charts and the tables are in the
# "Interactive charts and tables" expander, which runs only once opened
cells = data.sector_cells(ws)
st.html(
    section(
        "Vendor concentration: sector x layer (HHI)",
        note(
            "Computed over the other operators (yours left out; 'estate' is all of them), "
            f"shown only for cohorts of at least {ws.settings.min_cohort} of them that no "
            "subtraction of shown totals can narrow to fewer (anonymised; no operator named)."
        )
        if ws.access.anonymised_others
        else "",
        heat_table(cells) if cells else note("No layer with attributed vendors in your scope."),
        caption="HHI = sum of squared vendor shares of hosts (0-10,000). Bands of the 2023 "
        "US Merger Guidelines: below 1,000 unconcentrated, 1,000-1,800 moderately, above "
        "1,800 highly concentrated."
        if cells
        else None,
    )
)

ranked: dict[SubjectKind, list[RankedSubject]] = {}
kinds: tuple[tuple[SubjectKind, str], ...] = (
    ("channel", "Update channels"),
    ("vendor", "Vendors"),
)
for kind, _ in kinds:
    if data.ranking_ready(ws, kind):
        ranked[kind] = data.ranking(ws, kind)
st.html(
    section(
        "Top update channels and vendors by blast radius (bad update)",
        side_by_side(
            *(_bars(kind, title, ranked[kind]) for kind, title in kinds if kind in ranked)
        ),
    )
)
unranked = [(kind, title) for kind, title in kinds if kind not in ranked]
for column, (kind, title) in zip(st.columns(2) if unranked else (), unranked, strict=False):
    # a click away: ranked once opened, then cached for every session
    asked = column.expander(
        f"Rank every {kind} (a blast radius each: minutes on an estate this size)",
        key=f"overview-rank-{kind}",
        on_change="rerun",
    )
    if asked.open:
        with asked:
            ranked[kind] = data.ranking(ws, kind)
            st.html(_bars(kind, title, ranked[kind]))

findings = data.findings_by_control(ws)
by_severity = Counter(f.severity for f in findings)
st.html(
    section(
        "Control findings by severity",
        figures([(s.value.capitalize(), f"{by_severity[s]:,}") for s in Severity]),
        caption=f"{len(findings):,} missing or unconfirmed controls in your scope; the "
        "Controls page orders them by the blast radius their remediation removes.",
    )
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
        for column, (kind, title) in zip(st.columns(2), kinds, strict=True):
            top = _top(ranked.get(kind, []))
            if top:
                chart = charts.hosts_bars(_long(top), "subject", title)
                column.altair_chart(chart, width="stretch")
        if ranked:
            rows = [r for kind_rows in ranked.values() for r in kind_rows]
            table(frame(rows), "ranking", key="overview-ranking")
