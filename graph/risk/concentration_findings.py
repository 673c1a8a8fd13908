"""Single-vendor dependency of critical functions and DORA-style systemic vendors.

Both are *project policy informed by* concentration.md §2: flag an operator's critical
function at >= 50% of its hosts on one vendor in a layer, escalate at >= 80% when that
vendor's channel fails staged rollout (KG-SR-01) or customer control (KG-CC-01); call a
vendor systemic in a sector when it serves >= 10% of the sector's CII operators for a
critical function both by count and by size (mirroring CDR (EU) 2024/1502 Art. 2).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import chain

import networkx as nx

from graph.model import OperatorNode, UpdateChannelNode
from graph.risk.concentration_models import (
    ConcentrationPolicy,
    HostGroupUsage,
    LayerConcentration,
    ScopeKind,
    SingleVendorDependency,
    SystemicVendor,
    VendorUse,
)
from graph.risk.concentration_reached import Reached
from graph.risk.concentration_records import dependency_record, systemic_record
from graph.risk.concentration_table import LayerSummary
from graph.risk.concentration_usage import EstateUsage, estate_usage, operator_sectors
from graph.risk.controls.base import ControlsPolicy
from graph.risk.controls.predicates import customer_control, staged_rollout
from graph.risk.reach import (
    is_critical_function,
    nodes_of_kind,
    typed_node,
)
from graph.vocabulary import NodeKind, ProductCategory

__all__ = ["Reached", "single_vendor_dependencies", "systemic_vendors"]


def _function_groups(usage: EstateUsage) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for hg, group in usage.groups.items():
        for function in group.functions:
            out[function].append(hg)
    return out


def _channel_status(
    view: nx.MultiDiGraph, channel: str, policy: ControlsPolicy
) -> tuple[bool, bool]:
    """(fails SR-01 or CC-01, has an undeclared SR-01/CC-01 attribute and fails neither)."""
    node = typed_node(view, channel, UpdateChannelNode)
    staged, deferrable = staged_rollout(node, policy), customer_control(node, policy)
    failing = staged is False or deferrable is False
    return failing, not failing and (staged is None or deferrable is None)


def single_vendor_dependencies(
    view: nx.MultiDiGraph,
    *,
    policy: ConcentrationPolicy | None = None,
    controls_policy: ControlsPolicy | None = None,
    group_level: bool = False,
    usage: EstateUsage | None = None,
    reached: Reached | None = None,
) -> tuple[SingleVendorDependency, ...]:
    """Critical functions with one vendor at or above the flag share in a layer.

    The share is the % of the function's hosts (all host groups supporting it) that depend
    on the vendor in that layer. Sorted escalated first, then by share, function, layer.
    ``reached`` may pass a :class:`Reached` of ``view`` shared with :func:`systemic_vendors`.
    """
    policy = policy or ConcentrationPolicy()
    controls_policy = controls_policy or ControlsPolicy()
    usage = usage or estate_usage(view, group_level=group_level)
    layers = set(policy.single_vendor_layers or ProductCategory)
    reached = reached or Reached(view)
    out: list[SingleVendorDependency] = []
    statuses: dict[str, tuple[bool, bool]] = {}
    for function, host_groups in sorted(_function_groups(usage).items()):
        if not is_critical_function(view, function):
            continue
        total = sum(usage.groups[hg].hosts for hg in host_groups)
        if total == 0:
            continue
        # (layer, vendor) -> each host group depending on it -> its uses of it, in order
        dependents: dict[tuple[ProductCategory, str], dict[str, list[VendorUse]]] = defaultdict(
            dict
        )
        for hg in host_groups:
            for use in usage.groups[hg].uses:
                if use.layer in layers:
                    dependents[(use.layer, use.vendor)].setdefault(hg, []).append(use)
        for (layer, vendor), groups in sorted(dependents.items(), key=lambda kv: kv[0]):
            hosts = sum(usage.groups[hg].hosts for hg in groups)
            share = 100 * hosts / total
            if share < policy.single_vendor_flag_share:
                continue
            out.append(
                _dependency(
                    view,
                    usage,
                    reached,
                    function,
                    layer,
                    vendor,
                    groups,
                    hosts,
                    total,
                    policy,
                    controls_policy,
                    statuses,
                )
            )
    return tuple(sorted(out, key=lambda d: (not d.escalated, -d.share, d.function, d.layer)))


def _dependency(
    view: nx.MultiDiGraph,
    usage: EstateUsage,
    reached: Reached,
    function: str,
    layer: ProductCategory,
    vendor: str,
    dependents: dict[str, list[VendorUse]],
    hosts: int,
    total: int,
    policy: ConcentrationPolicy,
    controls_policy: ControlsPolicy,
    statuses: dict[str, tuple[bool, bool]],
) -> SingleVendorDependency:
    """``dependents``: the host groups depending on ``vendor`` in ``layer``, each with its
    uses of it in use order."""
    groups = sorted(dependents)
    uses = [u for hg in groups for u in dependents[hg]]
    # whether a channel reaches the groups does not depend on the use: ask once per channel
    candidates = {channel for use in uses for channel in reached.channels_of(use.via)}
    channels = sorted(c for c in candidates if not reached(c).isdisjoint(groups))
    failing, undeclared = [], []
    for channel in channels:
        status = statuses.get(channel)
        if status is None:  # one typed channel per analysis, not one per dependency
            status = statuses[channel] = _channel_status(view, channel, controls_policy)
        fails, unknown = status
        if fails:
            failing.append(channel)
        elif unknown:
            undeclared.append(channel)
    share = 100 * hosts / total
    escalated = share >= policy.single_vendor_escalate_share and bool(
        failing or (undeclared and policy.escalate_on_undeclared)
    )
    operator = view.nodes[function].get("operator") or usage.groups[groups[0]].operator
    provenance = dict.fromkeys(chain.from_iterable(use.provenance for use in uses))
    return dependency_record(
        {
            "operator": operator,
            "function": function,
            "cii": bool(operator in view and view.nodes[operator].get("cii")),
            "layer": layer,
            "vendor": vendor,
            "share": share,
            "hosts": hosts,
            "function_hosts": total,
            "host_groups": tuple(groups),
            "via": tuple(sorted({u.via for u in uses})),
            "channels": tuple(channels),
            "failing_channels": tuple(failing),
            "undeclared_channels": tuple(undeclared),
            "escalated": escalated,
            "provenance": tuple(provenance),
        }
    )


def systemic_vendors(
    view: nx.MultiDiGraph,
    layers: Iterable[LayerConcentration | LayerSummary],
    *,
    policy: ConcentrationPolicy | None = None,
    group_level: bool = False,
    usage: EstateUsage | None = None,
    reached: Reached | None = None,
) -> tuple[SystemicVendor, ...]:
    """Breadth of every vendor across each sector's operators (DORA-style 10% test).

    An operator uses a vendor when one of its host groups supporting a critical function
    depends on it. ``layers`` (sector-scope layers or their summaries) supply the HHI
    shown alongside. Sorted by sector, then count share (most first), then vendor.
    """
    policy = policy or ConcentrationPolicy()
    usage = usage or estate_usage(view, group_level=group_level)
    sector_hhi: dict[tuple[str, ProductCategory], float] = {
        (lc.scope.key, lc.layer): lc.by_critical_hosts.hhi
        for lc in layers
        if lc.scope.kind is ScopeKind.SECTOR and lc.by_critical_hosts.hhi is not None
    }
    operators = {
        op: node
        for op in nodes_of_kind(view, NodeKind.OPERATOR)
        if (node := typed_node(view, op, OperatorNode)) is not None
    }
    by_sector: dict[str, list[str]] = defaultdict(list)
    for op, node in operators.items():
        if policy.systemic_population == "all" or node.cii:
            for sector in operator_sectors(view, op):
                by_sector[sector].append(op)
    reached = reached or Reached(view)
    critical_groups: dict[str, list[HostGroupUsage]] = defaultdict(list)
    for group in usage.groups.values():  # each operator's critical host groups, once
        if group.operator is not None and group.critical:
            critical_groups[group.operator].append(group)
    out: list[SystemicVendor] = []
    for sector, population in sorted(by_sector.items()):
        users: dict[str, set[str]] = defaultdict(set)
        layer_of: dict[str, set[ProductCategory]] = defaultdict(set)
        vias: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for op in dict.fromkeys(population):
            for group in critical_groups.get(op, ()):
                for use in group.uses:
                    users[use.vendor].add(op)
                    layer_of[use.vendor].add(use.layer)
                    vias[use.vendor].add((group.host_group, use.via))
        sizes = {op: operators[op].size for op in population if operators[op].size is not None}
        for vendor in sorted(users):
            out.append(
                _systemic(
                    view,
                    reached,
                    sector,
                    vendor,
                    population,
                    users[vendor],
                    sizes,
                    sorted(layer_of[vendor], key=lambda x: x.value),
                    vias[vendor],
                    sector_hhi,
                    policy,
                )
            )
    return tuple(sorted(out, key=lambda s: (s.sector, -s.count_share, s.vendor)))


def _systemic(
    view: nx.MultiDiGraph,
    reached: Reached,
    sector: str,
    vendor: str,
    population: list[str],
    users: set[str],
    sizes: dict[str, float | None],
    layers: list[ProductCategory],
    vias: set[tuple[str, str]],
    sector_hhi: dict[tuple[str, ProductCategory], float],
    policy: ConcentrationPolicy,
) -> SystemicVendor:
    count_share = 100 * len(users) / len(population)
    known = {op: float(size or 0) for op, size in sizes.items()}
    size_total = sum(known.values())
    size_share = (
        100 * sum(known[op] for op in users if op in known) / size_total if size_total else None
    )
    threshold = policy.systemic_breadth_share
    systemic: bool | None
    if count_share < threshold or (size_share is not None and size_share < threshold):
        systemic = False
    elif size_share is None:
        systemic = None
    else:
        systemic = True
    common_mode: set[str] = set()
    for hg, via in vias:
        for channel in reached.channels_of(via):
            if (
                channel not in common_mode
                and reached.host_fatal(channel)
                and hg in reached(channel)
            ):
                common_mode.add(channel)
    hhis = [sector_hhi[(sector, layer)] for layer in layers if (sector, layer) in sector_hhi]
    return systemic_record(
        {
            "sector": sector,
            "vendor": vendor,
            "layers": tuple(layers),
            "population": len(population),
            "operators_using": tuple(sorted(users)),
            "count_share": count_share,
            "size_share": size_share,
            "size_coverage": len(known) / len(population),
            "systemic": systemic,
            "max_layer_hhi": max(hhis) if hhis else None,
            "common_mode_channels": tuple(sorted(common_mode)),
        }
    )
