"""The snapshot reads the view's in-edges in ``view.in_edges(data="kind")`` order."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.risk.snapshot import EDGE_CODES, _in_edges
from graph.vocabulary import EdgeKind

KINDS = [*(k.value for k in list(EdgeKind)[:4]), None, "not-a-kind"]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.sampled_from(KINDS))))
def test_in_edges_in_view_order(edges: list[tuple[int, int, str | None]]) -> None:
    view = nx.MultiDiGraph()
    view.add_nodes_from(f"n{i}" for i in (3, 1, 5, 0, 2, 4))  # node order is not key order
    for u, v, kind in edges:  # parallel edges, some without a kind
        view.add_edge(f"n{u}", f"n{v}", **({} if kind is None else {"kind": kind}))
    index = {k: i for i, k in enumerate(view.nodes)}
    src, dst, kinds = _in_edges(view, index)
    expected = [
        (index[u], index[v], EDGE_CODES.get(k, -1)) for u, v, k in view.in_edges(data="kind")
    ]
    assert list(zip(src.tolist(), dst.tolist(), kinds.tolist(), strict=True)) == expected
