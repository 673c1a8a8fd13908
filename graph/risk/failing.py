"""Turn a failing subject into the nodes that fail and how their failure is interpreted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.risk.policy import Policy
from graph.risk.rollout import RolloutOverride, RolloutReach, rollout_reach
from graph.risk.subject import FailureMode, Subject
from graph.vocabulary import BootStart, EdgeKind, NodeKind, Privilege

__all__ = ["NO_ROLLOUT", "FailureSource", "failing_sources"]

NO_ROLLOUT = RolloutReach(fraction=1.0, explanation="the failing node itself (no rollout)")
"""The reach of a failing node that fails on its own (not pushed by a channel)."""
_CRASH_LOOP_START = frozenset({BootStart.BOOT.value, BootStart.SYSTEM.value, BootStart.AUTO.value})
_SEVERITY = [
    p.value
    for p in (
        Privilege.FIRMWARE,
        Privilege.BOOT_START_DRIVER,
        Privilege.KERNEL,
        Privilege.HYPERVISOR,
        Privilege.SYSTEM_SERVICE,
        Privilege.CLOUD_SERVICE,
        Privilege.USER,
    )
]


@dataclass(frozen=True)
class FailureSource:
    """One failing node and the semantics of its failure."""

    key: str
    privilege: str | None
    host_fatal: bool
    crash_loop: bool
    firmware: bool
    platforms: frozenset[str]
    rollout: RolloutReach = NO_ROLLOUT
    channel: str | None = None
    channel_attrs: Mapping[str, Any] = field(default_factory=dict)
    unknowns: tuple[str, ...] = ()


def failing_sources(
    view: nx.MultiDiGraph,
    keys: list[str],
    subject: Subject,
    mode: FailureMode,
    policy: Policy,
    overrides: Mapping[str, RolloutOverride],
) -> list[FailureSource]:
    """Every failing node for the resolved subject ``keys``, sorted and de-duplicated."""
    out: dict[str, FailureSource] = {}
    for key in keys:
        kind = view.nodes[key].get("kind")
        if kind == NodeKind.UPDATE_CHANNEL.value:
            sources = _channel(view, key, mode, policy, overrides)
        elif kind == NodeKind.VENDOR.value:
            sources = _vendor(view, key, mode, policy, overrides)
        elif kind == NodeKind.VULNERABILITY.value:
            sources = [
                _node(view, v, mode)
                for _, v, d in view.out_edges(key, data=True)
                if d["kind"] == EdgeKind.AFFECTS.value
            ]
        else:
            sources = [_node(view, key, mode)]
        for source in sources:
            current = out.get(source.key)
            if current is None or (source.host_fatal and not current.host_fatal):
                out[source.key] = source
    return [out[k] for k in sorted(out)]


def _channel(
    view: nx.MultiDiGraph,
    channel: str,
    mode: FailureMode,
    policy: Policy,
    overrides: Mapping[str, RolloutOverride],
) -> list[FailureSource]:
    attrs: Mapping[str, Any] = view.nodes[channel]
    if channel in overrides:
        attrs = overrides[channel].apply(attrs)
    reach = rollout_reach(attrs, window_hours=policy.window_hours, detect_hours=policy.detect_hours)
    channel_platforms = frozenset(str(p).lower() for p in attrs.get("platforms") or ())
    out = []
    for updated, _, data in view.in_edges(channel, data=True):
        if data["kind"] != EdgeKind.UPDATED_VIA.value:
            continue
        node = view.nodes[updated]
        privilege = attrs.get("privilege") or _privilege_of(view, updated)
        unknowns = [f"privilege of {updated}"] if privilege is None else []
        mine = frozenset(str(p).lower() for p in node.get("platforms") or ())
        platforms = (
            (channel_platforms & mine)
            if channel_platforms and mine
            else (channel_platforms or mine)
        )
        fatal, loop, firmware = _semantics(privilege, node, mode, view, updated)
        out.append(
            FailureSource(
                key=updated,
                privilege=privilege,
                host_fatal=fatal,
                crash_loop=loop,
                firmware=firmware,
                platforms=platforms,
                rollout=reach,
                channel=channel,
                channel_attrs=attrs,
                unknowns=tuple(unknowns) + tuple(f"{channel}.{u}" for u in reach.unknowns),
            )
        )
    return out


def _vendor(
    view: nx.MultiDiGraph,
    vendor: str,
    mode: FailureMode,
    policy: Policy,
    overrides: Mapping[str, RolloutOverride],
) -> list[FailureSource]:
    sources: list[FailureSource] = []
    for pred, _, data in view.in_edges(vendor, data=True):
        kind = view.nodes[pred].get("kind")
        if data["kind"] == EdgeKind.OPERATED_BY.value and kind == NodeKind.UPDATE_CHANNEL.value:
            sources.extend(_channel(view, pred, mode, policy, overrides))
    by_channel = {s.key for s in sources}
    for pred, _, data in view.in_edges(vendor, data=True):
        kind = view.nodes[pred].get("kind")
        if (
            data["kind"] == EdgeKind.SUPPLIED_BY.value
            and pred not in by_channel
            and kind
            in (
                NodeKind.PRODUCT.value,
                NodeKind.COMPONENT.value,
                NodeKind.PLATFORM.value,
            )
        ):
            sources.append(_node(view, pred, mode))
    return sources


def _node(view: nx.MultiDiGraph, key: str, mode: FailureMode) -> FailureSource:
    node = view.nodes[key]
    if node.get("kind") == NodeKind.PLATFORM.value:
        privilege = {
            "os": Privilege.KERNEL.value,
            "hypervisor": Privilege.HYPERVISOR.value,
            "cloud": Privilege.CLOUD_SERVICE.value,
        }.get(str(node.get("platform_kind")))
        cloud = node.get("platform_kind") == "cloud"
        fatal = (mode is FailureMode.OUTAGE and cloud) or (
            mode is not FailureMode.OUTAGE and not cloud
        )
        loop = mode is FailureMode.BAD_UPDATE and node.get("platform_kind") == "os"
        return FailureSource(key, privilege, fatal, loop, False, frozenset())
    privilege = _privilege_of(view, key)
    fatal, loop, firmware = _semantics(privilege, node, mode, view, key)
    platforms = frozenset(str(p).lower() for p in node.get("platforms") or ())
    unknowns = (f"privilege of {key}",) if privilege is None else ()
    return FailureSource(key, privilege, fatal, loop, firmware, platforms, unknowns=unknowns)


def _privilege_of(view: nx.MultiDiGraph, key: str) -> str | None:
    """A node's privilege; for a product, the most severe among what it contains."""
    node = view.nodes[key]
    own = node.get("privilege")
    if node.get("kind") != NodeKind.PRODUCT.value:
        return str(own) if own else None
    found = {str(own)} if own else set()
    stack, seen = [key], {key}
    while stack:
        for _, child, data in view.out_edges(stack.pop(), data=True):
            if data["kind"] == EdgeKind.CONTAINS.value and child not in seen:
                seen.add(child)
                stack.append(child)
                if view.nodes[child].get("privilege"):
                    found.add(str(view.nodes[child]["privilege"]))
    ranked = [p for p in _SEVERITY if p in found]
    return ranked[0] if ranked else None


