"""The canonical view (vendors merged) built in one pass from a SQLite store's rows.

:func:`canonical_view_from_rows` gives the graph ``canonical_view(store)`` gives, equal in
nodes, attributes, edges, keys and order, without building the per-document view first
and copying it into a second graph:

- nodes: ``build_view``'s merge (:func:`graph.store.view.merge_nodes`) over
  ``node_rows()``; a row whose body repeats one already merged for that key (the same
  library in many SBOMs) only adds its provenance and is not parsed again;
- vendors: :func:`graph.vendors.resolve_vendors` on the vendor nodes alone (asserted or
  placeholders), as :mod:`graph.risk.snapshot_rows` does; its key map is applied to the
  edge rows as they are read;
- edges: one provenance record per distinct (document, location) and edge, sorted as
  ``resolve_vendors`` sorts them; derived ``purl-namespace`` suppliers added as there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import networkx as nx
import orjson

from graph.model import Provenance
from graph.store.interface import GraphStore
from graph.store.sqlite import SqliteStore
from graph.store.view import merge_nodes, placeholder_node, provenance_record
from graph.vendors import (
    DERIVED_ROLE,
    alias_entries_from_store,
    canonical_view,
    namespace_suppliers,
    resolve_vendors,
)
from graph.vocabulary import EdgeKind, NodeKind

__all__ = ["canonical_view_from_rows", "store_canonical_view"]

_VENDOR = NodeKind.VENDOR.value
_SUPPLIED_BY = EdgeKind.SUPPLIED_BY.value
_Ident = tuple[str, str, str, str]
_NO_CHANGE: dict[str, Any] = {}  # a repeated body: nothing left to merge


def store_canonical_view(store: GraphStore) -> nx.MultiDiGraph:
    """``canonical_view(store)``: from the rows for SQLite, else through the view."""
    if isinstance(store, SqliteStore):
        return canonical_view_from_rows(store)
    return canonical_view(store)


def canonical_view_from_rows(store: SqliteStore) -> nx.MultiDiGraph:
    """``canonical_view(store)``, read from the store's node and edge rows."""
    shas = store.document_shas()
    records: dict[tuple[str, str | None], Provenance] = {}  # one record per location

    def record(doc: str, location: str | None) -> Provenance:
        found = records.get((doc, location))
        if found is None:
            found = records[(doc, location)] = provenance_record(doc, shas[doc], location)
        return found

    nodes = merge_nodes(_node_assertions(store, shas))
    for data in nodes.values():
        data["provenance"] = tuple(data["provenance"])
    rows = [
        (source, kind, target, role, doc, location)
        for doc, blob in store.edge_packs()
        for source, kind, target, role, location in orjson.loads(blob)
    ]
    for source, _, target, _, _, _ in rows:
        for endpoint in (source, target):
            if endpoint not in nodes:
                nodes[endpoint] = placeholder_node(endpoint)

    vendors = nx.MultiDiGraph()
    for key in sorted(k for k, d in nodes.items() if d["kind"] == _VENDOR):
        vendors.add_node(key, **nodes.pop(key))
    resolution = resolve_vendors(vendors, alias_entries_from_store(store))
    canonical = {*resolution.key_map.values(), *(e.canonical for e in resolution.entries)}
    for key, data in resolution.graph.nodes(data=True):
        if key in canonical or key not in nodes:  # a parent placeholder keeps a real node
            nodes[key] = data
    key_map = resolution.key_map

    edges: dict[_Ident, dict[tuple[str, str | None], Provenance]] = {}
    for source, kind, target, role, doc, location in rows:
        ident = (key_map.get(source, source), kind, key_map.get(target, target), role)
        found = edges.get(ident)
        if found is None:
            found = edges[ident] = {}
        if (doc, location) not in found:
            found[(doc, location)] = record(doc, location)
    del rows
    _derive_suppliers(nodes, edges, resolution.table)

    return _graph(nodes, edges)


def _graph(
    nodes: dict[str, dict[str, Any]],
    edges: dict[_Ident, dict[tuple[str, str | None], Provenance]],
) -> nx.MultiDiGraph:
    """What ``add_node`` for each key and ``add_edge`` for each edge in sorted order
    build, written into networkx's adjacency directly (a fresh graph: no cache to clear,
    no key to generate, no edge met twice); ``nodes``' dicts become the attribute dicts."""
    graph = nx.MultiDiGraph()
    node, succ, pred = graph._node, graph._succ, graph._pred
    for key in sorted(nodes):
        node[key] = nodes[key]
        succ[key] = {}
        pred[key] = {}
    for ident in sorted(edges):
        source, kind, target, role = ident
        found = edges[ident]
        provenance = (
            tuple(found.values())
            if len(found) == 1
            else tuple(
                sorted(found.values(), key=lambda p: (p.document_id, p.location or "", p.sha256))
            )
        )
        keyed = succ[source].get(target)
        if keyed is None:
            keyed = succ[source][target] = pred[target][source] = {}
        keyed[f"{kind}|{role}"] = {"kind": kind, "role": role, "provenance": provenance}
    return graph


def _node_assertions(
    store: SqliteStore, shas: Mapping[str, str]
) -> Iterator[tuple[str, str, dict[str, Any], Provenance]]:
    """``(key, kind, attrs, provenance)`` per node row, each key's rows in ``node_rows()``
    order (documents come by id; no global sort); a body already merged for its key is
    given as no attributes (merging it again would change nothing)."""
    seen: dict[str, set[str]] = {}
    for doc, blob in store.node_packs():
        sha = shas[doc]
        for key, kind, location, body in orjson.loads(blob):
            bodies = seen.get(key)
            if bodies is None:
                bodies = seen[key] = set()
            if body in bodies:
                yield key, kind, _NO_CHANGE, provenance_record(doc, sha, location)
                continue
            bodies.add(body)
            yield key, kind, orjson.loads(body), provenance_record(doc, sha, location)


def _derive_suppliers(
    nodes: dict[str, dict[str, Any]],
    edges: dict[_Ident, dict[tuple[str, str | None], Provenance]],
    table: Any,
) -> None:
    """``graph.vendors``' derived ``SUPPLIED_BY`` edges, added to ``edges``."""
    if not any(entry.namespaces for entry in table.entries):
        return
    supplied = {s for s, kind, _, _ in edges if kind == _SUPPLIED_BY}
    for key, (entry, _) in namespace_suppliers(nodes, supplied, table):
        source = entry.provenance
        edges[(key, _SUPPLIED_BY, entry.canonical, DERIVED_ROLE)] = {
            (source.document_id, source.location): source
        }
