"""An immutable, integer-id snapshot of the analysis view for fast blast-radius queries.

The networkx view stays the model every analysis is written against and the reference
implementation (:mod:`graph.risk.blast`). A :class:`Snapshot` is derived from it once after
ingest: nodes get integer ids in view order, each edge kind the blast radius walks
becomes a reverse CSR (``ptr``/``idx`` numpy arrays) whose neighbour order is the view's
in-edge order (the reference breadth-first search depends on it), and the node attributes
the failure semantics read become numpy columns. :mod:`graph.risk.fastblast` runs a
compiled breadth-first search over it.

Examples
--------
>>> import networkx as nx
>>> build_snapshot(nx.MultiDiGraph()).node_count
0
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from graph.risk.snapshot_columns import (
    KIND_CODES,
    Csr,
    NodeColumns,
    csr_from_pairs,
    node_columns,
)
from graph.vocabulary import EdgeKind, NodeKind

__all__ = [
    "EDGE_CODES",
    "Csr",
    "RingTable",
    "Snapshot",
    "SnapshotError",
    "assemble_snapshot",
    "build_snapshot",
]

_HG = KIND_CODES[NodeKind.HOST_GROUP.value]
_CHANNEL = KIND_CODES[NodeKind.UPDATE_CHANNEL.value]
_SUPPLIED = frozenset(
    KIND_CODES[k.value] for k in (NodeKind.PRODUCT, NodeKind.COMPONENT, NodeKind.PLATFORM)
)
_STRUCTURE = frozenset({EdgeKind.CONTAINS.value, EdgeKind.DEPENDS_ON.value})


class SnapshotError(Exception):
    """The view cannot be represented (``str()`` is the user-facing line)."""


@dataclass(frozen=True)
class RingTable:
    """Operator rings per host group: entries ``ptr[n]:ptr[n+1]`` of node ``n``."""

    ptr: NDArray[np.int64]
    product: NDArray[np.int32]  # -1: the ring names a product the view does not hold
    positive: NDArray[np.bool_]  # ring > 0
    pinned: NDArray[np.bool_]
    takes_none: NDArray[np.bool_]  # takes_channels omitted: every channel
    takes: Csr  # channel node ids the entry takes


@dataclass(frozen=True)
class Snapshot:
    """Arrays derived from one view; never mutated after :func:`build_snapshot`."""

    keys: tuple[str, ...]
    index: dict[str, int]
    cols: NodeColumns
    structure: Csr  # node <- CONTAINS/DEPENDS_ON preds that are not host groups
    runs: Csr  # node <- RUNS preds
    runs_on: Csr  # platform <- RUNS_ON preds
    updated_by: Csr  # channel <- UPDATED_VIA preds
    channels_of: Csr  # vendor <- OPERATED_BY preds that are channels
    supplied: Csr  # vendor <- SUPPLIED_BY preds that are products, components, platforms
    functions_of: Csr  # host group -> function slots (SUPPORTS, with repeats)
    rings: RingTable
    function_total: NDArray[np.int64]  # per function slot: hosts of supporting groups
    function_nodes: NDArray[np.int32]  # per function slot: its node id
    function_critical: NDArray[np.bool_]
    operator_keys: tuple[str, ...]
    operator_sectors: Csr  # operator slot -> sector name slots
    sector_names: tuple[str, ...]
    channel_attrs: dict[int, dict[str, Any]] = field(repr=False)
    names: dict[int, str] = field(repr=False)  # vendors and channels
    # memo of data derived from the arrays (per-mode profiles, query scratch); never input
    cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def node_count(self) -> int:
        return len(self.keys)

    def subjects(self, kind: str) -> list[int]:
        """Ids of the non-placeholder nodes of ``kind`` (a NodeKind value), in view order."""
        code = KIND_CODES[kind]
        mask = (self.cols.kind == code) & ~self.cols.placeholder
        return [int(i) for i in np.flatnonzero(mask)]


EDGE_CODES: dict[str, int] = {k.value: i for i, k in enumerate(EdgeKind)}
CONTAINS_CSR = "contains"
"""``Snapshot.cache`` key of the forward CSR of CONTAINS edges (source -> targets)."""


def build_snapshot(view: nx.MultiDiGraph) -> Snapshot:
    """Derive the snapshot of ``view`` (a store view, usually the canonical one).

    :func:`graph.risk.snapshot_rows.snapshot_from_rows` builds the same snapshot from a
    SQLite store's rows without the networkx view.
    """
    keys = tuple(view.nodes)
    index = {k: i for i, k in enumerate(keys)}
    src, dst, kinds = _in_edges(view, index)
    return assemble_snapshot(keys, index, view.nodes(data=True), view.nodes, src, dst, kinds)


def _in_edges(
    view: nx.MultiDiGraph, index: dict[str, int]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Sources, targets and kind codes of ``view.in_edges(data="kind")``, in its order
    (targets in node order, each target's preds and parallel edges in insertion order),
    read from the adjacency dicts without an edge view's tuple per edge."""
    codes = EDGE_CODES
    src: list[int] = []
    dst: list[int] = []
    kinds: list[int] = []
    for target, preds in view._pred.items():  # what InMultiEdgeDataView iterates
        t = index[target]
        for source, keyed in preds.items():
            s = index[source]
            for data in keyed.values():
                src.append(s)
                dst.append(t)
                kinds.append(codes.get(data.get("kind"), -1))
    return (
        np.asarray(src, dtype=np.int64),
        np.asarray(dst, dtype=np.int64),
        np.asarray(kinds, dtype=np.int64),
    )


