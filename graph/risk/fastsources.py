"""Failing sources of a subject over a snapshot, grouped for the compiled search.

Mirrors :mod:`graph.risk.failing` rule for rule (same privilege, crash-loop, firmware,
platform and rollout interpretation, same de-duplication), on integer ids. Sources that
fail the same way (same host-fatality, crash loop, firmware, platforms, and for a
channel's sources the same channel and rollout) form one group whose union is searched
once: a vendor with 60,000 components or a channel updating hundreds of them costs one
search per failure profile. That is exact for channels too, because an operator's ring
protects a host group only when every product through which it reaches the failure is
protected: the kernel keeps an unprotected product whenever the search meets one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graph.risk.policy import Policy
from graph.risk.rollout import RolloutOverride, rollout_reach
from graph.risk.snapshot import Snapshot
from graph.risk.snapshot_columns import FATAL, KIND_CODES, PRIVILEGES
from graph.risk.subject import FailureMode
from graph.vocabulary import NodeKind, Privilege

__all__ = ["ChannelSources", "NodeProfiles", "SourceGroups", "SourcePlanner", "SourceRow"]

_FIRMWARE = PRIVILEGES.index(Privilege.FIRMWARE.value)
_BSD = PRIVILEGES.index(Privilege.BOOT_START_DRIVER.value)
_KERNEL = PRIVILEGES.index(Privilege.KERNEL.value)
_PLATFORM = KIND_CODES[NodeKind.PLATFORM.value]
_PRODUCT = KIND_CODES[NodeKind.PRODUCT.value]
_CHANNEL = KIND_CODES[NodeKind.UPDATE_CHANNEL.value]
_VENDOR = KIND_CODES[NodeKind.VENDOR.value]
_SINGLE = frozenset(KIND_CODES[k.value] for k in (NodeKind.PRODUCT, NodeKind.COMPONENT))


SourceRow = tuple[bool, bool, bool, int, float, int]
"""How a node fails through a channel: fatal, loop, firmware, platform mask, rollout
fraction, channel id (-1: not through a channel)."""


@dataclass(frozen=True)
class NodeProfiles:
    """How each node fails on its own (``failing._node``) in one mode."""

    fatal: NDArray[np.bool_]
    loop: NDArray[np.bool_]
    firmware: NDArray[np.bool_]
    mask: NDArray[np.int64]
    profile: NDArray[np.int64]  # equal for nodes that fail the same way
    narrow: type[np.unsignedinteger[Any]] = np.uint64
    """The smallest unsigned type holding every profile code (numpy's stable sort of 8- and
    16-bit integers is a radix sort; the order is the same)."""

    def row(self, node: int) -> SourceRow:
        """How ``node`` fails on its own, as a source row (no rollout, no channel)."""
        fatal, loop, firmware = self.fatal[node], self.loop[node], self.firmware[node]
        return (bool(fatal), bool(loop), bool(firmware), int(self.mask[node]), 1.0, -1)


@dataclass(frozen=True)
class ChannelSources:
    """One channel's failing nodes: (node, fatal, loop, firmware, platform mask)."""

    rows: tuple[tuple[int, bool, bool, bool, int], ...]
    fraction: float


@dataclass(frozen=True)
class SourceGroups:
    """Groups ``g``: source nodes ``nodes[ptr[g]:ptr[g+1]]`` and how they fail."""

    nodes: NDArray[np.int32]
    ptr: NDArray[np.int64]
    fatal: NDArray[np.bool_]
    loop: NDArray[np.bool_]
    firmware: NDArray[np.bool_]
    mask: NDArray[np.int64]
    fraction: NDArray[np.float64]
    channel: NDArray[np.int32]  # -1: not through a channel
    failed_platforms: NDArray[np.int32]


_ZERO = np.zeros(1, dtype=np.int64)


def _sorted_unique(ids: NDArray[Any]) -> NDArray[Any]:
    """``np.unique(ids)``: a stable sort (linear on the usual already sorted CSR row),
    then the repeats dropped."""
    out = np.sort(ids, kind="stable")
    if len(out) > 1:
        keep = np.empty(len(out), dtype=np.bool_)
        keep[0] = True
        np.not_equal(out[1:], out[:-1], out=keep[1:])
        out = out[keep]
    return out


