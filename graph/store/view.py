"""Merge per-document assertions into the one networkx graph the analyses read.

Both stores hand their active assertions to :func:`build_view`, so merge rules live in
one place: a node asserted by several documents keeps, for each attribute, the first
non-empty value in document-id order, and lists every document as provenance; an edge
is identified by (source, kind, target, role) and lists every asserting document.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

import networkx as nx

from graph.keys import kind_of_key
from graph.model import Provenance
from graph.trusted import trusted_model

__all__ = [
    "EdgeAssertion",
    "NodeAssertion",
    "build_view",
    "merge_nodes",
    "placeholder_node",
    "provenance_record",
]

_EMPTY: tuple[Any, ...] = (None, (), [], "")
_PROVENANCE_FIELDS = ("document_id", "sha256", "location")
_FIELDS_SET = set(_PROVENANCE_FIELDS)
"""Every record's ``model_fields_set``, shared: a frozen model never changes its own, and
``model_copy`` copies it before adding to it (1.5 million sets of 216 bytes at 100k)."""


def provenance_record(document_id: str, sha256: str, location: str | None) -> Provenance:
    """``Provenance(document_id=..., sha256=..., location=...)`` for values read back from
    a store (already validated when written), without validating them again: a 100k-host
    view holds 1.5 million of them. Equal, in hash and dump, to the validated record.
    """
    values = {"document_id": document_id, "sha256": sha256, "location": location}
    return trusted_model(Provenance, values, _FIELDS_SET)


class NodeAssertion(NamedTuple):
    key: str
    kind: str
    attrs: dict[str, Any]  # the node's fields without key, kind and provenance
    provenance: Provenance


class EdgeAssertion(NamedTuple):
    source: str
    kind: str
    target: str
    role: str
    provenance: Provenance


def merge_nodes(
    nodes: Iterable[tuple[str, str, dict[str, Any], Provenance]],
) -> dict[str, dict[str, Any]]:
    """Each key's merged attributes (``kind``, ``provenance`` as a list, then fields),
    from ``(key, kind, attrs, provenance)`` assertions sorted by (key, document id)."""
    node_data: dict[str, dict[str, Any]] = {}
    for key, kind, attrs, provenance in nodes:
        data = node_data.get(key)
        if data is None:
            data = {"kind": kind, "provenance": [provenance]}
            data.update(attrs)
            node_data[key] = data
            continue
        data["provenance"].append(provenance)
        for field, value in attrs.items():
            if data.get(field) in _EMPTY and value not in _EMPTY:
                data[field] = value
    return node_data


def placeholder_node(key: str) -> dict[str, Any]:
    """The node of an edge endpoint that no active document asserts."""
    return {
        "kind": kind_of_key(key).value,
        "name": key.partition(":")[2],
        "provenance": (),
        "placeholder": True,
    }


def build_view(nodes: Iterable[NodeAssertion], edges: Iterable[EdgeAssertion]) -> nx.MultiDiGraph:
    """The merged graph; callers pass assertions sorted by (key, document id)."""
    graph = nx.MultiDiGraph()
    node_data = merge_nodes(nodes)
    for key in sorted(node_data):
        data = node_data[key]
        data["provenance"] = tuple(data["provenance"])
        graph.add_node(key, **data)

    edge_prov: dict[tuple[str, str, str, str], list[Provenance]] = {}
    for edge in edges:
        edge_prov.setdefault((edge.source, edge.kind, edge.target, edge.role), []).append(
            edge.provenance
        )
    for source, kind, target, role in sorted(edge_prov):
        for endpoint in (source, target):
            if endpoint not in graph:
                # referenced but asserted by no active document: keep the edge, mark the gap
                graph.add_node(endpoint, **placeholder_node(endpoint))
        graph.add_edge(
            source,
            target,
            key=f"{kind}|{role}",
            kind=kind,
            role=role,
            provenance=tuple(edge_prov[(source, kind, target, role)]),
        )
    return graph
