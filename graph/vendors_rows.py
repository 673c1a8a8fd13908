"""The canonical view (vendors merged) built in one pass from a SQLite store's rows.

:func:`canonical_view_from_rows` gives the graph ``canonical_view(store)`` gives, equal in
nodes, attributes, edges, keys and order, without building the per-document view first
and copying it into a second graph:

- nodes: ``build_view``'s merge (:func:`graph.store.view.merge_nodes`, inlined) over
  ``node_rows()``; a row whose body repeats one already merged for that key (the same
  library in many SBOMs) only adds its provenance and is not parsed again;
- vendors: :func:`graph.vendors.resolve_vendors` on the vendor nodes alone (asserted or
  placeholders), as :mod:`graph.risk.snapshot_rows` does; its key map is applied to the
  edge rows as they are read;
- edges: one provenance record per distinct (document, location) and edge, sorted as
  ``resolve_vendors`` sorts them; derived ``purl-namespace`` suppliers added as there.

Provenance records are built without validation
(:func:`graph.store.view.provenance_record`) and one record serves every node and edge a
document asserts at one location.
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import itemgetter
from typing import Any

import networkx as nx
import orjson

from graph.model import Provenance
from graph.store.interface import GraphStore
from graph.store.sqlite import SqliteStore
from graph.store.view import placeholder_node, provenance_record
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
_Edges = dict[str, dict[tuple[str, str, str], list[Provenance]]]
"""Each edge's provenance records by source, then ``(kind, target, role)``."""
_SOURCE, _TARGET = itemgetter(0), itemgetter(2)
_EMPTY: tuple[Any, ...] = (None, (), [], "")  # graph.store.view.merge_nodes' empty values


def store_canonical_view(store: GraphStore) -> nx.MultiDiGraph:
    """``canonical_view(store)``: from the rows for SQLite, else through the view."""
    if isinstance(store, SqliteStore):
        return canonical_view_from_rows(store)
    return canonical_view(store)


def canonical_view_from_rows(store: SqliteStore) -> nx.MultiDiGraph:
    """``canonical_view(store)``, read from the store's node and edge rows."""
    shas = store.document_shas()
    nodes, records = _merged_nodes(store, shas)
    for data in nodes.values():
        data["provenance"] = tuple(data["provenance"])
    packs = [(doc, orjson.loads(blob)) for doc, blob in store.edge_packs()]
    ends: set[str] = set()
    for _, rows in packs:
        ends.update(map(_SOURCE, rows))
        ends.update(map(_TARGET, rows))
    for endpoint in ends.difference(nodes):
        nodes[endpoint] = placeholder_node(endpoint)

    vendors = nx.MultiDiGraph()
    for key in sorted(k for k, d in nodes.items() if d["kind"] == _VENDOR):
        vendors.add_node(key, **nodes.pop(key))
    resolution = resolve_vendors(vendors, alias_entries_from_store(store))
    canonical = {*resolution.key_map.values(), *(e.canonical for e in resolution.entries)}
    for key, data in resolution.graph.nodes(data=True):
        if key in canonical or key not in nodes:  # a parent placeholder keeps a real node
            nodes[key] = data

    edges = _edges(packs, shas, records, resolution.key_map)
    del packs
    _derive_suppliers(nodes, edges, resolution.table)
    return _graph(nodes, edges)