def assemble_snapshot(
    keys: tuple[str, ...],
    index: dict[str, int],
    items: Iterable[tuple[str, Mapping[str, Any]]],
    lookup: Mapping[str, Mapping[str, Any]],
    src: NDArray[np.int64],
    dst: NDArray[np.int64],
    edge_kind: NDArray[np.int64],
) -> Snapshot:
    """The snapshot of nodes ``keys`` (ids in that order; ``items`` their attributes in the
    same order, ``lookup`` by key) and edges ``src -> dst`` of ``edge_kind`` (codes of
    ``EDGE_CODES``), given in the view's ``in_edges`` order."""
    try:
        cols, rings_raw, channel_attrs, names, operator_of = node_columns(items, lookup, index)
    except ValueError as e:  # more platform names than mask bits
        raise SnapshotError(f"cannot build the analysis snapshot: {e}") from e
    kind = cols.kind
    n = len(keys)
    src_kind = kind[src]
    structure = np.isin(edge_kind, [EDGE_CODES[k] for k in _STRUCTURE])
    code = EDGE_CODES

    def reverse(mask: NDArray[np.bool_]) -> Csr:  # target -> sources
        return csr_from_pairs(n, dst[mask], src[mask])

    def forward(mask: NDArray[np.bool_]) -> Csr:  # source -> targets
        return csr_from_pairs(n, src[mask], dst[mask])

    contains = forward(edge_kind == code[EdgeKind.CONTAINS.value])
    cols.finish(contains)
    functions_of, fn_total, fn_critical, fn_nodes = _functions(
        lookup, keys, cols, forward(edge_kind == code[EdgeKind.SUPPORTS.value])
    )
    operator_keys, operator_sectors, sector_names = _operators(
        lookup, keys, index, operator_of, forward(edge_kind == code[EdgeKind.IN_SECTOR.value])
    )
    snapshot = Snapshot(
        keys=keys,
        index=index,
        cols=cols,
        structure=reverse(structure & (src_kind != _HG)),
        runs=reverse(edge_kind == code[EdgeKind.RUNS.value]),
        runs_on=reverse(edge_kind == code[EdgeKind.RUNS_ON.value]),
        updated_by=reverse(edge_kind == code[EdgeKind.UPDATED_VIA.value]),
        channels_of=reverse(
            (edge_kind == code[EdgeKind.OPERATED_BY.value]) & (src_kind == _CHANNEL)
        ),
        supplied=reverse(
            (edge_kind == code[EdgeKind.SUPPLIED_BY.value]) & np.isin(src_kind, list(_SUPPLIED))
        ),
        functions_of=functions_of,
        rings=_rings(rings_raw, index, n),
        function_total=fn_total,
        function_nodes=fn_nodes,
        function_critical=fn_critical,
        operator_keys=operator_keys,
        operator_sectors=operator_sectors,
        sector_names=sector_names,
        channel_attrs=channel_attrs,
        names=names,
    )
    snapshot.cache[CONTAINS_CSR] = contains  # node -> what it CONTAINS (control rule TR-01)
    return snapshot


