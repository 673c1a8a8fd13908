"""Evidence: the paths and documents behind a result, drawn and listed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
import streamlit as st

from dashboard.ui import data
from dashboard.ui.data import Workspace
from dashboard.ui.graph_chart import layered, node_link_chart, selected_node
from dashboard.ui.tables import table
from graph.model import Provenance
from graph.risk.blast_results import BlastRadius

__all__ = ["document_rows", "evidence_section"]


def document_rows(ws: Workspace, provenance: Iterable[Provenance]) -> pd.DataFrame:
    """One row per assertion: document id, its name and path, and where in it."""
    docs = {d.id: d for d in data.documents(ws)[0]}
    rows = []
    for p in provenance:
        info = docs.get(p.document_id)
        rows.append(
            {
                "document": p.document_id,
                "name": info.name if info else "-",
                "path": info.path if info else "-",
                "format": info.format.value if info else "-",
                "location": p.location or "-",
            }
        )
    return pd.DataFrame(rows, columns=["document", "name", "path", "format", "location"])


def evidence_section(ws: Workspace, radius: BlastRadius) -> None:
    """Every operator's evidence path as one interactive graph, then as a table."""
    edges: dict[tuple[str, str, str], set[str]] = {}
    rows = []
    for o in radius.operators:
        if not o.evidence_path:
            continue
        for step in o.evidence_path:
            docs = edges.setdefault((step.source, step.target, step.kind), set())
            docs.update(p.document_id for p in step.documents)
        rows.append(
            {
                "operator": o.operator,
                "path": " -> ".join(
                    [o.evidence_path[0].source]
                    + [f"[{s.kind}] {s.target}" for s in o.evidence_path]
                ),
                "documents": ", ".join(
                    sorted({p.document_id for s in o.evidence_path for p in s.documents})
                ),
            }
        )
    if not edges:
        st.info("No operator in your scope is reached, so there is no path to show.")
        return
    flat: Sequence[tuple[str, str, str, str]] = [
        (u, v, kind, ", ".join(sorted(docs))) for (u, v, kind), docs in sorted(edges.items())
    ]
    st.caption(
        "From each operator through its host groups and what they run to the failing "
        "subject. Hover for the documents behind a node or an edge; click a node to list "
        "them; scroll to zoom, drag to pan."
    )
    state = st.altair_chart(
        node_link_chart(layered(ws.view, flat)),
        width="stretch",
        on_select="rerun",
        selection_mode=["node"],
        key="evidence-graph",
    )
    picked = selected_node(state)
    if picked is not None and picked in ws.view:
        st.markdown(f"**{picked}**: asserted by")
        table(
            document_rows(ws, ws.view.nodes[picked].get("provenance") or ()),
            "node-documents",
            key="evidence-node-docs",
        )
    table(pd.DataFrame(rows), "evidence-paths", key="evidence-table")
