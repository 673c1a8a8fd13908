"""Who depends on which vendor in which layer, and which host groups make up each scope.

Layers come from the product ``category`` (a host group RUNS the product) and from the
platform kind (a host group RUNS_ON an os/hypervisor/cloud platform). The vendor is the
product's or platform's SUPPLIED_BY vendor (role supplier, else manufacturer, else any),
collapsed to its top ``parent`` when ``group_level`` is asked for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import networkx as nx

from graph.keys import key_for
from graph.model import Provenance
from graph.risk.concentration_models import (
    CoverageGap,
    HostGroupUsage,
    Scope,
    ScopeKind,
    VendorUse,
)
from graph.risk.reach import (
    host_group_operator,
    nodes_of_kind,
    out_neighbours,
    successors_of,
    supplier_of,
)
from graph.trusted import trusted_model
from graph.vocabulary import EdgeKind, NodeKind, ProductCategory

__all__ = [
    "ESTATE",
    "EstateUsage",
    "estate_usage",
    "operator_sectors",
    "scope_members",
    "vendor_group",
]

ESTATE = Scope(kind=ScopeKind.ESTATE, key="estate", name="estate")

_RUNS_ON = EdgeKind.RUNS_ON.value
_RUNS = EdgeKind.RUNS.value
_SUPPORTS = EdgeKind.SUPPORTS.value


_PLATFORM_LAYER = {
    "os": ProductCategory.OS,
    "hypervisor": ProductCategory.HYPERVISOR,
    "cloud": ProductCategory.CLOUD,
}


@dataclass(frozen=True)
class EstateUsage:
    """Every host group's vendor uses, the vendor names and what could not be attributed."""

    groups: Mapping[str, HostGroupUsage]
    unattributed: Mapping[str, frozenset[ProductCategory]]
    names: Mapping[str, str]
    members: Mapping[str, tuple[str, ...]]
    gaps: tuple[CoverageGap, ...]
    group_level: bool


def vendor_use(
    layer: ProductCategory, vendor: str, via: str, provenance: tuple[Provenance, ...]
) -> VendorUse:
    """``VendorUse(layer=..., vendor=..., via=..., provenance=...)`` without revalidating
    (150,000 uses at 100k)."""
    values = {"layer": layer, "vendor": vendor, "via": via, "provenance": provenance}
    return trusted_model(VendorUse, values)


def host_group_usage(
    host_group: str,
    operator: str | None,
    hosts: int,
    functions: tuple[str, ...],
    critical: bool,
    uses: tuple[VendorUse, ...],
) -> HostGroupUsage:
    """``HostGroupUsage(...)`` without revalidating (``hosts`` >= 0)."""
    values = {
        "host_group": host_group,
        "operator": operator,
        "hosts": hosts,
        "functions": functions,
        "critical": critical,
        "uses": uses,
    }
    return trusted_model(HostGroupUsage, values)


def vendor_group(view: nx.MultiDiGraph, vendor: str) -> str:
    """The top of ``vendor``'s ``parent`` chain (itself when it has no parent)."""
    seen = {vendor}
    current = vendor
    while current in view and (parent := view.nodes[current].get("parent")):
        if parent in seen:  # a cycle in parent data: stop where it closes
            break
        seen.add(str(parent))
        current = str(parent)
    return current


def _edge_provenance(view: nx.MultiDiGraph, u: str, v: str, kind: EdgeKind) -> list[Provenance]:
    out: list[Provenance] = []
    for data in (view.get_edge_data(u, v) or {}).values():
        if data.get("kind") == kind.value:
            out.extend(data.get("provenance", ()))
    return out


def _supplied(view: nx.MultiDiGraph, software: str) -> tuple[str | None, list[Provenance]]:
    vendor = supplier_of(view, software)
    if vendor is None:
        return None, []
    return vendor, _edge_provenance(view, software, vendor, EdgeKind.SUPPLIED_BY)


class _Target(NamedTuple):
    """What a product or platform gives every host group running it (resolved once)."""

    layer: ProductCategory | None  # None: no category / platform_kind (a gap)
    vendor: str | None  # the vendor key (its group with group_level); None: no supplier
    provenance: tuple[Provenance, ...]  # of the SUPPLIED_BY link


