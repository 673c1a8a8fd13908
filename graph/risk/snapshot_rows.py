"""The analysis snapshot straight from a SQLite store's rows, without the networkx view.

:func:`snapshot_from_rows` reads ``node_packs()``, ``edge_packs()`` (the active
documents' packed rows, one document at a time, in id order: ``node_rows()`` and
``edge_rows()`` without sorting or holding every row) and ``document_shas()``, and gives
the snapshot that ``build_snapshot(canonical_view(store))`` gives, without building
either networkx graph or a pydantic object per row:

- nodes: ``build_view``'s merge (first non-empty value per attribute in document order),
  kept only for the attributes the snapshot reads (:data:`READ_FIELDS`); vendors and
  channels keep every attribute. A row whose body repeats one already merged for that
  key (the same library in many SBOMs) is not parsed again;
- edges: endpoint keys interned to integers while streaming, placeholders for endpoints
  no active document asserts, vendor keys mapped to their canonical key by
  :func:`graph.vendors.resolve_vendors` (run on the vendor nodes only), derived
  ``purl-namespace`` suppliers added; then one int64 code per edge, in the canonical
  view's ``in_edges`` order, sorted, and repeats dropped (an edge asserted
  by several documents, or two after the vendor mapping, is kept once).

:func:`store_snapshot` picks this path when the store has the row methods and falls back
to the networkx view otherwise (the Neo4j store).
"""

from __future__ import annotations

import multiprocessing as mp
from array import array
from collections import defaultdict
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import orjson
from numpy.typing import NDArray

from graph.keys import kind_of_key
from graph.model import Provenance
from graph.purl_namespace import namespace_of_purl
from graph.risk.snapshot import EDGE_CODES, Snapshot, assemble_snapshot, build_snapshot
from graph.risk.snapshot_columns import READ_FIELDS
from graph.store.interface import GraphStore
from graph.store.sqlite import SqliteStore
from graph.vendors import DERIVED_ROLE, alias_entries_from_store, canonical_view, resolve_vendors
from graph.vocabulary import EdgeKind, NodeKind

__all__ = ["snapshot_from_rows", "store_snapshot"]

_EMPTY: tuple[Any, ...] = (None, (), [], "")  # graph.store.view's merge rule
_VENDOR = NodeKind.VENDOR.value
_FULL = frozenset({_VENDOR, NodeKind.UPDATE_CHANNEL.value})  # every attribute kept
_CHANNEL = NodeKind.UPDATE_CHANNEL.value  # and its provenance (``channel_attrs``)
_SOFTWARE = frozenset({NodeKind.PRODUCT.value, NodeKind.COMPONENT.value})
_SUPPLIED_BY = EdgeKind.SUPPLIED_BY.value
# endpoint keys, then source, kind, target, role ids (int32), then kind and role names
_Edges = tuple[
    list[str], "array[int]", "array[int]", "array[int]", "array[int]", list[str], list[str]
]


def store_snapshot(store: GraphStore) -> Snapshot:
    """The snapshot of a store's canonical view: from rows for SQLite, else from the view."""
    if isinstance(store, SqliteStore):
        return snapshot_from_rows(store)
    return build_snapshot(canonical_view(store))


