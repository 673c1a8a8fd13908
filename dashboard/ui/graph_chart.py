"""Interactive node-link drawings of small subgraphs (evidence paths, neighbourhoods).

Drawn with Altair, which Streamlit ships: zoom and pan with the mouse, hover for a node's
or an edge's documents, click a node to select it (the page reads the selection). No
extra graph widget, no custom JavaScript component to build or trust.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import networkx as nx
import pandas as pd

__all__ = ["SELECTION", "Sketch", "layered", "node_link_chart", "radial", "selected_node"]

SELECTION = "node"

# left to right: who operates what, what it runs, what that contains, who updates it
_LAYER = {
    "Sector": 0,
    "Operator": 0,
    "Contract": 1,
    "Function": 1,
    "HostGroup": 1,
    "Product": 2,
    "Platform": 2,
    "Component": 3,
    "Service": 3,
    "Vulnerability": 3,
    "UpdateChannel": 4,
    "Vendor": 5,
}


@dataclass(frozen=True)
class Sketch:
    """Positioned nodes (``id, label, kind, documents, x, y``) and edges
    (``source, target, kind, documents, x, y, x2, y2``)."""

    nodes: pd.DataFrame
    edges: pd.DataFrame


def _documents(data: Mapping[str, Any]) -> str:
    docs = sorted({p.document_id for p in data.get("provenance") or ()})
    return ", ".join(docs) or "-"


def _sketch(
    view: nx.MultiDiGraph,
    positions: Mapping[str, tuple[float, float]],
    edges: Iterable[tuple[str, str, str, str]],
) -> Sketch:
    nodes = pd.DataFrame(
        [
            {
                "id": n,
                "label": str(view.nodes[n].get("name", n))[:32] if n in view else n,
                "kind": str(view.nodes[n].get("kind", "?")) if n in view else "?",
                "documents": _documents(view.nodes[n]) if n in view else "-",
                "x": x,
                "y": y,
            }
            for n, (x, y) in positions.items()
        ]
    )
    rows = [
        {
            "source": u,
            "target": v,
            "kind": kind,
            "documents": docs,
            "x": positions[u][0],
            "y": positions[u][1],
            "x2": positions[v][0],
            "y2": positions[v][1],
        }
        for u, v, kind, docs in edges
        if u in positions and v in positions
    ]
    columns = ["source", "target", "kind", "documents", "x", "y", "x2", "y2"]
    return Sketch(nodes, pd.DataFrame(rows, columns=columns))


def layered(view: nx.MultiDiGraph, edges: Sequence[tuple[str, str, str, str]]) -> Sketch:
    """Evidence paths left to right by node kind (operator ... vendor)."""
    nodes = sorted({n for u, v, _, _ in edges for n in (u, v)})
    columns: dict[int, list[str]] = {}
    for n in nodes:
        kind = str(view.nodes[n].get("kind", "")) if n in view else ""
        columns.setdefault(_LAYER.get(kind, 3), []).append(n)
    positions: dict[str, tuple[float, float]] = {}
    for layer, members in columns.items():
        for i, n in enumerate(members):
            positions[n] = (float(layer), (len(members) - 1) / 2 - i)
    return _sketch(view, positions, edges)


def radial(
    view: nx.MultiDiGraph, centre: str, edges: Sequence[tuple[str, str, str, str]]
) -> Sketch:
    """``centre`` in the middle, its neighbours on a circle, grouped by kind."""
    around = sorted(
        {n for u, v, _, _ in edges for n in (u, v) if n != centre},
        key=lambda n: (str(view.nodes[n].get("kind", "")) if n in view else "", n),
    )
    positions: dict[str, tuple[float, float]] = {centre: (0.0, 0.0)}
    for i, n in enumerate(around):
        angle = 2 * math.pi * i / max(1, len(around))
        positions[n] = (math.cos(angle), math.sin(angle))
    return _sketch(view, positions, edges)


def node_link_chart(sketch: Sketch, height: int | None = None) -> alt.LayerChart:
    """Edges as lines, nodes as points coloured by kind; click selects, wheel zooms."""
    pick = alt.selection_point(name=SELECTION, fields=["id"], on="click")
    zoom = alt.selection_interval(bind="scales")
    axis = alt.Axis(labels=False, ticks=False, grid=False, title=None, domain=False)
    xs, ys = sketch.nodes["x"], sketch.nodes["y"]
    # room around the outermost nodes for their labels
    x_scale = alt.Scale(domain=[float(xs.min()) - 0.6, float(xs.max()) + 0.6], nice=False)
    y_scale = alt.Scale(domain=[float(ys.min()) - 0.6, float(ys.max()) + 0.8], nice=False)
    lines = (
        alt.Chart(sketch.edges)
        .mark_rule(strokeWidth=2, opacity=0.6)
        .encode(
            x=alt.X("x:Q", axis=axis, scale=x_scale),
            y=alt.Y("y:Q", axis=axis, scale=y_scale),
            x2="x2:Q",
            y2="y2:Q",
            color=alt.value("#8a8f98"),
            tooltip=["source", "kind", "target", "documents"],
        )
    )
    points = (
        alt.Chart(sketch.nodes)
        .mark_circle(size=420, opacity=0.95)
        .encode(
            x=alt.X("x:Q", axis=axis, scale=x_scale),
            y=alt.Y("y:Q", axis=axis, scale=y_scale),
            color=alt.Color("kind:N", legend=alt.Legend(orient="bottom", title=None)),
            stroke=alt.condition(pick, alt.value("black"), alt.value("white")),
            tooltip=["id", "kind", "label", "documents"],
        )
        .add_params(pick, zoom)
    )
    labels = (
        alt.Chart(sketch.nodes)
        .mark_text(dy=-16, fontSize=11)
        .encode(x="x:Q", y="y:Q", text="label:N")
    )
    if height is None:
        tallest = int(sketch.nodes.groupby("x").size().max()) if len(sketch.nodes) else 1
        height = max(320, min(900, 46 * tallest))
    chart: alt.LayerChart = (lines + points + labels).properties(height=height)
    return chart


def selected_node(state: Any) -> str | None:
    """The node a user clicked, from ``st.altair_chart(..., on_select="rerun")``'s state."""
    try:
        picked = state.selection[SELECTION]
    except (AttributeError, KeyError, TypeError):
        return None
    if isinstance(picked, list) and picked and isinstance(picked[0], dict):
        value = picked[0].get("id")
        return str(value) if value is not None else None
    return None