def estate_usage(view: nx.MultiDiGraph, *, group_level: bool = False) -> EstateUsage:
    """Vendor uses of every host group in the view (placeholders are reported as gaps)."""
    groups: dict[str, HostGroupUsage] = {}
    unattributed: dict[str, set[ProductCategory]] = defaultdict(set)
    members: dict[str, set[str]] = defaultdict(set)
    gaps: set[CoverageGap] = set()
    # layer and supplier resolved once per platform and per product, not per host group
    targets: tuple[dict[str, _Target], dict[str, _Target]] = ({}, {})
    nodes = view._node  # the attribute dicts, without a NodeView lookup per node
    for hg in nodes_of_kind(view, NodeKind.HOST_GROUP):
        data = nodes[hg]
        if data.get("placeholder"):
            gaps.add(CoverageGap(subject=hg, reason="host group asserted by no document"))
            continue
        found: list[tuple[str, str, str, int, ProductCategory, tuple[Provenance, ...]]] = []
        platforms, products, supports = _links(view, hg, data)
        for rank, links in enumerate((platforms, products)):  # platforms first on a tie
            memo = targets[rank == 0]
            for via, edge_prov in links.items():
                target = memo.get(via)
                if target is None:
                    target = memo[via] = _target(view, via, rank == 0, group_level, gaps, members)
                layer, vendor = target.layer, target.vendor
                if layer is None:
                    continue
                if vendor is None:
                    unattributed[hg].add(layer)
                    continue
                prov = _merged(edge_prov, target.provenance)
                found.append((layer.value, vendor, via, rank, layer, prov))
        # by (layer, vendor, via); a key both a platform and a product of the group (the
        # one tie possible) platform first
        found.sort()
        functions = tuple(supports)  # what host_group_functions gives
        operator = data.get("operator")
        groups[hg] = host_group_usage(
            hg,
            str(operator) if operator else host_group_operator(view, hg),
            _hosts(data.get("host_count")),
            functions,
            any(nodes[f].get("critical", True) for f in functions),
            tuple(vendor_use(layer, vendor, via, prov) for _, vendor, via, _, layer, prov in found),
        )
    names = {
        vendor: str(view.nodes[vendor].get("name") or vendor) if vendor in view else vendor
        for vendor in members
    }
    return EstateUsage(
        groups=groups,
        unattributed={k: frozenset(v) for k, v in unattributed.items()},
        names=names,
        members={k: tuple(sorted(v)) for k, v in members.items()},
        gaps=tuple(sorted(gaps, key=lambda g: (g.subject, g.reason))),
        group_level=group_level,
    )


def _merged(edge: list[Provenance], supplied: tuple[Provenance, ...]) -> tuple[Provenance, ...]:
    """The link's records then the supplier link's, each once (first place kept)."""
    if not supplied:
        return tuple(dict.fromkeys(edge)) if len(edge) > 1 else tuple(edge)
    if len(edge) == 1 and len(supplied) == 1:  # the common case: compare, do not hash
        a, b = edge[0], supplied[0]
        return (a,) if _same(a, b) else (a, b)
    return tuple(dict.fromkeys([*edge, *supplied]))


def _same(a: Provenance, b: Provenance) -> bool:
    """``a == b`` as pydantic compares records (type, fields, extra and private values),
    without its general ``__eq__``."""
    return a is b or (
        type(a) is type(b)
        and a.__dict__ == b.__dict__
        and a.__pydantic_extra__ == b.__pydantic_extra__
        and a.__pydantic_private__ == b.__pydantic_private__
    )


def _target(
    view: nx.MultiDiGraph,
    via: str,
    is_platform: bool,
    group_level: bool,
    gaps: set[CoverageGap],
    members: dict[str, set[str]],
) -> _Target:
    """The layer and vendor of a platform (by ``platform_kind``) or product (by
    ``category``), noting a gap when either is missing."""
    layer: ProductCategory | None
    if is_platform:
        layer = _PLATFORM_LAYER.get(str(view.nodes[via].get("platform_kind")))
        if layer is None:
            gaps.add(CoverageGap(subject=via, reason="platform without platform_kind"))
            return _Target(None, None, ())
    else:
        category = view.nodes[via].get("category")
        if not category:
            gaps.add(CoverageGap(subject=via, reason="product without category"))
            return _Target(None, None, ())
        layer = ProductCategory(category)
    vendor, supply_prov = _supplied(view, via)
    if vendor is None:
        gaps.add(CoverageGap(subject=via, reason="no SUPPLIED_BY vendor"))
        return _Target(layer, None, ())
    key = vendor_group(view, vendor) if group_level else vendor
    members[key].add(vendor)
    return _Target(layer, key, tuple(supply_prov))


