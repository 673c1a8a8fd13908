"""Pieces of the Controls page: the plan's rows, the coverage matrix, one finding opened."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.ui.data import Workspace
from dashboard.ui.evidence import document_rows
from dashboard.ui.tables import table
from graph.risk.controls.base import Finding
from graph.risk.controls.catalogue import control
from graph.vocabulary import NodeKind

__all__ = ["coverage_matrix", "finding_detail", "plan_rows"]

_STATUS_COLOURS = alt.Scale(
    domain=["missing", "unknown", "no finding"], range=["#c8463d", "#e0a526", "#4c9f70"]
)


def plan_rows(findings: Sequence[Finding]) -> pd.DataFrame:
    """The remediation plan: most blast radius removed first (the engine's order)."""
    return pd.DataFrame(
        [
            {
                "rank": i,
                "finding": f.id,
                "control": f.control,
                "severity": f.severity.value,
                "status": f.status.value,
                "hosts down avoided": f.risk_removed.hosts_down_avoided if f.risk_removed else None,
                "operators avoided": f.risk_removed.operators_avoided if f.risk_removed else None,
                "recovery h avoided": (
                    f.risk_removed.recovery_hours_avoided if f.risk_removed else None
                ),
                "subject": f.subject,
                "vendor": f.vendor,
                "channel": f.channel,
                "operator": f.operator,
                "hosts reached": f.reach.hosts,
                "title": f.title,
            }
            for i, f in enumerate(findings, start=1)
        ]
    )


def coverage_matrix(ws: Workspace, findings: Sequence[Finding]) -> alt.Chart | None:
    """Channels x channel controls: missing, unknown, or no finding."""
    channels = sorted(
        k
        for k, d in ws.view.nodes(data=True)
        if d.get("kind") == NodeKind.UPDATE_CHANNEL.value and not d.get("placeholder")
    )
    on_channels = [f for f in findings if f.subject_kind is NodeKind.UPDATE_CHANNEL]
    controls = sorted({f.control for f in on_channels})
    if not channels or not controls:
        return None
    worst: dict[tuple[str, str], Finding] = {}
    for f in on_channels:
        cell = (f.subject, f.control)
        if cell not in worst or f.severity.rank < worst[cell].severity.rank:
            worst[cell] = f
    rows = []
    for ch in channels:
        for c in controls:
            hit = worst.get((ch, c))
            rows.append(
                {
                    "channel": str(ws.view.nodes[ch].get("name", ch)),
                    "control": c,
                    "status": hit.status.value if hit else "no finding",
                    "severity": hit.severity.value if hit else "-",
                    "title": control(c).title,
                }
            )
    chart: alt.Chart = (
        alt.Chart(pd.DataFrame(rows))
        .mark_rect(stroke="white")
        .encode(
            x=alt.X("control:N", axis=alt.Axis(orient="top", labelAngle=-45, labelOverlap=False)),
            y=alt.Y("channel:N", title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.Color("status:N", scale=_STATUS_COLOURS, legend=alt.Legend(orient="bottom")),
            tooltip=["channel", "control", "title", "status", "severity"],
        )
        .properties(height=alt.Step(26))
    )
    return chart


def finding_detail(ws: Workspace, f: Finding) -> None:
    """Everything behind one finding: evidence, documents, framework references, remedy."""
    with st.container(border=True):
        st.markdown(f"#### {f.title}")
        st.markdown(
            f"`{f.id}` · severity **{f.severity.value}** · status **{f.status.value}** · "
            f"subject `{f.subject}`"
        )
        if f.risk_removed is not None:
            r = f.risk_removed
            st.markdown(
                f"Remediating it removes **{r.hosts_down_avoided:,.0f}** hosts down, "
                f"{r.operators_avoided} operators hit and {r.recovery_hours_avoided:,.1f} "
                "operator-hours of recovery (simulated)."
            )
        st.markdown(f"**Remediation.** {f.remediation}")
        st.markdown("**Framework references**")
        st.markdown("\n".join(f"- {ref}" for ref in f.references) or "- none")
        if f.related_controls:
            st.markdown(f"**Made up of** {', '.join(f.related_controls)}")
        st.markdown("**Evidence**")
        evidence = pd.DataFrame(
            [
                {
                    "subject": e.subject,
                    "attribute": e.attribute,
                    "value": "undeclared" if e.value is None else str(e.value),
                    "documents": ", ".join(sorted({p.document_id for p in e.provenance})),
                }
                for e in f.evidence
            ],
            columns=["subject", "attribute", "value", "documents"],
        )
        table(evidence, "finding-evidence", key="finding-evidence")
        provenance = [p for e in f.evidence for p in e.provenance]
        if provenance:
            st.markdown("**Documents behind the evidence**")
            table(document_rows(ws, provenance), "finding-documents", key="finding-documents")