def _merged_nodes(
    store: SqliteStore, shas: Mapping[str, str]
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str | None, Provenance]]]:
    """``merge_nodes`` over the node rows (each key's rows in document order), and each
    document's provenance records by location, for the edges asserted at the same place.

    A body already merged for its key only adds its provenance (merging it again would
    change nothing); most keys have one body, kept as a string until a second comes."""
    nodes: dict[str, dict[str, Any]] = {}
    bodies: dict[str, str | set[str]] = {}
    records: dict[str, dict[str | None, Provenance]] = {}
    for doc, blob in store.node_packs():
        sha = shas[doc]
        here = records[doc] = {}
        for key, kind, location, body in orjson.loads(blob):
            record = here.get(location)
            if record is None:
                record = here[location] = provenance_record(doc, sha, location)
            data = nodes.get(key)
            if data is None:
                data = nodes[key] = {"kind": kind, "provenance": [record]}
                data.update(orjson.loads(body))
                bodies[key] = body
                continue
            data["provenance"].append(record)
            seen = bodies[key]
            if isinstance(seen, str):
                if seen == body:
                    continue
                bodies[key] = {seen, body}
            elif body in seen:
                continue
            else:
                seen.add(body)
            for field, value in orjson.loads(body).items():
                if data.get(field) in _EMPTY and value not in _EMPTY:
                    data[field] = value
    return nodes, records


def _edges(
    packs: list[tuple[str, list[list[Any]]]],
    shas: Mapping[str, str],
    records: dict[str, dict[str | None, Provenance]],
    key_map: Mapping[str, str],
) -> _Edges:
    """Each edge's provenance by source and ``(kind, target, role)``, vendor keys mapped:
    one record per (document, location), sorted by ``(document_id, location or "",
    sha256)`` as ``resolve_vendors`` sorts them.

    Documents come in id order, so a list is sorted unless one document asserts the edge
    twice (at two places, or twice at one after vendor keys merged): only those are
    deduplicated and sorted at the end."""
    edges: _Edges = {}
    again: list[list[Provenance]] = []
    for doc, rows in packs:
        sha = shas[doc]
        here = records.get(doc)
        if here is None:
            here = records[doc] = {}
        for first, kind, second, role, location in rows:
            source = key_map.get(first, first)
            target = key_map.get(second, second)
            record = here.get(location)
            if record is None:
                record = here[location] = provenance_record(doc, sha, location)
            out = edges.get(source)
            if out is None:
                out = edges[source] = {}
            rest = (kind, target, role)
            found = out.get(rest)
            if found is None:
                out[rest] = [record]
            else:
                if found[-1].document_id == doc:
                    again.append(found)
                found.append(record)
    for found in again:
        unique = {(p.document_id, p.location): p for p in found}
        found[:] = sorted(
            unique.values(), key=lambda p: (p.document_id, p.location or "", p.sha256)
        )
    return edges


def _graph(nodes: dict[str, dict[str, Any]], edges: _Edges) -> nx.MultiDiGraph:
    """What ``add_node`` for each key and ``add_edge`` for each edge in sorted
    ``(source, kind, target, role)`` order build, written into networkx's adjacency
    directly (a fresh graph: no cache to clear, no key to generate, no edge met twice);
    ``nodes``' dicts become the attribute dicts. Each source's edges are sorted apart
    (a few each) instead of every edge in one sort."""
    graph = nx.MultiDiGraph()
    node, succ, pred = graph._node, graph._succ, graph._pred
    for key in sorted(nodes):
        node[key] = nodes[key]
        succ[key] = {}
        pred[key] = {}
    for source in sorted(edges):
        out = edges[source]
        adjacent = succ[source]
        for rest in sorted(out):
            kind, target, role = rest
            keyed = adjacent.get(target)
            if keyed is None:
                keyed = adjacent[target] = pred[target][source] = {}
            keyed[f"{kind}|{role}"] = {"kind": kind, "role": role, "provenance": tuple(out[rest])}
    return graph


def _derive_suppliers(nodes: dict[str, dict[str, Any]], edges: _Edges, table: Any) -> None:
    """``graph.vendors``' derived ``SUPPLIED_BY`` edges, added to ``edges``."""
    if not any(entry.namespaces for entry in table.entries):
        return
    supplied = {s for s, out in edges.items() if any(k == _SUPPLIED_BY for k, _, _ in out)}
    for key, (entry, _) in namespace_suppliers(nodes, supplied, table):
        out = edges.setdefault(key, {})
        out[(_SUPPLIED_BY, entry.canonical, DERIVED_ROLE)] = [entry.provenance]