def _functions(
    lookup: Mapping[str, Mapping[str, Any]], keys: tuple[str, ...], cols: NodeColumns, supports: Csr
) -> tuple[Csr, NDArray[np.int64], NDArray[np.bool_], NDArray[np.int32]]:
    """Host group -> function slots, and per function its hosts, criticality and node id."""
    targets = np.unique(supports.idx)
    slot = np.full(len(keys), -1, dtype=np.int32)
    slot[targets] = np.arange(len(targets), dtype=np.int32)
    remapped = Csr(supports.ptr, slot[supports.idx])
    owners = np.repeat(np.arange(len(keys)), np.diff(supports.ptr))
    total = np.zeros(len(targets), dtype=np.int64)
    np.add.at(total, remapped.idx, cols.host_count[owners])
    critical = np.array(
        [bool(lookup[keys[t]].get("critical", True)) for t in targets], dtype=np.bool_
    )
    return remapped, total, critical, targets.astype(np.int32)


def _operators(
    lookup: Mapping[str, Mapping[str, Any]],
    keys: tuple[str, ...],
    index: dict[str, int],
    operator_keys: list[str],
    in_sector: Csr,
) -> tuple[tuple[str, ...], Csr, tuple[str, ...]]:
    """Operator slot -> the names of its sectors (as the reference reports them)."""
    sector_slot: dict[str, int] = {}
    owners: list[int] = []
    sectors: list[int] = []
    for slot, op in enumerate(operator_keys):
        node = index.get(op)
        if node is None:
            continue
        targets = in_sector.idx[in_sector.ptr[node] : in_sector.ptr[node + 1]]
        names = {str(lookup[keys[t]].get("name", keys[t])) for t in targets}
        for name in sorted(names):
            owners.append(slot)
            sectors.append(sector_slot.setdefault(name, len(sector_slot)))
    csr = csr_from_pairs(len(operator_keys), owners, sectors)
    return tuple(operator_keys), csr, tuple(sector_slot)


def _rings(raw: Iterable[tuple[int, dict[str, Any]]], index: dict[str, int], n: int) -> RingTable:
    owners: list[int] = []
    product: list[int] = []
    positive: list[bool] = []
    pinned: list[bool] = []
    takes_none: list[bool] = []
    takes_owner: list[int] = []
    takes: list[int] = []
    for node, ring in raw:
        entry = len(owners)
        owners.append(node)
        product.append(index.get(str(ring.get("product")), -1))
        positive.append((ring.get("ring") or 0) > 0)
        pinned.append(bool(ring.get("pinned_version")))
        channels = ring.get("takes_channels")
        takes_none.append(channels is None)
        for ch in channels or ():
            takes_owner.append(entry)
            takes.append(index.get(str(ch), -1))  # -1: a channel the view lacks never matches
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(ptr, np.asarray(owners, dtype=np.int64) + 1, 1)
    return RingTable(
        ptr=np.cumsum(ptr),
        product=np.asarray(product, dtype=np.int32),
        positive=np.asarray(positive, dtype=np.bool_),
        pinned=np.asarray(pinned, dtype=np.bool_),
        takes_none=np.asarray(takes_none, dtype=np.bool_),
        takes=csr_from_pairs(len(owners), takes_owner, takes),
    )
