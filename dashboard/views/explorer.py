"""Graph: find any node in your scope, see its neighbourhood and the documents behind
every edge."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.ui.evidence import document_rows
from dashboard.ui.frame import start_page
from dashboard.ui.graph_chart import node_link_chart, radial, selected_node
from dashboard.ui.picker import label_of
from dashboard.ui.tables import table

MAX_MATCHES = 200
MAX_EDGES = 80

ws = start_page(
    "Graph",
    "Search by name, key or purl. Every node and edge records which document asserted it "
    "and where; click a neighbour to move to it.",
)
view = ws.view

wanted = st.query_params.get("node")
if wanted is not None and wanted not in view:
    st.warning(f"{wanted} is not in your scope.")
    wanted = None
query = st.text_input("Search nodes", key="graph-search", placeholder="e.g. aegis, log4j, kiosk")
needle = query.strip().lower()
matches = (
    sorted(
        (
            k
            for k, d in view.nodes(data=True)
            if needle in k.lower() or needle in str(d.get("name", "")).lower()
        ),
        key=lambda k: (len(k), k),
    )[:MAX_MATCHES]
    if needle
    else []
)
if wanted is not None and wanted not in matches:
    matches.insert(0, wanted)
if needle and len(matches) >= MAX_MATCHES:
    st.caption(f"Showing the first {MAX_MATCHES} matches; refine the search.")
if not matches:
    st.info(
        "Type part of a name or key to find a node." if not needle else "No match in your scope."
    )
    st.stop()
node = st.selectbox(
    "Node", matches, index=0, key="graph-node", format_func=lambda k: f"{label_of(view, k)} ({k})"
)
if st.query_params.get("node") != node:
    st.query_params["node"] = node

attrs = view.nodes[node]
st.markdown(f"### {label_of(view, node)}\n`{node}` · {attrs.get('kind', '?')}")
edges = [(u, v, d) for u, v, d in view.in_edges(node, data=True)] + [
    (u, v, d) for u, v, d in view.out_edges(node, data=True)
]
if len(edges) > MAX_EDGES:
    st.caption(f"{len(edges):,} edges; drawing the first {MAX_EDGES} (all are in the table).")


def _docs(data: dict[str, Any]) -> str:
    return ", ".join(sorted({p.document_id for p in data.get("provenance") or ()}))


def _go(target: str) -> None:
    """Move to a neighbour (a callback: widget state may change only before the run)."""
    st.session_state["graph-search"] = target
    st.session_state.pop("graph-node", None)
    st.query_params["node"] = target


drawn = [(u, v, str(d.get("kind", "")), _docs(d)) for u, v, d in edges[:MAX_EDGES]]
if drawn:
    state = st.altair_chart(
        node_link_chart(radial(view, node, drawn), height=460),
        width="stretch",
        on_select="rerun",
        selection_mode=["node"],
        key=f"graph-chart-{node}",
    )
    picked = selected_node(state)
    if picked is not None and picked != node and picked in view:
        st.button(f"Go to {label_of(view, picked)}", key="graph-go", on_click=_go, args=(picked,))
else:
    st.info("This node has no edges in your scope.")

st.subheader("Edges and the documents behind them")
rows = [
    {
        "direction": "in" if v == node else "out",
        "kind": d.get("kind"),
        "role": d.get("role") or "",
        "other node": u if v == node else v,
        "documents": _docs(d),
        "locations": "; ".join(
            f"{p.document_id}:{p.location}" for p in d.get("provenance") or () if p.location
        ),
    }
    for u, v, d in edges
]
table(
    pd.DataFrame(
        rows, columns=["direction", "kind", "role", "other node", "documents", "locations"]
    ),
    "graph-edges",
    key="graph-edges",
)
st.subheader("Documents asserting this node")
table(document_rows(ws, attrs.get("provenance") or ()), "graph-node-documents", key="graph-docs")
with st.expander("Attributes"):
    shown = {k: v for k, v in attrs.items() if k != "provenance"}
    st.code(json.dumps(shown, indent=2, default=str, sort_keys=True), language="json")
