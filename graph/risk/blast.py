"""Blast radius with failure semantics: which hosts go down or degrade, where, for how long.

Not plain reachability: a failure interpreted at a host-fatal privilege (kernel,
boot-start driver, firmware, hypervisor) takes the whole host down and every function on
it; at boot start it crash-loops and needs hands on; a user-mode failure degrades only what
depends on it. A bad push on a channel reaches only what the channel updates, only on the
platforms it targets, only in host groups that take it, and only the share its rollout
reaches before a halt or revert.

Examples
--------
>>> import networkx as nx
>>> from graph.risk.subject import Subject
>>> radius = blast_radius(nx.MultiDiGraph(), Subject(kind="channel", ref="x"))
Traceback (most recent call last):
...
graph.risk.subject.SubjectError: no channel matches 'x' (the graph has no UpdateChannel nodes)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import networkx as nx

from graph.risk.blast_results import (
    BlastRadius,
    FailingNode,
    FunctionImpact,
    GroupTotals,
    HostGroupImpact,
    OperatorImpact,
    RecoveryPoint,
)
from graph.risk.evidence import evidence_path
from graph.risk.exposure import online_share
from graph.risk.failing import FailureSource, failing_sources
from graph.risk.policy import Policy
from graph.risk.reach import predecessors_of, successors_of
from graph.risk.recovery import GroupRecovery, curve_hours, estimate_group, hosts_back_at
from graph.risk.rollout import RolloutOverride
from graph.risk.subject import FailureMode, Subject, resolve_subject
from graph.vocabulary import ChannelKind, CustomerDeferral, EdgeKind, NodeKind

__all__ = ["blast_radius", "group_totals", "operator_sectors"]

_STRUCTURE = frozenset({EdgeKind.CONTAINS.value, EdgeKind.DEPENDS_ON.value})
_RUNS, _RUNS_ON = EdgeKind.RUNS.value, EdgeKind.RUNS_ON.value
_SUPPORTS, _IN_SECTOR = EdgeKind.SUPPORTS.value, EdgeKind.IN_SECTOR.value
_PLATFORM, _HOST_GROUP = NodeKind.PLATFORM.value, NodeKind.HOST_GROUP.value


@dataclass
class _Hit:
    """The worst thing that happens to one host group."""

    fatal: bool = False
    crash_loop: bool = False
    firmware: bool = False
    fraction: float = 0.0
    via: set[str] = field(default_factory=set)
    protected_by: str | None = None


def blast_radius(
    view: nx.MultiDiGraph,
    subject: Subject,
    mode: FailureMode = FailureMode.BAD_UPDATE,
    *,
    policy: Policy | None = None,
    overrides: Mapping[str, RolloutOverride] | None = None,
    push_time: datetime | None = None,
    evidence_paths: bool = True,
) -> BlastRadius:
    """What fails if ``subject`` fails in ``mode``; ``overrides`` replace channel rollouts.

    ``push_time`` (aware) makes each host group's online share depend on its environment
    and local time (graph.risk.exposure); without it the policy's flat share applies.
    ``evidence_paths=False`` leaves each operator's ``evidence_path`` empty (a search per
    operator hit, the largest cost on a big estate) for callers that do not show it.
    """
    policy = policy or Policy()
    keys = resolve_subject(view, subject)
    sources = failing_sources(view, keys, subject, mode, policy, overrides or {})
    hits = _host_group_hits(view, sources)
    failed_platforms = {s.key for s in sources if view.nodes[s.key].get("kind") == "Platform"}
    groups: list[HostGroupImpact] = []
    recoveries: dict[str, GroupRecovery] = {}
    unknowns: set[str] = {u for s in sources for u in s.unknowns}
    down_groups = {hg for hg, hit in hits.items() if hit.fatal and hit.protected_by is None}
    for hg in sorted(hits):
        online = _online(view, hg, policy, push_time)
        impact, recovery = _impact(
            view, hg, hits[hg], mode, policy, failed_platforms, down_groups, online
        )
        groups.append(impact)
        recoveries[hg] = recovery
        unknowns.update(recovery.unknowns)
    functions = _functions(view, groups, policy)
    operators = _operators(view, groups, functions, keys if evidence_paths else None)
    curve_groups = [r for r in recoveries.values() if r.down]
    horizon = max((r.hours for r in curve_groups), default=0.0)
    total_down = sum(g.hosts_down for g in groups)
    curve = [
        RecoveryPoint(
            hour=h,
            hosts_back=(back := hosts_back_at(curve_groups, h)),
            share_back=round(back / total_down, 4) if total_down else 1.0,
        )
        for h in (curve_hours(horizon) if total_down else [])
    ]
    sectors = group_totals(operators, functions, lambda o: o.sectors)
    jurisdictions = group_totals(operators, functions, lambda o: o.jurisdictions)
    hit_operators = [
        o for o in operators if o.hosts_down or o.hosts_degraded or o.hosts_compromised
    ]
    return BlastRadius(
        subject=subject,
        mode=mode,
        failing=[_failing_node(s) for s in sources],
        online_fraction=policy.online_fraction,
        push_time=push_time,
        window_hours=policy.window_hours,
        hosts_down=total_down,
        hosts_degraded=sum(g.hosts_degraded for g in groups),
        hosts_compromised=sum(g.hosts_compromised for g in groups),
        hands_on_hosts=sum(g.hands_on_hosts for g in groups),
        recovery_hours=round(horizon, 2),
        operators_hit=len(hit_operators),
        sectors_hit=sorted({s for o in hit_operators for s in o.sectors}),
        critical_functions_lost=sum(1 for f in functions if f.critical and f.status == "lost"),
        host_groups=groups,
        operators=operators,
        functions=functions,
        sectors=sectors,
        jurisdictions=jurisdictions,
        recovery_curve=curve,
        unknowns=sorted(unknowns),
    )


def _failing_node(source: FailureSource) -> FailingNode:
    return FailingNode(
        key=source.key,
        privilege=source.privilege,
        host_fatal=source.host_fatal,
        crash_loop=source.crash_loop,
        platforms=sorted(source.platforms),
        channel=source.channel,
        rollout_fraction=source.rollout.fraction,
        rollout_explanation=source.rollout.explanation,
    )


# -- which host groups each failing node reaches --------------------------------------------


def _host_group_hits(view: nx.MultiDiGraph, sources: list[FailureSource]) -> dict[str, _Hit]:
    hits: dict[str, _Hit] = {}
    for source in sources:
        for hg, products in _groups_reaching(view, source.key):
            hit = hits.setdefault(hg, _Hit())
            # protected only when every product that brings the failure in is protected
            reasons = [_protection(view, hg, product, source) for product in products]
            reason = None if None in reasons else reasons[0]
            if reason is not None:
                if not hit.via:
                    hit.protected_by = hit.protected_by or reason
                continue
            hit.protected_by = None
            hit.via.add(source.key)
            if source.host_fatal and not hit.fatal:
                hit.fatal, hit.fraction = True, source.rollout.fraction
            elif source.host_fatal == hit.fatal:
                hit.fraction = max(hit.fraction, source.rollout.fraction)
            if source.host_fatal:
                hit.crash_loop |= source.crash_loop
                hit.firmware |= source.firmware
    return hits


def _groups_reaching(view: nx.MultiDiGraph, start: str) -> list[tuple[str, list[str | None]]]:
    """(host group, every product through which it reaches ``start``), sorted by group.

    Products are listed in discovery order; None stands for "through its platform".
    """
    found: dict[str, list[str | None]] = {}
    nodes = view.nodes
    if nodes[start].get("kind") == _PLATFORM:
        for hg, keyed in predecessors_of(view, start).items():
            for data in keyed.values():
                if data["kind"] == _RUNS_ON:
                    found.setdefault(hg, [None])
    seen = {start}
    frontier = [start]
    while frontier:
        nxt = []
        for node in frontier:
            for pred, keyed in predecessors_of(view, node).items():
                for data in keyed.values():
                    kind = data["kind"]
                    if kind == _RUNS:
                        products = found.setdefault(pred, [])
                        if node not in products:
                            products.append(node)
                    elif (
                        kind in _STRUCTURE
                        and pred not in seen
                        and nodes[pred].get("kind") != _HOST_GROUP
                    ):
                        seen.add(pred)
                        nxt.append(pred)
        frontier = nxt
    return sorted(found.items())


def _protection(
    view: nx.MultiDiGraph, hg: str, product: str | None, source: FailureSource
) -> str | None:
    """Why ``hg`` escapes ``source``, or None when it is hit."""
    group = view.nodes[hg]
    if source.platforms:
        family = _family(view, group)
        if family is not None and family not in source.platforms:
            return f"runs {family}, failure targets {', '.join(sorted(source.platforms))}"
    if source.channel is None:
        return None
    channel = source.channel_attrs
    # reached through a platform: the operator's rings for the platform's OS product apply
    products = {product} if product is not None else _updated_by(view, source.channel)
    for ring in group.get("rings") or ():
        if ring.get("product") not in products:
            continue
        takes = ring.get("takes_channels")
        if takes is not None and source.channel not in takes:
            return f"does not take channel {source.channel}"
        if (ring.get("ring") or 0) > 0 and _defers(channel):
            return f"operator ring {ring['ring']} defers channel {source.channel}"
        if (
            ring.get("pinned_version")
            and channel.get("channel_kind") in (ChannelKind.CODE.value, ChannelKind.DRIVER.value)
            and (channel.get("customer_pin_versions") or 0) >= 1
        ):
            return f"pinned to {ring['pinned_version']}"
    return None


def _updated_by(view: nx.MultiDiGraph, channel: str) -> set[str]:
    return {
        u
        for u, _, d in view.in_edges(channel, data=True)
        if d["kind"] == EdgeKind.UPDATED_VIA.value
    }


def _defers(channel: Mapping[str, Any]) -> bool:
    deferral = channel.get("customer_deferral")
    if deferral == CustomerDeferral.CHANNEL.value:
        return True
    return deferral == CustomerDeferral.SENSOR_ONLY.value and channel.get("channel_kind") in (
        ChannelKind.CODE.value,
        ChannelKind.DRIVER.value,
    )


def _family(view: nx.MultiDiGraph, group: Mapping[str, Any]) -> str | None:
    platform = group.get("platform")
    if platform and platform in view:
        family = view.nodes[platform].get("family")
        return str(family).lower() if family else None
    return None


# -- per host group, function, operator, sector ---------------------------------------------


def _impact(
    view: nx.MultiDiGraph,
    hg: str,
    hit: _Hit,
    mode: FailureMode,
    policy: Policy,
    failed_platforms: set[str],
    down_groups: set[str],
    online: float,
) -> tuple[HostGroupImpact, GroupRecovery]:
    group = view.nodes[hg]
    count = int(group.get("host_count") or 0)
    hosts_hit = 0 if hit.protected_by else round(count * online * hit.fraction)
    down = hosts_hit if hit.fatal and mode is not FailureMode.COMPROMISE else 0
    degraded = hosts_hit - down if mode is not FailureMode.COMPROMISE else 0
    compromised = hosts_hit if mode is FailureMode.COMPROMISE else 0
    escrow_down = group.get("key_escrow_platform") in failed_platforms or (
        group.get("key_escrow_host_group") in down_groups
    )
    recovery = estimate_group(
        group,
        down=down,
        needs_hands=hit.crash_loop,
        firmware=hit.firmware,
        escrow_down=escrow_down,
        policy=policy.recovery,
    )
    impact = HostGroupImpact(
        host_group=hg,
        name=str(group.get("name", hg)),
        operator=str(group.get("operator", "")),
        platform=group.get("platform"),
        environment=str(group.get("environment", "")),
        host_count=count,
        hosts_hit=hosts_hit,
        hosts_down=down,
        hosts_degraded=degraded,
        hosts_compromised=compromised,
        crash_loop=hit.crash_loop and down > 0,
        hands_on_hosts=recovery.hands_on,
        recovery_hours=round(recovery.hours, 2),
        protected_by=hit.protected_by,
        via=sorted(hit.via),
    )
    return impact, recovery


def _online(view: nx.MultiDiGraph, hg: str, policy: Policy, push_time: datetime | None) -> float:
    if push_time is None:
        return policy.online_fraction
    operator = view.nodes[hg].get("operator")
    jurisdictions = (
        tuple(view.nodes[operator].get("jurisdictions") or ()) if operator in view else ()
    )
    return online_share(view.nodes[hg], jurisdictions, push_time, policy.online)


def _functions(
    view: nx.MultiDiGraph, groups: list[HostGroupImpact], policy: Policy
) -> list[FunctionImpact]:
    by_group = {g.host_group: g for g in groups}
    functions: dict[str, list[str]] = defaultdict(list)
    nodes = view.nodes
    for hg in by_group:
        for fn, keyed in successors_of(view, hg).items():
            for data in keyed.values():
                if data["kind"] == _SUPPORTS:
                    functions[fn].append(hg)
    out = []
    for fn in sorted(functions):
        attrs = nodes[fn]
        supporting = [
            u
            for u, keyed in predecessors_of(view, fn).items()
            for d in keyed.values()
            if d["kind"] == _SUPPORTS
        ]
        total = sum(int(nodes[u].get("host_count") or 0) for u in supporting)
        hit_groups = [by_group[u] for u in functions[fn]]
        down = sum(g.hosts_down for g in hit_groups)
        degraded = sum(g.hosts_degraded + g.hosts_compromised for g in hit_groups)
        if down == 0 and degraded == 0:
            continue
        lost = total > 0 and down / total >= policy.function_lost_share
        recovery = max((g.recovery_hours for g in hit_groups if g.hosts_down), default=0.0)
        rto = attrs.get("rto_hours")
        out.append(
            FunctionImpact(
                function=fn,
                name=str(attrs.get("name", fn)),
                operator=str(attrs.get("operator", "")),
                critical=bool(attrs.get("critical", True)),
                rto_hours=rto,
                hosts_total=total,
                hosts_down=down,
                hosts_degraded=degraded,
                status="lost" if lost else "degraded",
                recovery_hours=recovery,
                rto_breached=None if rto is None or not down else recovery > float(rto),
            )
        )
    return out


def _operators(
    view: nx.MultiDiGraph,
    groups: list[HostGroupImpact],
    functions: list[FunctionImpact],
    subject_keys: list[str] | None,
) -> list[OperatorImpact]:
    by_operator: dict[str, list[HostGroupImpact]] = defaultdict(list)
    for g in groups:
        if g.operator:
            by_operator[g.operator].append(g)
    lost: dict[str, list[str]] = defaultdict(list)  # one pass, not one per operator
    for f in functions:
        if f.status == "lost":
            lost[f.operator].append(f.function)
    out = []
    for op in sorted(by_operator):
        mine = by_operator[op]
        if not any(g.hosts_hit for g in mine):
            continue
        attrs = view.nodes[op] if op in view else {}
        sectors = operator_sectors(view, op)
        out.append(
            OperatorImpact(
                operator=op,
                name=str(attrs.get("name", op)),
                sectors=sectors,
                jurisdictions=sorted(attrs.get("jurisdictions") or ()),
                cii=bool(attrs.get("cii", False)),
                hosts_down=sum(g.hosts_down for g in mine),
                hosts_degraded=sum(g.hosts_degraded for g in mine),
                hosts_compromised=sum(g.hosts_compromised for g in mine),
                recovery_hours=max(g.recovery_hours for g in mine),
                functions_lost=sorted(lost.get(op, ())),
                evidence_path=[]
                if subject_keys is None
                else evidence_path(view, op, [g for g in mine if g.hosts_hit], subject_keys),
            )
        )
    return out


def operator_sectors(view: nx.MultiDiGraph, operator: str) -> list[str]:
    """The names of ``operator``'s sectors, sorted (one per IN_SECTOR edge)."""
    return sorted(
        str(view.nodes[s].get("name", s))
        for s, keyed in successors_of(view, operator).items()
        for d in keyed.values()
        if d["kind"] == _IN_SECTOR
    )


def group_totals(
    operators: list[OperatorImpact], functions: list[FunctionImpact], groups_of: Any
) -> list[GroupTotals]:
    """Per sector or jurisdiction (``groups_of(operator)`` names them) of a radius."""
    members: dict[str, list[OperatorImpact]] = defaultdict(list)
    for o in operators:
        for name in groups_of(o):
            members[name].append(o)
    lost_by_operator: dict[str, int] = defaultdict(int)
    for f in functions:
        if f.status == "lost":
            lost_by_operator[f.operator] += 1
    return [
        GroupTotals(
            name=name,
            operators_hit=len(ops),
            hosts_down=sum(o.hosts_down for o in ops),
            hosts_degraded=sum(o.hosts_degraded for o in ops),
            hosts_compromised=sum(o.hosts_compromised for o in ops),
            functions_lost=sum(lost_by_operator[o.operator] for o in ops),
        )
        for name, ops in sorted(members.items())
    ]
