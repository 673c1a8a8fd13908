"""Controls: missing staged-rollout, customer-control, validation and recovery controls,
as a remediation plan ordered by the blast radius each fix removes."""

from __future__ import annotations

import streamlit as st

from dashboard.ui import data
from dashboard.ui.findings_views import coverage_matrix, finding_detail, plan_rows
from dashboard.ui.frame import start_page
from dashboard.ui.tables import table
from graph.vocabulary import Severity

MAX_PICK = 500

ws = start_page(
    "Controls",
    "Each finding is a control that is missing or that nobody has declared (unknown is "
    "never a pass). The plan puts first what removes the most hosts down if fixed.",
)
findings = data.controls(ws)

c1, c2, c3, c4, c5 = st.columns(5)
severities = c1.multiselect(
    "Severity", [s.value for s in Severity], default=None, key="ctl-severity", placeholder="any"
)
controls = c2.multiselect(
    "Control", sorted({f.control for f in findings}), key="ctl-control", placeholder="any"
)


def _choice(col: st.delta_generator.DeltaGenerator, label: str, values: set[str | None]) -> str:
    options = ["any", *sorted(v for v in values if v)]
    return str(col.selectbox(label, options, key=f"ctl-{label.lower()}"))


vendor = _choice(c3, "Vendor", {f.vendor for f in findings})
channel = _choice(c4, "Channel", {f.channel for f in findings})
operator = _choice(c5, "Operator", {f.operator for f in findings})
shown = [
    f
    for f in findings
    if (not severities or f.severity.value in severities)
    and (not controls or f.control in controls)
    and vendor in ("any", f.vendor)
    and channel in ("any", f.channel)
    and operator in ("any", f.operator)
]
st.caption(f"{len(shown):,} of {len(findings):,} findings")

plan_tab, matrix_tab = st.tabs(["Remediation plan", "Coverage matrix"])
with plan_tab:
    table(plan_rows(shown), "remediation-plan", key="ctl-plan")
    if shown:
        by_id = {f.id: f for f in shown}
        wanted = st.query_params.get("finding")
        ids = list(by_id)[:MAX_PICK]  # the plan's head; filters narrow the rest
        if wanted in by_id and wanted not in ids:
            ids.insert(0, wanted)
        if len(by_id) > MAX_PICK:
            st.caption(f"The first {MAX_PICK} of the plan can be opened; filter to reach others.")
        picked = st.selectbox(
            "Open a finding",
            ids,
            index=ids.index(wanted) if wanted in by_id else 0,
            format_func=lambda i: f"{by_id[i].severity.value} · {by_id[i].title}",
            key="ctl-open",
        )
        finding_detail(ws, by_id[picked])
with matrix_tab:
    chart = coverage_matrix(ws, shown)
    if chart is None:
        st.info("No channel finding under these filters.")
    else:
        st.altair_chart(chart, width="stretch")
        st.caption(
            "Red: missing; amber: undeclared (ask the vendor); green: no finding for that "
            "channel and control under the current filters."
        )