def snapshot_from_rows(store: SqliteStore, *, parallel: bool = True) -> Snapshot:
    """``build_snapshot(canonical_view(store))``, computed from the store's rows.

    With ``parallel`` (and a ``fork`` start method) a child process reads the edge rows
    from its own connection while this one reads the node rows: the two scans are the
    bulk of the cost and independent.
    """
    child = _start_edges(store.path) if parallel else None
    nodes = _merged_nodes(store)
    edges = _edge_rows(store) if child is None else _finish_edges(*child)
    temp, src, kinds, dst, roles, kind_names, role_names = edges
    # vendors: the view's vendor nodes (asserted or placeholders), resolved on their own
    vendors = nx.MultiDiGraph()
    for key in sorted(
        {k for k, d in nodes.items() if d["kind"] == _VENDOR} | _vendor_keys(temp, nodes)
    ):
        vendors.add_node(key, **(nodes.get(key) or _placeholder(key)))
    resolution = resolve_vendors(vendors, alias_entries_from_store(store))
    lookup: dict[str, Mapping[str, Any]] = {k: d for k, d in nodes.items() if d["kind"] != _VENDOR}
    for key in temp:
        if key not in lookup and key not in nodes and kind_of_key(key).value != _VENDOR:
            lookup[key] = _placeholder(key)
    lookup.update(resolution.graph.nodes(data=True))
    keys = tuple(sorted(lookup))
    index = {k: i for i, k in enumerate(keys)}
    key_map = resolution.key_map
    to_final = np.fromiter(
        (index[key_map.get(k, k)] for k in temp), dtype=np.int64, count=len(temp)
    )
    s, d = (
        to_final[np.frombuffer(src, dtype=np.int32)],
        to_final[np.frombuffer(dst, dtype=np.int32)],
    )
    k = np.frombuffer(kinds, dtype=np.int32).astype(np.int64)
    r = np.frombuffer(roles, dtype=np.int32).astype(np.int64)
    s, k, d, r, role_names = _derived_suppliers(
        lookup, keys, index, resolution, s, k, d, r, kind_names, role_names
    )
    # the canonical view adds edges in (source, kind, target, role) order, so in_edges
    # lists targets in key order and each target's (source, kind, role) in that order:
    # one int64 code per edge in that order, sorted and deduplicated
    s, d, kind_rank = _sorted_unique(
        s,
        d,
        _ranks(kind_names)[k],
        _ranks(role_names)[r],
        len(keys),
        len(kind_names),
        len(role_names),
    )
    codes = np.asarray([EDGE_CODES.get(name, -1) for name in sorted(kind_names)], dtype=np.int64)
    edge_kind = codes[kind_rank] if len(codes) else kind_rank
    items = ((key, lookup[key]) for key in keys)
    return assemble_snapshot(keys, index, items, lookup, s, d, edge_kind)


def _start_edges(path: Path) -> tuple[ProcessPoolExecutor, Future[_Edges]] | None:
    if str(path) == ":memory:" or "fork" not in mp.get_all_start_methods():
        return None
    pool = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork"))
    return pool, pool.submit(_edges_of_file, path)


def _finish_edges(pool: ProcessPoolExecutor, future: Future[_Edges]) -> _Edges:
    try:
        return future.result()
    finally:
        pool.shutdown()


def _edges_of_file(path: Path) -> _Edges:  # pragma: no cover - runs in the child process
    store = SqliteStore(path)
    try:
        return _edge_rows(store)
    finally:
        store.close()


def _merged_nodes(store: SqliteStore) -> dict[str, dict[str, Any]]:
    """Asserted nodes, merged as ``build_view`` does, restricted to what is read.

    Documents come in id order, so each key's rows arrive in ``node_rows()`` order
    without sorting (or holding) every row: one document's pack is parsed at a time.
    """
    shas = store.document_shas()
    nodes: dict[str, dict[str, Any]] = {}
    first: dict[str, str] = {}  # each key's first body: the usual repeat is not parsed
    more: dict[str, set[str]] = {}  # further distinct bodies already merged, by key
    traces: dict[str, list[Provenance]] = {}  # channels' provenance, in document order
    # (a key names its kind: a channel's rows are all channel rows)
    for doc, blob in store.node_packs():
        rows = orjson.loads(blob)
        for key, _, location, _ in [r for r in rows if r[1] == _CHANNEL]:
            trace = traces.setdefault(key, [])
            trace.append(Provenance(document_id=doc, sha256=shas[doc], location=location))
        # only a new key, or a body other than the key's first, can change the merge
        for key, kind, _, body in [r for r in rows if first.get(r[0]) != r[3]]:
            data = nodes.get(key)
            if data is None:
                attrs = orjson.loads(body)
                if kind not in _FULL:
                    attrs = {f: v for f, v in attrs.items() if f in READ_FIELDS}
                nodes[key] = {"kind": kind, **attrs}
                first[key] = body
                continue
            seen = more.setdefault(key, set())
            if body in seen:
                continue
            seen.add(body)
            full = data["kind"] in _FULL
            for field, value in orjson.loads(body).items():
                if (
                    (full or field in READ_FIELDS)
                    and data.get(field) in _EMPTY
                    and value not in _EMPTY
                ):
                    data[field] = value
    for key, trace in traces.items():
        nodes[key]["provenance"] = tuple(trace)
    return nodes