def node_profiles(snap: Snapshot, mode: FailureMode) -> NodeProfiles:
    cols = snap.cols
    pr = cols.privilege_of
    fatal = np.isin(pr, list(FATAL)) & (mode is not FailureMode.OUTAGE)
    loop = np.zeros(snap.node_count, dtype=np.bool_)
    firmware = np.zeros(snap.node_count, dtype=np.bool_)
    if mode is FailureMode.BAD_UPDATE:
        kernel_loop = (pr == _KERNEL) & (cols.boot_loop | (cols.kind == _PRODUCT))
        loop = fatal & ~(cols.guard | cols.guarded) & ((pr == _BSD) | kernel_loop)
        firmware = pr == _FIRMWARE
    mask = cols.platform_mask.copy()
    platform = cols.kind == _PLATFORM
    cloud = cols.platform_kind == 2
    outage = mode is FailureMode.OUTAGE
    fatal[platform] = (cloud[platform] & outage) | (~cloud[platform] & (not outage))
    loop[platform] = (cols.platform_kind[platform] == 0) & (mode is FailureMode.BAD_UPDATE)
    firmware[platform] = False
    mask[platform] = 0
    flags = fatal.astype(np.int64) * 4 + loop.astype(np.int64) * 2 + firmware.astype(np.int64)
    _, profile = np.unique(np.stack([flags, mask]), axis=1, return_inverse=True)
    codes = profile.reshape(-1).astype(np.int64)
    top = int(codes.max(initial=0))
    narrow = np.uint8 if top < 2**8 else np.uint16 if top < 2**16 else np.uint64
    return NodeProfiles(fatal, loop, firmware, mask, codes, narrow)


