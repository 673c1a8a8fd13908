"""Host groups running software, and host groups a channel reaches, from the snapshot.

:func:`graph.risk.reach.software_host_groups` walks the view backwards from the keys
through CONTAINS/DEPENDS_ON edges between products and components, collecting the host
groups that RUN (or RUN_ON) what it meets; :func:`graph.risk.reach.channel_host_groups`
does that from what a channel updates and keeps the groups on the channel's platforms.
The control rules ask it of every channel (with up to every host group of the estate in
reach) and of many products. :class:`SnapshotGroups` answers the same questions from the
compiled snapshot the report already built for ranking (``graph.risk.snapshot``: integer
ids in view order, reverse CSR adjacency per edge kind): one compiled walk per question,
and the result sorted by key through a rank of the host groups computed once. Equal to
the reference on every key (tested).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import compress
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from graph.risk.reach import in_neighbours
from graph.risk.snapshot import CONTAINS_CSR
from graph.risk.snapshot_columns import KIND_CODES, PRIVILEGES, Csr, compiled, csr_from_pairs
from graph.vocabulary import EdgeKind, NodeKind, Privilege

if TYPE_CHECKING:
    from graph.risk.snapshot import Snapshot

__all__ = ["SnapshotGroups"]

_SOFTWARE = (KIND_CODES[NodeKind.PRODUCT.value], KIND_CODES[NodeKind.COMPONENT.value])
_HOST_GROUP = KIND_CODES[NodeKind.HOST_GROUP.value]
_HOST_GROUP_KIND = NodeKind.HOST_GROUP.value
_KINDS = tuple(sorted(KIND_CODES, key=KIND_CODES.__getitem__))  # kind value of each code


class SnapshotGroups:
    """Host-group lookups of ``view`` answered from ``snapshot`` (built from ``view``)."""

    def __init__(self, snapshot: Snapshot, view: nx.MultiDiGraph) -> None:
        self.view, self.snapshot = view, snapshot
        kind = snapshot.cols.kind
        self._software = np.isin(kind, _SOFTWARE)
        self._host_group = kind == _HOST_GROUP
        n = snapshot.node_count
        self._seen_mark = np.zeros(n, dtype=np.int64)
        self._group_mark = np.zeros(n, dtype=np.int64)
        self._stack = np.empty(n, dtype=np.int64)
        self._seen = np.empty(n, dtype=np.int64)
        self._groups = np.empty(n, dtype=np.int64)
        self._stamp = 0
        # node <- its RUNS and RUNS_ON predecessors, one CSR (order within a row is moot:
        # the groups found are sorted)
        runs, runs_on = snapshot.runs, snapshot.runs_on
        owners = np.concatenate([np.repeat(np.arange(n), np.diff(c.ptr)) for c in (runs, runs_on)])
        self._runners = csr_from_pairs(n, owners, np.concatenate([runs.idx, runs_on.idx]))
        groups = np.flatnonzero(self._host_group)
        keys = snapshot.keys
        # every host group's place in key order: results are sorted through it
        ordered = sorted(groups.tolist(), key=keys.__getitem__)
        self._rank = np.full(n, -1, dtype=np.int64)
        self._rank[np.asarray(ordered, dtype=np.int64)] = np.arange(len(ordered))
        self._by_rank = tuple(keys[i] for i in ordered)
        self._declared: dict[Any, list[str]] | None = None
        self._families: NDArray[np.int64] | None = None
        self._family_bits: dict[str, int] = {}
        self._parents: Csr | None = None

    @staticmethod
    def fits(snapshot: Snapshot | None, view: nx.MultiDiGraph) -> bool:
        """``snapshot`` can stand for ``view`` (same nodes, in the same order)."""
        return (
            snapshot is not None
            and snapshot.node_count == view.number_of_nodes()
            and all(a == b for a, b in zip(snapshot.keys, view, strict=False))
        )

    def keys_by_kind(self) -> dict[Any, list[str]]:
        """Node keys by their ``kind`` value (NodeKind values only), in view order."""
        kind, keys = self.snapshot.cols.kind, self.snapshot.keys
        order = np.argsort(kind, kind="stable")
        bounds = np.searchsorted(kind[order], np.arange(len(_KINDS) + 1))
        return {
            name: [keys[i] for i in order[bounds[code] : bounds[code + 1]].tolist()]
            for code, name in enumerate(_KINDS)
        }

    def software_groups(self, keys: Iterable[str]) -> tuple[str, ...]:
        """:func:`graph.risk.reach.software_host_groups` of ``keys`` (sorted keys)."""
        given = set(keys)
        index = self.snapshot.index
        starts = np.asarray([index[k] for k in given if k in index], dtype=np.int64)
        seen, groups = self._walk(starts)
        ranks = self._rank[groups]
        kinds = self.snapshot.cols.kind
        if all(k in index and kinds[index[k]] in _SOFTWARE for k in given):
            return self._keys(ranks)
        # a host group may name its platform only in its `platform` field (the reference's
        # scan of every node; here one scan of the view, kept)
        names = given | {self.snapshot.keys[i] for i in seen.tolist()}
        declared = self._declared_platforms()
        extra = [self._rank[index[g]] for name in names for g in declared.get(name, ())]
        if extra:
            ranks = np.concatenate([ranks, np.asarray(extra, dtype=np.int64)])
        return self._keys(ranks)

    def containers(self, key: str) -> tuple[str, ...] | None:
        """:func:`graph.risk.reach.in_neighbours` of ``key`` over CONTAINS edges (sorted);
        None when the snapshot holds no CONTAINS CSR."""
        parents = self._contains_parents()
        node = self.snapshot.index.get(key)
        if parents is None or node is None:
            return None if parents is None else ()
        keys = self.snapshot.keys
        return tuple(sorted({keys[i] for i in parents.row(node).tolist()}))

    def _contains_parents(self) -> Csr | None:
        """Node <- what CONTAINS it: the snapshot's CONTAINS CSR turned round, once."""
        if self._parents is None:
            contains: Csr | None = self.snapshot.cache.get(CONTAINS_CSR)
            if contains is None:
                return None
            n = self.snapshot.node_count
            owners = np.repeat(np.arange(n), np.diff(contains.ptr))
            self._parents = csr_from_pairs(n, contains.idx, owners)
        return self._parents

    def boot_candidates(self) -> list[int]:
        """Products and components whose privilege is boot-start-driver or that start at
        boot, system start or automatically (a superset of KG-KM-02's subjects, which
        start at boot), from the snapshot's columns."""
        cols = self.snapshot.cols
        boot_driver = cols.privilege == PRIVILEGES.index(Privilege.BOOT_START_DRIVER.value)
        mask = np.isin(cols.kind, _SOFTWARE) & (boot_driver | cols.boot_loop)
        return np.flatnonzero(mask).tolist()

    def runners(self, key: str) -> tuple[str, ...]:
        """:func:`graph.risk.reach.in_neighbours` of ``key`` over RUNS edges (sorted)."""
        node = self.snapshot.index.get(key)
        if node is None:
            return ()
        keys = self.snapshot.keys
        return tuple(sorted({keys[i] for i in self.snapshot.runs.row(node).tolist()}))

    def channel_groups(self, channel: str) -> tuple[str, ...]:
        """:func:`graph.risk.reach.channel_host_groups` of ``channel`` (sorted keys)."""
        updated = in_neighbours(self.view, channel, EdgeKind.UPDATED_VIA)
        groups = self.software_groups(updated)
        platforms = {str(p).lower() for p in self.view.nodes[channel].get("platforms") or ()}
        if not platforms or not groups:
            return groups
        families = self._group_families()
        bits = self._family_bits
        wanted = 0
        for name in platforms:
            wanted |= bits.get(name, 0)
        index = self.snapshot.index
        found = families[np.fromiter((index[g] for g in groups), np.int64, len(groups))]
        keep = (found == 0) | ((found & wanted) != 0)  # no known family, or a wanted one
        return tuple(compress(groups, keep.tolist()))

    def _keys(self, ranks: NDArray[np.int64]) -> tuple[str, ...]:
        by_rank = self._by_rank
        return tuple([by_rank[r] for r in np.unique(ranks).tolist()])

    def _walk(self, starts: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        self._stamp += 1
        s = self.snapshot
        n_seen, n_groups = _closure(
            starts,
            s.structure.ptr,
            s.structure.idx,
            self._runners.ptr,
            self._runners.idx,
            self._software,
            self._host_group,
            self._seen_mark,
            self._group_mark,
            self._stamp,
            self._stack,
            self._seen,
            self._groups,
        )
        return self._seen[:n_seen].copy(), self._groups[:n_groups].copy()

    def _declared_platforms(self) -> Mapping[Any, list[str]]:
        """:func:`graph.risk.reach.declared_platforms`, scanning host groups only."""
        if self._declared is None:
            attrs, keys = self.view._node, self.snapshot.keys  # attribute dicts, read only
            out: dict[Any, list[str]] = {}
            for i in np.flatnonzero(self._host_group).tolist():
                data = attrs[keys[i]]
                platform = data.get("platform")
                if platform is not None and data.get("kind") == _HOST_GROUP_KIND:
                    out.setdefault(platform, []).append(keys[i])
            self._declared = out
        return self._declared

    def _group_families(self) -> NDArray[np.int64]:
        """Per node, bits of the lower-cased OS families of the platforms a host group
        runs on (:func:`graph.risk.reach.host_group_families`), once per evaluation."""
        if self._families is not None:
            return self._families
        s, nodes = self.snapshot, self.view._node  # networkx's attribute dicts, read only
        families = np.zeros(s.node_count, dtype=np.int64)
        runs_on = s.runs_on
        for target in np.flatnonzero(np.diff(runs_on.ptr)).tolist():
            bit = self._family_bit(nodes[s.keys[target]].get("family"))
            if bit:
                sources = runs_on.row(target)
                sources = sources[self._host_group[sources]]
                families[sources] |= bit
        declared_bits: dict[Any, int] = {}  # a declared platform's bit, once per platform
        for group in np.flatnonzero(self._host_group).tolist():
            declared = nodes[s.keys[group]].get("platform")
            if declared and declared in nodes:
                known = declared_bits.get(declared)
                if known is None:
                    known = self._family_bit(nodes[declared].get("family"))
                    declared_bits[declared] = known
                families[group] |= known
        self._families = families
        return families

    def _family_bit(self, family: Any) -> int:
        if not family:
            return 0
        name = str(family).lower()
        bit = self._family_bits.get(name)
        if bit is None:
            if len(self._family_bits) >= 62:
                raise ValueError("more than 62 platform families")
            bit = self._family_bits[name] = 1 << len(self._family_bits)
        return bit


@compiled()
def _closure(
    starts: NDArray[np.int64],
    s_ptr: NDArray[np.int64],
    s_idx: NDArray[np.int32],
    r_ptr: NDArray[np.int64],
    r_idx: NDArray[np.int32],
    software: NDArray[np.bool_],
    host_group: NDArray[np.bool_],
    seen_mark: NDArray[np.int64],
    group_mark: NDArray[np.int64],
    stamp: int,
    stack: NDArray[np.int64],
    seen_out: NDArray[np.int64],
    group_out: NDArray[np.int64],
) -> tuple[int, int]:  # pragma: no cover - compiled
    """Nodes seen and host groups met walking back from ``starts``: through structure
    predecessors that are software, collecting RUNS and RUNS_ON predecessors that are
    host groups (``r_ptr``/``r_idx``). Marks equal to ``stamp`` are this walk's."""
    n_seen = 0
    n_groups = 0
    top = 0
    for s in starts:
        if seen_mark[s] != stamp:
            seen_mark[s] = stamp
            seen_out[n_seen] = s
            n_seen += 1
            stack[top] = s
            top += 1
    while top > 0:
        top -= 1
        v = stack[top]
        for j in range(s_ptr[v], s_ptr[v + 1]):
            p = s_idx[j]
            if software[p] and seen_mark[p] != stamp:
                seen_mark[p] = stamp
                seen_out[n_seen] = p
                n_seen += 1
                stack[top] = p
                top += 1
        for j in range(r_ptr[v], r_ptr[v + 1]):
            g = r_idx[j]
            if host_group[g] and group_mark[g] != stamp:
                group_mark[g] = stamp
                group_out[n_groups] = g
                n_groups += 1
    return n_seen, n_groups