def _semantics(
    privilege: str | None,
    node: Mapping[str, Any],
    mode: FailureMode,
    view: nx.MultiDiGraph,
    key: str,
) -> tuple[bool, bool, bool]:
    """(host fatal, crash-loops needing hands, firmware) for a failure at ``privilege``."""
    if mode is FailureMode.OUTAGE or privilege is None:
        return False, False, False
    level = Privilege(privilege)
    fatal = level.takes_host_down
    if mode is FailureMode.COMPROMISE:
        return fatal, False, False
    guarded = bool(node.get("crash_loop_guard")) or _guarded(view, key)
    loop = (
        fatal
        and not guarded
        and (
            level is Privilege.BOOT_START_DRIVER
            or (level is Privilege.KERNEL and node.get("boot_start") in _CRASH_LOOP_START)
            or (level is Privilege.KERNEL and node.get("kind") == NodeKind.PRODUCT.value)
        )
    )
    return fatal, loop, level is Privilege.FIRMWARE


def _guarded(view: nx.MultiDiGraph, key: str) -> bool:
    """A product with a crash-loop guard protects the components it contains."""
    for parent, _, data in view.in_edges(key, data=True):
        if data["kind"] == EdgeKind.CONTAINS.value and view.nodes[parent].get("crash_loop_guard"):
            return True
    return False
