"""Channel reach and product channels for the concentration findings, memoised.

One :class:`Reached` serves a whole analysis on an unchanged view: each channel's host
groups are computed once (with the host groups' OS families and their declared platforms
indexed once, not scanned per channel), and a product's channels come from a walk of its
CONTAINS/DEPENDS_ON closure whose per-node steps (the channels a node is updated via, the
software it contains or depends on) are read from the view once per node, however many
products share the node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from graph.risk.reach import (
    channel_host_groups,
    declared_platforms,
    effective_privilege,
    successors_of,
)
from graph.vocabulary import EdgeKind, NodeKind

if TYPE_CHECKING:
    from graph.risk.concentration_closure import ClosureChannels
    from graph.risk.controls.fastgroups import SnapshotGroups
    from graph.risk.snapshot import Snapshot

__all__ = ["Reached"]

_STRUCTURE = frozenset({EdgeKind.CONTAINS.value, EdgeKind.DEPENDS_ON.value})
_SOFTWARE = frozenset({NodeKind.PRODUCT.value, NodeKind.COMPONENT.value})
_UPDATED_VIA = EdgeKind.UPDATED_VIA.value

_Step = tuple[tuple[str, ...], tuple[str, ...]]


class Reached:
    """Host groups each channel reaches, and the channels updating each product, computed
    once per analysis (the same product is looked up once per host group using it)."""

    def __init__(self, view: nx.MultiDiGraph, snapshot: Snapshot | None = None) -> None:
        """``snapshot``, the compiled snapshot of ``view`` when the caller has one, answers
        both questions from its arrays (equal results, tested); it is not used when it
        does not fit ``view`` (other nodes or order)."""
        self._view = view
        self._groups: SnapshotGroups | None = None
        self._closure: ClosureChannels | None = None
        if snapshot is not None:
            self._use(snapshot)
        self._cache: dict[str, frozenset[str]] = {}
        self._channels: dict[str, tuple[str, ...]] = {}
        self._host_fatal: dict[str, bool] = {}
        self._families: dict[str, frozenset[str]] = {}  # host group -> OS families
        self._declared: dict[str, list[str]] | None = None
        self._steps: dict[str, _Step] = {}

    def _use(self, snapshot: Snapshot) -> None:
        # numba and numpy on demand, as graph.risk.ranking_engine loads them
        from graph.risk.concentration_closure import ClosureChannels  # noqa: PLC0415
        from graph.risk.controls.fastgroups import SnapshotGroups  # noqa: PLC0415

        if SnapshotGroups.fits(snapshot, self._view):
            self._groups = SnapshotGroups(snapshot, self._view)
            self._closure = ClosureChannels.of_snapshot(snapshot)

    def __call__(self, channel: str) -> frozenset[str]:
        if channel not in self._cache:
            if self._groups is not None:
                self._cache[channel] = frozenset(self._groups.channel_groups(channel))
                return self._cache[channel]
            if self._declared is None:
                self._declared = declared_platforms(self._view)
            groups = channel_host_groups(self._view, channel, self._families, self._declared)
            self._cache[channel] = frozenset(groups)
        return self._cache[channel]

    def channels_of(self, key: str) -> tuple[str, ...]:
        """``graph.risk.reach.channels_of``: channels updating ``key`` or anything in its
        CONTAINS/DEPENDS_ON closure, sorted."""
        found = self._channels.get(key)
        if found is None:
            closure = self._closure
            found = closure.channels_of(key) if closure and closure.covers(key) else None
            found = self._channels[key] = self._walk(key) if found is None else found
        return found

    def host_fatal(self, channel: str) -> bool:
        if channel not in self._host_fatal:
            privilege, _ = effective_privilege(self._view, channel)
            self._host_fatal[channel] = privilege is not None and privilege.takes_host_down
        return self._host_fatal[channel]

    def _walk(self, key: str) -> tuple[str, ...]:
        """Breadth first over the closure (the set reached is the same as depth first)."""
        queue = [key]
        seen = {key}
        channels: set[str] = set()
        steps = self._steps
        for node in queue:  # the queue grows while it is read
            step = steps.get(node)
            if step is None:
                step = steps[node] = self._step(node)
            updated_via, structure = step
            if updated_via:
                channels.update(updated_via)
            for succ in structure:
                if succ not in seen:
                    seen.add(succ)
                    queue.append(succ)
        return tuple(sorted(channels))

    def _step(self, node: str) -> _Step:
        """The channels ``node`` is updated via and the software it contains or depends on,
        each in the order the view lists them."""
        nodes = self._view._node  # the attribute dicts, without a NodeView lookup per edge
        updated_via: list[str] = []
        structure: list[str] = []
        for succ, keyed in successors_of(self._view, node).items():
            for data in keyed.values():
                kind = data.get("kind")
                if kind == _UPDATED_VIA:
                    updated_via.append(succ)
                elif kind in _STRUCTURE and nodes[succ].get("kind") in _SOFTWARE:
                    structure.append(succ)
        return tuple(updated_via), tuple(dict.fromkeys(structure))
