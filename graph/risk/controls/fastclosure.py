"""Channels by the software they update, from the compiled snapshot.

:func:`graph.risk.controls.closure.channels_by_software` walks the view backwards from
each channel's updated nodes (one Python walk per channel, every node met put in a dict).
:class:`SnapshotChannels` does the same walks compiled (:func:`.fastwalk.closures`), over
the snapshot's UPDATED_VIA and CONTAINS/DEPENDS_ON CSRs, and keeps the result as a
node -> channels CSR read per question. The snapshot's structure CSR leaves out edges
from host groups, which the view walk would meet (a host group never gets a product's
channels otherwise), so a host group's channels are asked of the view walk (tested equal
on every node).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from graph.risk.controls.fastwalk import closures
from graph.risk.snapshot_columns import KIND_CODES, Csr, csr_from_pairs
from graph.vocabulary import NodeKind

if TYPE_CHECKING:
    from graph.risk.snapshot import Snapshot

__all__ = ["SnapshotChannels", "snapshot_channels"]

_SOFTWARE = (KIND_CODES[NodeKind.PRODUCT.value], KIND_CODES[NodeKind.COMPONENT.value])
_CHANNEL = KIND_CODES[NodeKind.UPDATE_CHANNEL.value]
_HOST_GROUP = KIND_CODES[NodeKind.HOST_GROUP.value]
_MEMO = "rule-channels"
"""``Snapshot.cache`` key of the snapshot's :class:`SnapshotChannels`."""


class SnapshotChannels:
    """Every node's channels (``channels_of``) from one compiled walk per channel."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        kind = snapshot.cols.kind
        keys = snapshot.keys
        # channels in key order: each node's channels come out sorted by key
        channels = sorted(np.flatnonzero(kind == _CHANNEL).tolist(), key=keys.__getitem__)
        self._channel_keys = [keys[c] for c in channels]
        updated, structure = snapshot.updated_by, snapshot.structure
        rows = [updated.row(c) for c in channels]
        group_ptr = np.zeros(len(channels) + 1, dtype=np.int64)
        np.cumsum([len(r) for r in rows], out=group_ptr[1:])
        starts = np.concatenate(rows).astype(np.int64) if rows else np.zeros(0, np.int64)
        which, nodes = closures(
            group_ptr,
            starts,
            structure.ptr,
            structure.idx,
            np.isin(kind, _SOFTWARE),  # walked on through software only
            with_starts=True,  # what the channel updates has the channel itself
            node_count=snapshot.node_count,
        )
        n = snapshot.node_count
        self._by_node: Csr = csr_from_pairs(n, nodes, which)  # stable: channel order kept
        self._host_group = kind == _HOST_GROUP

    def covers(self, key: str) -> bool:
        """The compiled walks answer for ``key`` (a node of the snapshot, not a host group)."""
        node = self.snapshot.index.get(key)
        return node is not None and not self._host_group[node]

    def channels(self, key: str) -> tuple[str, ...]:
        """``channels_of(view, key)`` for a key :meth:`covers`."""
        names = self._channel_keys
        return tuple([names[c] for c in self._by_node.row(self.snapshot.index[key]).tolist()])


def snapshot_channels(snapshot: Snapshot) -> SnapshotChannels:
    """The :class:`SnapshotChannels` of ``snapshot``, built once and kept in its memo.

    A parallel report builds it before it forks the side child (``build_report``), so
    that the parent's rules and the side child's (channel facts of KM-02, SD-04) share one.
    """
    found: SnapshotChannels | None = snapshot.cache.get(_MEMO)
    if found is None:
        found = snapshot.cache[_MEMO] = SnapshotChannels(snapshot)
    return found
