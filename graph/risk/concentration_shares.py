"""Vendor shares per layer and scope: HHI, CR1/CR3, effective suppliers, intersections.

Shares are computed on the deployment graph (hosts, and hosts of critical functions), not
on market revenue: concentration.md §3's lesson is that a market can look unconcentrated
while a sector's critical estate is not. HHI = Σ s_i² with s_i in percent, in
[0, 10,000]; it is computed exactly (rationals), so it is 10,000 only when one vendor holds
the whole layer. Bands: 2023 US Merger Guidelines (primary) and 2010 (for comparison).

Examples
--------
>>> hhi([60, 40])
5200.0
>>> hhi([7])
10000.0
>>> concentration_band(5200.0, (1000.0, 1800.0))
<Band.HIGHLY: 'highly-concentrated'>
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from fractions import Fraction

import networkx as nx

from graph.risk.concentration_cells import Cell, LayerCells, layer_cells
from graph.risk.concentration_models import (
    Band,
    ConcentrationMetrics,
    ConcentrationPolicy,
    ExposureSet,
    LayerConcentration,
    LayerIntersection,
    Scope,
    ScopeKind,
    VendorShare,
    Weighting,
)
from graph.risk.concentration_usage import (
    ESTATE,
    EstateUsage,
    estate_usage,
    scope_members,
)
from graph.risk.reach import channel_host_groups, channels_of
from graph.trusted import trusted_model
from graph.vocabulary import ProductCategory

__all__ = [
    "concentration_band",
    "concentration_metrics",
    "hhi",
    "layer_concentration",
    "layer_concentrations",
    "layer_intersections",
]

Weight = int | float | Fraction


def hhi(weights: Iterable[Weight]) -> float | None:
    """Herfindahl-Hirschman index of the shares the weights imply; None for no weight.

    Exact arithmetic, so several positive weights never round up to 10,000.
    """
    positive = [Fraction(w) for w in weights if w > 0]
    total = sum(positive, Fraction(0))
    if total == 0:
        return None
    value = float(10_000 * sum(w * w for w in positive) / (total * total))
    if len(positive) > 1 and value >= 10_000.0:
        return math.nextafter(10_000.0, 0.0)
    return value


def concentration_band(value: float, bounds: tuple[float, float]) -> Band:
    """Below the lower bound unconcentrated, above the upper highly, else moderately."""
    low, high = bounds
    if value < low:
        return Band.UNCONCENTRATED
    if value > high:
        return Band.HIGHLY
    return Band.MODERATELY


def concentration_metrics(
    weights: Mapping[str, Weight], weighting: Weighting, *, policy: ConcentrationPolicy
) -> ConcentrationMetrics:
    """HHI, CR1, CR3, effective number of suppliers and bands of ``weights`` by vendor."""
    positive = sorted((Fraction(w) for w in weights.values() if w > 0), reverse=True)
    total = sum(positive, Fraction(0))
    value = hhi(positive)
    if value is None:
        return ConcentrationMetrics(
            weighting=weighting,
            total=0.0,
            suppliers=0,
            hhi=None,
            cr1=None,
            cr3=None,
            effective_suppliers=None,
            band_2023=None,
            band_2010=None,
        )
    return ConcentrationMetrics(
        weighting=weighting,
        total=float(total),
        suppliers=len(positive),
        hhi=value,
        cr1=float(100 * positive[0] / total),
        cr3=float(100 * sum(positive[:3]) / total),
        effective_suppliers=float(total * total / sum(w * w for w in positive)),
        band_2023=concentration_band(value, policy.bands_2023),
        band_2010=concentration_band(value, policy.bands_2010),
    )


def _metrics(
    weights: Iterable[int], scale: int, weighting: Weighting, policy: ConcentrationPolicy
) -> ConcentrationMetrics:
    """:func:`concentration_metrics` of ``w / scale`` for integer ``w``, in integers.

    Every figure but ``total`` is a ratio of the weights, so the scale cancels; each float
    comes from one correctly rounded integer division of the same rational the Fraction
    path rounds, so the result is equal to ``concentration_metrics`` on the fractions.
    """
    positive = sorted((w for w in weights if w > 0), reverse=True)
    if not positive:
        return concentration_metrics({}, weighting, policy=policy)
    total = sum(positive)
    squares = sum(w * w for w in positive)
    value = 10_000 * squares / (total * total)
    if len(positive) > 1 and value >= 10_000.0:
        value = math.nextafter(10_000.0, 0.0)
    values = {  # floats and enums already: 36,000 metrics at 100k, not revalidated
        "weighting": weighting,
        "total": total / scale,
        "suppliers": len(positive),
        "hhi": value,
        "cr1": 100 * positive[0] / total,
        "cr3": 100 * sum(positive[:3]) / total,
        "effective_suppliers": total * total / squares,
        "band_2023": concentration_band(value, policy.bands_2023),
        "band_2010": concentration_band(value, policy.bands_2010),
    }
    return trusted_model(ConcentrationMetrics, values)


def _layer(
    usage: EstateUsage,
    scope: Scope,
    host_groups: tuple[str, ...],
    layer: ProductCategory,
    policy: ConcentrationPolicy,
    index: LayerCells | None = None,
    hosts_in_scope: int | None = None,
) -> LayerConcentration:
    """Shares are exact: a host group's hosts split evenly over its vendors, kept as
    integers over ``scale`` (a multiple of every split) instead of fractions."""
    index = index if index is not None else layer_cells(usage)
    cells = index.cells
    rows: list[tuple[str, Cell]] = []
    unattributed: list[str] = []
    for hg in host_groups:
        found = cells[hg].get(layer)
        if found is None:
            if layer in usage.unattributed.get(hg, frozenset()):
                unattributed.append(hg)
            continue
        rows.append((hg, found))
    scale = math.lcm(*{len(cell.vendors) for _, cell in rows}) if rows else 1
    hosts: dict[str, int] = defaultdict(int)
    critical: dict[str, int] = defaultdict(int)
    exposed: dict[str, int] = defaultdict(int)
    groups: dict[str, list[str]] = defaultdict(list)
    via: dict[str, set[str]] = defaultdict(set)
    provenance: dict[str, dict[int, None]] = defaultdict(dict)
    for hg, cell in rows:
        group = usage.groups[hg]
        part = group.hosts * (scale // len(cell.vendors))
        for vendor in cell.vendors:
            hosts[vendor] += part
            if group.critical:
                critical[vendor] += part
            exposed[vendor] += group.hosts
            groups[vendor].append(hg)
            via[vendor].update(cell.via[vendor])
            provenance[vendor].update(cell.provenance[vendor])
    total = sum(hosts.values())
    total_critical = sum(critical.values())
    shares = [
        VendorShare(
            vendor=vendor,
            name=usage.names.get(vendor, vendor),
            members=usage.members.get(vendor, (vendor,)),
            hosts=hosts[vendor] / scale,
            share=100 * hosts[vendor] / total if total else 0.0,
            critical_hosts=critical[vendor] / scale,
            critical_share=100 * critical[vendor] / total_critical if total_critical else None,
            hosts_exposed=exposed[vendor],
            host_groups=tuple(sorted(groups[vendor])),
            via=tuple(sorted(via[vendor])),
            provenance=index.provenance(provenance[vendor]),
        )
        for vendor in hosts
    ]
    return LayerConcentration(
        scope=scope,
        layer=layer,
        group_level=usage.group_level,
        hosts_in_scope=(
            sum(usage.groups[hg].hosts for hg in host_groups)
            if hosts_in_scope is None
            else hosts_in_scope
        ),
        by_hosts=_metrics(hosts.values(), scale, Weighting.HOSTS, policy),
        by_critical_hosts=_metrics(critical.values(), scale, Weighting.CRITICAL_HOSTS, policy),
        shares=tuple(sorted(shares, key=lambda s: (-s.share, s.vendor))),
        unattributed=tuple(unattributed),
    )


def _layers_of(index: LayerCells, host_groups: Iterable[str]) -> list[ProductCategory]:
    layers: set[ProductCategory] = set()
    for hg in host_groups:
        layers.update(index.layers[hg])
    return sorted(layers, key=lambda layer: layer.value)


def layer_concentrations(
    view: nx.MultiDiGraph,
    *,
    scope_kinds: Iterable[ScopeKind] = tuple(ScopeKind),
    group_level: bool = False,
    policy: ConcentrationPolicy | None = None,
    usage: EstateUsage | None = None,
) -> tuple[LayerConcentration, ...]:
    """Every layer in every scope of ``scope_kinds``, sorted by scope then layer."""
    policy = policy or ConcentrationPolicy()
    usage = usage or estate_usage(view, group_level=group_level)
    index = layer_cells(usage)
    out = []
    for scope, host_groups in scope_members(view, usage, scope_kinds).items():
        scope_hosts = sum(usage.groups[hg].hosts for hg in host_groups)  # once per scope
        for layer in _layers_of(index, host_groups):
            out.append(_layer(usage, scope, host_groups, layer, policy, index, scope_hosts))
    return tuple(out)


def layer_concentration(
    view: nx.MultiDiGraph,
    layer: ProductCategory,
    scope: Scope = ESTATE,
    *,
    group_level: bool = False,
    policy: ConcentrationPolicy | None = None,
) -> LayerConcentration:
    """One layer in one scope (an empty scope gives zero metrics)."""
    usage = estate_usage(view, group_level=group_level)
    members = scope_members(view, usage, [scope.kind]).get(scope, ())
    return _layer(usage, scope, members, layer, policy or ConcentrationPolicy())


def layer_intersections(
    view: nx.MultiDiGraph,
    *,
    scope_kinds: Iterable[ScopeKind] = (ScopeKind.ESTATE, ScopeKind.SECTOR),
    group_level: bool = False,
    policy: ConcentrationPolicy | None = None,
    usage: EstateUsage | None = None,
) -> tuple[LayerIntersection, ...]:
    """Common-mode sets across layers: hosts depending on a vendor in one layer and on a
    vendor (or one of its channels) in another, e.g. "Windows and EDR-A's content
    channel". Sorted by scope, then hosts (most first)."""
    kinds = tuple(scope_kinds)
    if not kinds:
        return ()  # the exposure sets cost a channel closure walk per product
    policy = policy or ConcentrationPolicy()
    usage = usage or estate_usage(view, group_level=group_level)
    vendor_sets, channel_sets = _exposure_sets(view, usage)
    out: list[LayerIntersection] = []
    for scope, host_groups in scope_members(view, usage, kinds).items():
        in_scope = set(host_groups)
        scope_hosts = sum(usage.groups[hg].hosts for hg in host_groups)
        vendors = {k: v & in_scope for k, v in vendor_sets.items() if v & in_scope}
        channels = {k: v & in_scope for k, v in channel_sets.items() if v & in_scope}
        pairs = [(a, b) for a in vendors for b in vendors if a.layer.value < b.layer.value]
        pairs += [(a, b) for a in vendors for b in channels if a.layer is not b.layer]
        sets = {**vendors, **channels}
        for a, b in pairs:
            both = sets[a] & sets[b]
            hosts = sum(usage.groups[hg].hosts for hg in both)
            share = 100 * hosts / scope_hosts if scope_hosts else 0.0
            if not both or share < policy.min_intersection_share:
                continue
            out.append(
                LayerIntersection(
                    scope=scope,
                    a=a,
                    b=b,
                    hosts=hosts,
                    critical_hosts=sum(
                        usage.groups[hg].hosts for hg in both if usage.groups[hg].critical
                    ),
                    share_of_scope=share,
                    share_of_a=_share(usage, hosts, sets[a]),
                    share_of_b=_share(usage, hosts, sets[b]),
                    host_groups=tuple(sorted(both)),
                )
            )
    return tuple(
        sorted(out, key=lambda i: (i.scope.kind, i.scope.key, -i.hosts, _order(i.a), _order(i.b)))
    )


