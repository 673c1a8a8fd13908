"""Channels by the software they update, for every node at once.

:func:`graph.risk.reach.channels_of` walks one node's CONTAINS/DEPENDS_ON closure
forward; the control rules ask it of every product. Walking backwards from each
channel's updated nodes instead gives every node's channels in one pass per channel.
"""

from __future__ import annotations

import networkx as nx

from graph.vocabulary import EdgeKind, NodeKind

__all__ = ["channels_by_software"]

_STRUCTURE = frozenset({EdgeKind.CONTAINS.value, EdgeKind.DEPENDS_ON.value})
_SOFTWARE = frozenset({NodeKind.PRODUCT.value, NodeKind.COMPONENT.value})


def channels_by_software(view: nx.MultiDiGraph) -> dict[str, tuple[str, ...]]:
    """``{key: channels_of(view, key)}`` for every key with at least one channel.

    ``channels_of(key)`` holds channel ``c`` when ``key`` updates via ``c``, or a path of
    CONTAINS/DEPENDS_ON edges leads from ``key`` to a node that does, every node after
    ``key`` on it being a product or component. So from each node ``u`` updated via
    ``c``: ``u`` itself, and, while the node reached is software, its structural
    predecessors.
    """
    found: dict[str, set[str]] = {}
    channel_kind = NodeKind.UPDATE_CHANNEL.value
    updated_via = EdgeKind.UPDATED_VIA.value
    nodes = view.nodes
    for channel, data in view.nodes(data=True):
        if data.get("kind") != channel_kind:
            continue
        starts = {u for u, _, k in view.in_edges(channel, data="kind") if k == updated_via}
        seen = set(starts)
        stack = [u for u in starts if nodes[u].get("kind") in _SOFTWARE]
        while stack:
            node = stack.pop()
            for pred, _, kind in view.in_edges(node, data="kind"):
                if kind in _STRUCTURE and pred not in seen:
                    seen.add(pred)
                    if nodes[pred].get("kind") in _SOFTWARE:
                        stack.append(pred)
        for key in seen:
            found.setdefault(key, set()).add(channel)
    return {key: tuple(sorted(channels)) for key, channels in found.items()}
