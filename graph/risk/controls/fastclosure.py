"""Channels by the software they update, from the compiled snapshot.

:func:`graph.risk.controls.closure.channels_by_software` walks the view backwards from
each channel's updated nodes (one Python walk per channel, every node met put in a dict).
:class:`SnapshotChannels` does the same walks compiled, over the snapshot's UPDATED_VIA
and CONTAINS/DEPENDS_ON CSRs, and keeps the result as a node -> channels CSR read per
question. The snapshot's structure CSR leaves out edges from host groups, which the view
walk would meet (a host group never gets a product's channels otherwise), so a host
group's channels are asked of the view walk (tested equal on every node).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from graph.risk.snapshot_columns import KIND_CODES, Csr, compiled, csr_from_pairs
from graph.vocabulary import NodeKind

if TYPE_CHECKING:
    from graph.risk.snapshot import Snapshot

__all__ = ["SnapshotChannels"]

_SOFTWARE = (KIND_CODES[NodeKind.PRODUCT.value], KIND_CODES[NodeKind.COMPONENT.value])
_CHANNEL = KIND_CODES[NodeKind.UPDATE_CHANNEL.value]
_HOST_GROUP = KIND_CODES[NodeKind.HOST_GROUP.value]


class SnapshotChannels:
    """Every node's channels (``channels_of``) from one compiled walk per channel."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        kind = snapshot.cols.kind
        keys = snapshot.keys
        # channels in key order: each node's channels come out sorted by key
        channels = sorted(np.flatnonzero(kind == _CHANNEL).tolist(), key=keys.__getitem__)
        self._channel_keys = [keys[c] for c in channels]
        starts = np.asarray(channels, dtype=np.int64)
        n = snapshot.node_count
        software = np.isin(kind, _SOFTWARE)
        mark = np.full(n, -1, dtype=np.int64)
        stack = np.empty(n + 1, dtype=np.int64)
        updated, structure = snapshot.updated_by, snapshot.structure
        args = (starts, updated.ptr, updated.idx, structure.ptr, structure.idx, software)
        total = _walks(*args, mark, stack, np.empty(0, dtype=np.int64), np.empty(0, np.int64))
        nodes = np.empty(total, dtype=np.int64)
        which = np.empty(total, dtype=np.int64)
        mark.fill(-1)
        _walks(*args, mark, stack, nodes, which)
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


@compiled()
def _walks(
    channels: NDArray[np.int64],
    u_ptr: NDArray[np.int64],
    u_idx: NDArray[np.int32],
    s_ptr: NDArray[np.int64],
    s_idx: NDArray[np.int32],
    software: NDArray[np.bool_],
    mark: NDArray[np.int64],
    stack: NDArray[np.int64],
    out_node: NDArray[np.int64],
    out_channel: NDArray[np.int64],
) -> int:  # pragma: no cover - compiled
    """For channel ``i``: what it UPDATED_VIA-updates, then while the node met is software
    its CONTAINS/DEPENDS_ON predecessors; (node, i) written for each node met once, when
    the outputs have room (a first call with empty outputs counts them)."""
    room = out_node.shape[0] > 0
    total = 0
    for i in range(channels.shape[0]):
        c = channels[i]
        top = 0
        for j in range(u_ptr[c], u_ptr[c + 1]):
            u = u_idx[j]
            if mark[u] != i:
                mark[u] = i
                if room:
                    out_node[total] = u
                    out_channel[total] = i
                total += 1
                if software[u]:
                    stack[top] = u
                    top += 1
        while top > 0:
            top -= 1
            v = stack[top]
            for j in range(s_ptr[v], s_ptr[v + 1]):
                p = s_idx[j]
                if mark[p] != i:
                    mark[p] = i
                    if room:
                        out_node[total] = p
                        out_channel[total] = i
                    total += 1
                    if software[p]:
                        stack[top] = p
                        top += 1
    return total