def _share(usage: EstateUsage, hosts: int, groups: set[str]) -> float:
    base = sum(usage.groups[hg].hosts for hg in groups)
    return 100 * hosts / base if base else 0.0


def _order(exposure: ExposureSet) -> tuple[str, str, str]:
    return (exposure.layer.value, exposure.vendor, exposure.channel or "")


def _exposure_sets(
    view: nx.MultiDiGraph, usage: EstateUsage
) -> tuple[dict[ExposureSet, set[str]], dict[ExposureSet, set[str]]]:
    vendors: dict[ExposureSet, set[str]] = defaultdict(set)
    channels: dict[ExposureSet, set[str]] = defaultdict(set)
    reached: dict[str, frozenset[str]] = {}
    updates: dict[str, tuple[str, ...]] = {}  # one closure walk per product, not per use
    for hg, group in usage.groups.items():
        for use in group.uses:
            vendors[ExposureSet(layer=use.layer, vendor=use.vendor)].add(hg)
            if use.via not in updates:
                updates[use.via] = channels_of(view, use.via)
            for channel in updates[use.via]:
                if channel not in reached:
                    reached[channel] = frozenset(channel_host_groups(view, channel))
                if hg in reached[channel]:
                    key = ExposureSet(layer=use.layer, vendor=use.vendor, channel=channel)
                    channels[key].add(hg)
    return vendors, channels