def _edge_rows(store: SqliteStore) -> _Edges:
    """Endpoint, kind and role names interned to integers in first-seen order, and the
    edges as int32 columns.

    One document's pack is parsed at a time (no list of every edge row is built) and
    turned into columns at C speed: ``zip`` transposes it and ``map`` looks the names up
    in dictionaries that give a name not seen before the next id. An edge asserted by
    several documents appears once per document here; the caller drops the repeats.
    """
    ids: defaultdict[str, int] = defaultdict(lambda: len(ids))
    kind_ids: defaultdict[str, int] = defaultdict(lambda: len(kind_ids))
    role_ids: defaultdict[str, int] = defaultdict(lambda: len(role_ids))
    src, kinds, dst, roles = array("i"), array("i"), array("i"), array("i")
    for _doc, blob in store.edge_packs():
        rows = orjson.loads(blob)
        if rows:
            sources, kind_col, targets, role_col, _ = zip(*rows, strict=True)
            src.extend(map(ids.__getitem__, sources))
            kinds.extend(map(kind_ids.__getitem__, kind_col))
            dst.extend(map(ids.__getitem__, targets))
            roles.extend(map(role_ids.__getitem__, role_col))
    return list(ids), src, kinds, dst, roles, list(kind_ids), list(role_ids)


def _vendor_keys(temp: list[str], nodes: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """Edge endpoints no document asserts whose key names a vendor (placeholders)."""
    return {k for k in temp if k not in nodes and kind_of_key(k).value == _VENDOR}


def _placeholder(key: str) -> dict[str, Any]:
    """``build_view``'s node for an endpoint no active document asserts."""
    return {
        "kind": kind_of_key(key).value,
        "name": key.partition(":")[2],
        "provenance": (),
        "placeholder": True,
    }


def _sorted_unique(
    s: NDArray[np.int64],
    d: NDArray[np.int64],
    kind: NDArray[np.int64],
    role: NDArray[np.int64],
    n_nodes: int,
    n_kinds: int,
    n_roles: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Source, target and kind rank of the distinct edges, sorted by (target, source,
    kind rank, role rank)."""
    n_nodes, n_kinds, n_roles = max(n_nodes, 1), max(n_kinds, 1), max(n_roles, 1)
    if n_nodes * n_nodes * n_kinds * n_roles >= 2**63:
        raise ValueError(f"{n_nodes} nodes: too many for the snapshot's int64 edge codes")
    code = np.sort(((d * n_nodes + s) * n_kinds + kind) * n_roles + role)
    if len(code) > 1:  # np.unique without its hash table (7.5 s against 0.2 s at 1M)
        keep = np.ones(len(code), dtype=np.bool_)
        np.not_equal(code[1:], code[:-1], out=keep[1:])
        code = code[keep]
    code //= n_roles
    code, kind = np.divmod(code, n_kinds)
    d, s = np.divmod(code, n_nodes)
    return s, d, kind


def _ranks(names: list[str]) -> NDArray[np.int64]:
    """Position of each name (by first-seen id) in sorted order."""
    ranks = np.zeros(len(names), dtype=np.int64)
    for rank, i in enumerate(sorted(range(len(names)), key=names.__getitem__)):
        ranks[i] = rank
    return ranks


def _derived_suppliers(
    lookup: Mapping[str, Mapping[str, Any]],
    keys: tuple[str, ...],
    index: dict[str, int],
    resolution: Any,
    s: NDArray[np.int64],
    k: NDArray[np.int64],
    d: NDArray[np.int64],
    r: NDArray[np.int64],
    kind_names: list[str],
    role_names: list[str],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], list[str]]:
    """Add ``graph.vendors``' derived ``SUPPLIED_BY`` edges (software without a supplier
    whose purl namespace the aliases table maps)."""
    table = resolution.table
    if not any(entry.namespaces for entry in table.entries):
        return s, k, d, r, role_names
    if _SUPPLIED_BY not in kind_names:
        kind_names.append(_SUPPLIED_BY)
    if DERIVED_ROLE not in role_names:
        role_names.append(DERIVED_ROLE)
    supplied = np.zeros(len(keys), dtype=np.bool_)
    supplied[s[k == kind_names.index(_SUPPLIED_BY)]] = True
    extra: list[tuple[int, int]] = []
    for i, key in enumerate(keys):
        data = lookup[key]
        purl = data.get("purl")
        if data.get("kind") not in _SOFTWARE or not purl or supplied[i]:
            continue
        found = table.match_namespace(namespace_of_purl(purl))
        if found is not None:
            extra.append((i, index[found[0].canonical]))
    if not extra:
        return s, k, d, r, role_names
    more = np.asarray(extra, dtype=np.int64)
    n = len(more)
    return (
        np.concatenate([s, more[:, 0]]),
        np.concatenate([k, np.full(n, kind_names.index(_SUPPLIED_BY))]),
        np.concatenate([d, more[:, 1]]),
        np.concatenate([r, np.full(n, role_names.index(DERIVED_ROLE))]),
        role_names,
    )