class SourcePlanner:
    """Builds :class:`SourceGroups` for subjects of one snapshot, mode and policy."""

    def __init__(
        self,
        snap: Snapshot,
        mode: FailureMode,
        policy: Policy,
        overrides: Mapping[str, RolloutOverride] | None = None,
    ) -> None:
        self.snap, self.mode, self.policy = snap, mode, policy
        self.overrides = overrides or {}
        cached = snap.cache.get(("profiles", mode))
        if cached is None:
            cached = snap.cache[("profiles", mode)] = node_profiles(snap, mode)
        self.profiles: NodeProfiles = cached
        self._channels: dict[int, ChannelSources] = {}

    def channel_sources(self, ch: int) -> ChannelSources:
        found = self._channels.get(ch)
        if found is None:
            found = self._channels[ch] = self._channel(ch)
        return found

    def _channel(self, ch: int) -> ChannelSources:
        snap, cols = self.snap, self.snap.cols
        attrs: Mapping[str, Any] = snap.channel_attrs[ch]
        override = self.overrides.get(snap.keys[ch])
        if override is not None:
            attrs = override.apply(attrs)
        reach = rollout_reach(
            attrs, window_hours=self.policy.window_hours, detect_hours=self.policy.detect_hours
        )
        own = int(cols.channel_privilege[ch])
        channel_mask = int(cols.channel_mask[ch])
        rows = []
        for u in snap.updated_by.row(ch).tolist():
            pr = own if own >= 0 else int(cols.privilege_of[u])
            mine = int(cols.platform_mask[u])
            mask = (channel_mask & mine) if channel_mask and mine else (channel_mask or mine)
            rows.append((u, *self._semantics(pr, u), mask))
        return ChannelSources(tuple(rows), reach.fraction)

    def _semantics(self, pr: int, node: int) -> tuple[bool, bool, bool]:
        """``failing._semantics`` for privilege code ``pr`` on ``node``."""
        if self.mode is FailureMode.OUTAGE or pr < 0:
            return False, False, False
        fatal = pr in FATAL
        if self.mode is FailureMode.COMPROMISE:
            return fatal, False, False
        cols = self.snap.cols
        guarded = bool(cols.guard[node] or cols.guarded[node])
        kernel_loop = pr == _KERNEL and bool(cols.boot_loop[node] or cols.kind[node] == _PRODUCT)
        loop = fatal and not guarded and (pr == _BSD or kernel_loop)
        return fatal, loop, pr == _FIRMWARE

    def groups(self, subject: int) -> SourceGroups:
        """The failing sources of ``subject`` (a vendor, channel, product, component or
        platform node id), grouped."""
        return self._assemble(*self.sources(subject))

    def sources(self, subject: int) -> tuple[dict[int, SourceRow], NDArray[np.int32]]:
        """``subject``'s failing nodes: those through a channel (node -> (fatal, loop,
        firmware, mask, fraction, channel)), then the others (node ids; their failure is
        their :class:`NodeProfiles` row), as ``failing.failing_sources`` keeps them."""
        kind = int(self.snap.cols.kind[subject])
        chosen: dict[int, SourceRow] = {}
        if kind == _CHANNEL:
            self._add_channel(chosen, subject)
            singles = np.empty(0, dtype=np.int32)
        elif kind == _VENDOR:
            for ch in self.snap.channels_of.row(subject).tolist():
                self._add_channel(chosen, ch)
            singles = self.snap.supplied.row(subject)
            if chosen:
                singles = singles[~np.isin(singles, np.fromiter(chosen, dtype=np.int32))]
        elif kind in _SINGLE or kind == _PLATFORM:
            singles = np.asarray([subject], dtype=np.int32)
        else:
            raise ValueError(
                f"{self.snap.keys[subject]}: the fast path takes vendors, "
                "channels, products, components and platforms"
            )
        return chosen, singles

    def _add_channel(self, chosen: dict[int, SourceRow], ch: int) -> None:
        sources = self.channel_sources(ch)
        for node, fatal, loop, firmware, mask in sources.rows:
            current = chosen.get(node)
            if current is None or (fatal and not current[0]):
                chosen[node] = (fatal, loop, firmware, mask, sources.fraction, ch)

    def _assemble(self, chosen: dict[int, SourceRow], singles: Any) -> SourceGroups:
        p = self.profiles
        # sources of one channel that fail alike are one search: a group escapes only when
        # every product bringing any of them in is protected, which one search tells
        by_row: dict[SourceRow, list[int]] = {}
        for node, row in chosen.items():
            by_row.setdefault(row, []).append(node)
        nodes: list[int] = [node for members in by_row.values() for node in members]
        sizes = [len(members) for members in by_row.values()]
        rows = list(by_row)
        if len(singles):
            singles = _sorted_unique(singles)
            profile = p.profile[singles].astype(p.narrow, copy=False)
            order = np.argsort(profile, kind="stable")  # a radix sort on the narrow codes
            singles, profile = singles[order], profile[order]
            change = np.flatnonzero(profile[1:] != profile[:-1]) + 1
            starts = np.concatenate((_ZERO, change))
            ends = np.concatenate((change, np.asarray([len(singles)], dtype=np.int64)))
            nodes.extend(singles.tolist())
            for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
                first = int(singles[a])
                sizes.append(b - a)
                rows.append(p.row(first))
        node_arr = np.asarray(nodes, dtype=np.int32)
        ptr = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=ptr[1:])
        platforms = node_arr[self.snap.cols.kind[node_arr] == _PLATFORM] if nodes else node_arr
        return SourceGroups(
            nodes=node_arr,
            ptr=ptr,
            fatal=np.asarray([r[0] for r in rows], dtype=np.bool_),
            loop=np.asarray([r[1] for r in rows], dtype=np.bool_),
            firmware=np.asarray([r[2] for r in rows], dtype=np.bool_),
            mask=np.asarray([r[3] for r in rows], dtype=np.int64),
            fraction=np.asarray([r[4] for r in rows], dtype=np.float64),
            channel=np.asarray([r[5] for r in rows], dtype=np.int32),
            failed_platforms=np.unique(platforms).astype(np.int32),
        )