def _hosts(count: Any) -> int:
    """``host_count`` as the validated model's NonNegativeInt (an error for bad data)."""
    hosts = int(count or 0)
    if hosts < 0:
        raise ValueError(f"host_count {hosts} is negative")
    return hosts


def _links(
    view: nx.MultiDiGraph, hg: str, data: Mapping[str, Any]
) -> tuple[dict[str, list[Provenance]], dict[str, list[Provenance]], list[str]]:
    """The host group's platforms (RUNS_ON targets, and the node its ``platform`` field
    names, with the group's own provenance) and products (RUNS targets), each with the
    provenance of its links, and the functions it SUPPORTS (sorted): one pass over its
    outgoing edges (``data``: its attributes)."""
    runs_on: dict[str, list[Provenance]] = {}
    runs: dict[str, list[Provenance]] = {}
    supports: set[str] = set()
    for target, keyed in successors_of(view, hg).items():
        for edge in keyed.values():
            kind = edge.get("kind")
            if kind == _RUNS_ON:
                runs_on.setdefault(target, []).extend(edge.get("provenance", ()))
            elif kind == _RUNS:
                runs.setdefault(target, []).extend(edge.get("provenance", ()))
            elif kind == _SUPPORTS:
                supports.add(target)
    declared = data.get("platform")
    if declared and declared in view and declared not in runs_on:
        runs_on[str(declared)] = list(data.get("provenance", ()))
    return runs_on, runs, sorted(supports)


def operator_sectors(view: nx.MultiDiGraph, operator: str) -> tuple[str, ...]:
    """Sector keys of an operator: IN_SECTOR edges plus its ``sectors`` field (a bare
    name becomes ``sector:<name>``)."""
    sectors = set(out_neighbours(view, operator, EdgeKind.IN_SECTOR))
    for raw in view.nodes[operator].get("sectors") or ():
        text = str(raw)
        sectors.add(text if text.startswith("sector:") else key_for(NodeKind.SECTOR, text))
    return tuple(sorted(sectors))


def _name(view: nx.MultiDiGraph, key: str) -> str:
    return str(view.nodes[key].get("name") or key) if key in view else key.partition(":")[2]


def scope_members(
    view: nx.MultiDiGraph, usage: EstateUsage, kinds: Iterable[ScopeKind]
) -> dict[Scope, tuple[str, ...]]:
    """Host groups of every scope of the requested kinds, sorted (empty scopes omitted)."""
    wanted = set(kinds)
    by_operator: dict[str, list[str]] = defaultdict(list)
    for hg, group in usage.groups.items():
        if group.operator is not None:
            by_operator[group.operator].append(hg)
    members: dict[Scope, list[str]] = defaultdict(list)
    if ScopeKind.ESTATE in wanted:
        members[ESTATE] = list(usage.groups)
    for operator, hgs in by_operator.items():
        if ScopeKind.OPERATOR in wanted:
            members[Scope(kind=ScopeKind.OPERATOR, key=operator, name=_name(view, operator))] = hgs
        if operator not in view:
            continue
        if ScopeKind.SECTOR in wanted:
            for sector in operator_sectors(view, operator):
                members[Scope(kind=ScopeKind.SECTOR, key=sector, name=_name(view, sector))] += hgs
        if ScopeKind.JURISDICTION in wanted:
            for code in view.nodes[operator].get("jurisdictions") or ():
                scope = Scope(kind=ScopeKind.JURISDICTION, key=f"jurisdiction:{code}", name=code)
                members[scope] += hgs
    if ScopeKind.FUNCTION in wanted:
        for hg, group in usage.groups.items():
            for function in group.functions:
                scope = Scope(kind=ScopeKind.FUNCTION, key=function, name=_name(view, function))
                members[scope].append(hg)
    return {
        scope: tuple(sorted(set(hgs)))
        for scope, hgs in sorted(members.items(), key=lambda kv: (kv[0].kind, kv[0].key))
        if hgs
    }
