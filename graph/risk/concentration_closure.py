"""Every node's update channels at once, from the compiled snapshot, as bit sets.

:func:`graph.risk.reach.channels_of` (and :class:`~graph.risk.concentration_reached.Reached`,
which memoises it) walks one node's CONTAINS/DEPENDS_ON closure forward through products
and components and collects the UPDATED_VIA targets of every node it meets. The
concentration findings ask it of every product and platform a host group uses (5,000 at
100k hosts, ~60,000 closure steps read from networkx adjacency dicts).
:class:`ClosureChannels` answers the same for every node of a snapshot: each node's own
UPDATED_VIA targets as a bit set (bits in channel-key order), then ``bits[u] |=
bits[v]`` over every structural edge ``u -> v`` into a product or component, repeated
until nothing changes (the closure, cycles included: sets only grow). A node's channels
are its set bits, already sorted by key.

The repetition runs once per level of the longest structural path; after
:data:`MAX_ROUNDS` rounds without settling the snapshot is not used (``None`` from
:meth:`ClosureChannels.of_snapshot`) and the walk runs as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from graph.risk.snapshot_columns import KIND_CODES
from graph.vocabulary import NodeKind

if TYPE_CHECKING:
    from graph.risk.snapshot import Snapshot

__all__ = ["MAX_ROUNDS", "ClosureChannels"]

MAX_ROUNDS = 64
"""Rounds of propagation before giving up (a structural chain this deep is not an SBOM)."""

_SOFTWARE = (KIND_CODES[NodeKind.PRODUCT.value], KIND_CODES[NodeKind.COMPONENT.value])
_HOST_GROUP = KIND_CODES[NodeKind.HOST_GROUP.value]


class ClosureChannels:
    """``channels_of(view, key)`` for the nodes of one snapshot (see the module docstring)."""

    def __init__(self, snapshot: Snapshot, bits: NDArray[np.uint64], names: tuple[str, ...]):
        self._index = snapshot.index
        self._kind = snapshot.cols.kind
        self._bits = bits
        self._names = names

    @classmethod
    def of_snapshot(cls, snapshot: Snapshot) -> ClosureChannels | None:
        """The channels of every node of ``snapshot``; None when the closure does not
        settle within :data:`MAX_ROUNDS` rounds."""
        n, keys = snapshot.node_count, snapshot.keys
        updated = snapshot.updated_by  # channel <- nodes updated via it
        channel_of_entry = np.repeat(np.arange(n, dtype=np.int64), np.diff(updated.ptr))
        channels = sorted(np.unique(channel_of_entry).tolist(), key=keys.__getitem__)
        position = np.zeros(n, dtype=np.int64)
        position[np.asarray(channels, dtype=np.int64)] = np.arange(len(channels))
        words = max((len(channels) + 63) // 64, 1)
        bits = np.zeros((n, words), dtype=np.uint64)
        pos = position[channel_of_entry]
        np.bitwise_or.at(
            bits,
            (updated.idx.astype(np.int64), pos // 64),
            np.left_shift(np.uint64(1), (pos % 64).astype(np.uint64)),
        )
        if not _settle(bits, snapshot):
            return None
        return cls(snapshot, bits, tuple(keys[c] for c in channels))

    def covers(self, key: str) -> bool:
        """True when ``key`` is a node of the snapshot that is not a host group (whose
        structural edges the snapshot leaves out)."""
        i = self._index.get(key)
        return i is not None and int(self._kind[i]) != _HOST_GROUP

    def channels_of(self, key: str) -> tuple[str, ...]:
        """The channels of a node :meth:`covers`, sorted by key."""
        row = self._bits[self._index[key]]
        if not row.any():
            return ()
        found = np.unpackbits(row.astype("<u8").view(np.uint8), bitorder="little")
        return tuple(self._names[j] for j in np.flatnonzero(found).tolist())


def _settle(bits: NDArray[np.uint64], snapshot: Snapshot) -> bool:
    """Propagate ``bits`` along the structural edges into software until it settles."""
    structure = snapshot.structure  # node <- its CONTAINS/DEPENDS_ON sources (no host groups)
    target = np.repeat(np.arange(snapshot.node_count, dtype=np.int64), np.diff(structure.ptr))
    into_software = np.isin(snapshot.cols.kind[target], _SOFTWARE)
    source = structure.idx.astype(np.int64)[into_software]
    target = target[into_software]
    if len(source) == 0:
        return True
    order = np.argsort(source, kind="stable")
    source, target = source[order], target[order]
    starts = np.flatnonzero(np.r_[True, source[1:] != source[:-1]])
    heads = source[starts]
    for _ in range(MAX_ROUNDS):
        merged = bits[heads] | np.bitwise_or.reduceat(bits[target], starts, axis=0)
        if np.array_equal(merged, bits[heads]):
            return True
        bits[heads] = merged
    return False
