"""Reading the view for the concentration and control analyses, and a simple reach.

The reach here is plain reachability (no rollout, rings or failure semantics: that is
:mod:`graph.risk.blast`): it sizes a finding's severity without waiting for a simulation.
A host group is reached by a channel when it RUNS a product that is, or CONTAINS /
DEPENDS_ON a component that is, UPDATED_VIA the channel, or RUNS_ON a platform updated
via it; a channel that lists ``platforms`` skips host groups on another OS family.

Examples
--------
>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("operator:o", kind="Operator", cii=True)
>>> g.add_node("function:o/f", kind="Function", operator="operator:o", critical=True)
>>> g.add_node("hostgroup:o/h", kind="HostGroup", operator="operator:o", host_count=7)
>>> g.add_node("product:p", kind="Product")
>>> g.add_node("channel:c", kind="UpdateChannel", platforms=[])
>>> _ = g.add_edge("hostgroup:o/h", "product:p", kind="RUNS")
>>> _ = g.add_edge("hostgroup:o/h", "function:o/f", kind="SUPPORTS")
>>> _ = g.add_edge("product:p", "channel:c", kind="UPDATED_VIA")
>>> r = channel_reach(g, "channel:c")
>>> r.hosts, r.cii_operators, r.cii_critical_functions
(7, ('operator:o',), ('function:o/f',))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple, TypeVar

import networkx as nx
from pydantic import BaseModel, ConfigDict, NonNegativeInt

from graph.model import Provenance
from graph.trusted import trusted_model
from graph.vocabulary import EdgeKind, NodeKind, Privilege

__all__ = [
    "GroupFacts",
    "Reach",
    "channel_host_groups",
    "channel_reach",
    "channels_of",
    "declared_platforms",
    "effective_privilege",
    "group_facts",
    "host_group_families",
    "host_group_functions",
    "host_group_operator",
    "host_groups_reach",
    "in_neighbours",
    "is_critical_function",
    "node_provenance",
    "nodes_of_kind",
    "out_neighbours",
    "predecessors_of",
    "reach_of",
    "software_host_groups",
    "successors_of",
    "supplier_of",
    "typed_node",
]

M = TypeVar("M", bound=BaseModel)

_STRUCTURE = frozenset({EdgeKind.CONTAINS.value, EdgeKind.DEPENDS_ON.value})
_SOFTWARE = frozenset({NodeKind.PRODUCT.value, NodeKind.COMPONENT.value})
_SUPPLIER_ROLES = ("supplier", "manufacturer")
_UPDATED_VIA = EdgeKind.UPDATED_VIA.value
_SUPPLIED_BY = EdgeKind.SUPPLIED_BY.value
_RUNS_EDGES = frozenset({EdgeKind.RUNS.value, EdgeKind.RUNS_ON.value})
_HOST_GROUP = NodeKind.HOST_GROUP.value
_NO_EDGES: Mapping[str, Mapping[str, Mapping[str, Any]]] = {}
Adjacency = Mapping[str, Mapping[str, Mapping[str, Any]]]
"""Neighbour -> {edge key: edge attributes}: networkx's own adjacency, read only."""
# most severe first: the privilege a channel inherits from what it updates
_PRIVILEGE_ORDER = (
    Privilege.FIRMWARE,
    Privilege.BOOT_START_DRIVER,
    Privilege.KERNEL,
    Privilege.HYPERVISOR,
    Privilege.SYSTEM_SERVICE,
    Privilege.CLOUD_SERVICE,
    Privilege.USER,
)


class Reach(BaseModel):
    """Host groups reached by a channel or piece of software, and what they carry."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host_groups: tuple[str, ...] = ()
    hosts: NonNegativeInt = 0
    critical_hosts: NonNegativeInt = 0
    operators: tuple[str, ...] = ()
    cii_operators: tuple[str, ...] = ()
    critical_functions: tuple[str, ...] = ()
    cii_critical_functions: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when no host in the estate is reached."""
        return self.hosts == 0


def nodes_of_kind(view: nx.MultiDiGraph, kind: NodeKind) -> list[str]:
    """Keys of every node of ``kind`` (placeholders included), sorted."""
    return sorted(k for k, d in view.nodes(data=True) if d.get("kind") == kind.value)


def successors_of(view: nx.MultiDiGraph, key: str) -> Adjacency:
    """``key``'s outgoing edges as its adjacency (empty for a key not in the view): what
    ``view.out_edges(key, data=True)`` iterates, in the same order, without building an
    edge view per call (the analyses call this hundreds of thousands of times)."""
    found: Adjacency | None = view._succ.get(key)
    return _NO_EDGES if found is None else found


def predecessors_of(view: nx.MultiDiGraph, key: str) -> Adjacency:
    """``key``'s incoming edges as its adjacency: ``view.in_edges(key, data=True)``."""
    found: Adjacency | None = view._pred.get(key)
    return _NO_EDGES if found is None else found


def out_neighbours(view: nx.MultiDiGraph, key: str, kind: EdgeKind) -> list[str]:
    """Targets of ``key``'s outgoing ``kind`` edges, sorted, without duplicates."""
    value = kind.value
    return sorted(
        {
            v
            for v, keyed in successors_of(view, key).items()
            if any(d.get("kind") == value for d in keyed.values())
        }
    )


def in_neighbours(view: nx.MultiDiGraph, key: str, kind: EdgeKind) -> list[str]:
    """Sources of ``key``'s incoming ``kind`` edges, sorted, without duplicates."""
    value = kind.value
    return sorted(
        {
            u
            for u, keyed in predecessors_of(view, key).items()
            if any(d.get("kind") == value for d in keyed.values())
        }
    )


def node_provenance(view: nx.MultiDiGraph, key: str) -> tuple[Provenance, ...]:
    """The documents that asserted ``key`` (empty for a placeholder)."""
    return tuple(view.nodes[key].get("provenance", ()))


def typed_node(view: nx.MultiDiGraph, key: str, model: type[M]) -> M | None:
    """The node as its model record; ``None`` for a placeholder or another kind.

    The view keeps every field of the model (JSON values), so validating them back gives
    enums and typed fields; the first asserting document stands in as provenance.
    """
    data: Mapping[str, Any] = view.nodes[key]
    provenance = data.get("provenance") or ()
    if data.get("placeholder") or not provenance:
        return None
    kind_field = model.model_fields.get("kind")
    if kind_field is None or data.get("kind") != getattr(kind_field.default, "value", None):
        return None
    fields = {k: v for k, v in data.items() if k in model.model_fields}
    fields.update(key=key, provenance=provenance[0])
    return model.model_validate(fields)


def supplier_of(view: nx.MultiDiGraph, key: str) -> str | None:
    """The vendor a product/component/platform is SUPPLIED_BY: role supplier, else
    manufacturer, else any role; ties broken by vendor key."""
    best: tuple[int, str] | None = None
    for vendor, keyed in successors_of(view, key).items():
        for data in keyed.values():
            if data.get("kind") != _SUPPLIED_BY:
                continue
            role = str(data.get("role", ""))
            rank = _SUPPLIER_ROLES.index(role) if role in _SUPPLIER_ROLES else len(_SUPPLIER_ROLES)
            if best is None or (rank, vendor) < best:
                best = (rank, vendor)
    return None if best is None else best[1]


def channels_of(view: nx.MultiDiGraph, key: str) -> tuple[str, ...]:
    """Channels that update ``key`` or anything in its CONTAINS/DEPENDS_ON closure."""
    seen = {key}
    stack = [key]
    channels: set[str] = set()
    nodes = view.nodes
    while stack:
        node = stack.pop()
        for succ, keyed in successors_of(view, node).items():
            for data in keyed.values():
                kind = data.get("kind")
                if kind == _UPDATED_VIA:
                    channels.add(succ)
                elif (
                    kind in _STRUCTURE and succ not in seen and nodes[succ].get("kind") in _SOFTWARE
                ):
                    seen.add(succ)
                    stack.append(succ)
    return tuple(sorted(channels))


def effective_privilege(view: nx.MultiDiGraph, channel: str) -> tuple[Privilege | None, str]:
    """The privilege a channel's payload is interpreted at, and the node declaring it: the
    channel's own ``privilege``, else the most severe one among what it updates."""
    declared = view.nodes[channel].get("privilege")
    if declared:
        return Privilege(declared), channel
    best: tuple[int, str] | None = None
    for key in in_neighbours(view, channel, EdgeKind.UPDATED_VIA):
        raw = view.nodes[key].get("privilege")
        if raw:
            candidate = (_PRIVILEGE_ORDER.index(Privilege(raw)), key)
            best = candidate if best is None else min(best, candidate)
    if best is None:
        return None, channel
    return _PRIVILEGE_ORDER[best[0]], best[1]


def host_group_operator(view: nx.MultiDiGraph, host_group: str) -> str | None:
    """The operator of a host group: its ``operator`` field, else an OPERATES edge."""
    operator = view.nodes[host_group].get("operator")
    if operator:
        return str(operator)
    operators = in_neighbours(view, host_group, EdgeKind.OPERATES)
    return operators[0] if operators else None


def host_group_functions(view: nx.MultiDiGraph, host_group: str) -> tuple[str, ...]:
    """Functions the host group SUPPORTS, sorted."""
    return tuple(out_neighbours(view, host_group, EdgeKind.SUPPORTS))


def is_critical_function(view: nx.MultiDiGraph, function: str) -> bool:
    """A function counts as critical unless declared otherwise (the model's default)."""
    return bool(view.nodes[function].get("critical", True))


def host_group_families(view: nx.MultiDiGraph, host_group: str) -> frozenset[str]:
    """OS families of the platforms a host group runs on (empty when unknown)."""
    return frozenset(
        str(view.nodes[p]["family"]).lower()
        for p in _platforms_of(view, host_group)
        if view.nodes[p].get("family")
    )


def _platforms_of(view: nx.MultiDiGraph, host_group: str) -> set[str]:
    platforms = set(out_neighbours(view, host_group, EdgeKind.RUNS_ON))
    declared = view.nodes[host_group].get("platform")
    if declared and declared in view:
        platforms.add(str(declared))
    return platforms


def declared_platforms(view: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Host groups by the node their ``platform`` field names (one scan of the view)."""
    out: dict[str, list[str]] = {}
    for key, data in view.nodes(data=True):
        platform = data.get("platform")
        if platform is not None and data.get("kind") == _HOST_GROUP:
            out.setdefault(platform, []).append(key)
    return out


def software_host_groups(
    view: nx.MultiDiGraph,
    keys: Iterable[str],
    declared: Mapping[str, Iterable[str]] | None = None,
) -> tuple[str, ...]:
    """Host groups that run (RUNS, or RUNS_ON for platforms) any of ``keys``, or a product
    whose CONTAINS/DEPENDS_ON closure holds one of them. ``declared`` may pass
    :func:`declared_platforms` of the view, kept across calls."""
    keys_given = set(keys)
    seen = set(keys_given)
    stack = list(seen)
    groups: set[str] = set()
    nodes = view._node  # the attribute dicts, without a NodeView lookup per edge
    while stack:
        node = stack.pop()
        for pred, keyed in predecessors_of(view, node).items():
            pred_kind = nodes[pred].get("kind")
            for data in keyed.values():
                kind = data.get("kind")
                if kind in _STRUCTURE and pred_kind in _SOFTWARE and pred not in seen:
                    seen.add(pred)
                    stack.append(pred)
                elif kind in _RUNS_EDGES and pred_kind == _HOST_GROUP:
                    groups.add(pred)
    # a host group may name its platform only in its `platform` field; the closure above
    # adds only products and components, so that scan of every node is needed only when
    # a key given is something else (a platform) - not on the per-product calls of the
    # control rules, where it made the rules quadratic in the estate
    if not all(k in view and view.nodes[k].get("kind") in _SOFTWARE for k in keys_given):
        if declared is not None:
            for key in seen:
                groups.update(declared.get(key, ()))
            return tuple(sorted(groups))
        for key, data in view.nodes(data=True):
            if data.get("kind") == NodeKind.HOST_GROUP.value and data.get("platform") in seen:
                groups.add(key)
    return tuple(sorted(groups))


def channel_host_groups(
    view: nx.MultiDiGraph,
    channel: str,
    families: dict[str, frozenset[str]] | None = None,
    declared: Mapping[str, Iterable[str]] | None = None,
) -> tuple[str, ...]:
    """Host groups a channel reaches (see the module docstring), sorted. ``families``, when
    given, memoises :func:`host_group_families` across calls (on an unchanged view);
    ``declared`` is :func:`declared_platforms` of the view."""
    updated = in_neighbours(view, channel, EdgeKind.UPDATED_VIA)
    platforms = {str(p).lower() for p in view.nodes[channel].get("platforms") or ()}
    groups = software_host_groups(view, updated, declared)
    if not platforms:
        return groups
    memo = {} if families is None else families
    out = []
    for g in groups:
        found = memo.get(g)
        if found is None:
            found = memo[g] = host_group_families(view, g)
        if not found or found & platforms:
            out.append(g)
    return tuple(out)


class GroupFacts(NamedTuple):
    """What one host group adds to a :class:`Reach`."""

    hosts: int
    operator: str | None
    operator_cii: bool
    critical_functions: tuple[str, ...]


def group_facts(view: nx.MultiDiGraph, group: str) -> GroupFacts:
    """A host group's hosts, operator (and whether it is CII) and critical functions."""
    operator = host_group_operator(view, group)
    return GroupFacts(
        hosts=int(view.nodes[group].get("host_count") or 0),
        operator=operator,
        operator_cii=operator is not None
        and operator in view
        and bool(view.nodes[operator].get("cii")),
        critical_functions=tuple(
            f for f in host_group_functions(view, group) if is_critical_function(view, f)
        ),
    )


def host_groups_reach(view: nx.MultiDiGraph, host_groups: Iterable[str]) -> Reach:
    """Hosts, operators and critical functions behind ``host_groups``."""
    groups = tuple(sorted(set(host_groups)))
    return reach_of(groups, [group_facts(view, g) for g in groups])


def reach_of(groups: tuple[str, ...], facts: Iterable[GroupFacts]) -> Reach:
    """The :class:`Reach` of sorted, distinct ``groups`` from each one's facts, in order."""
    hosts = critical_hosts = 0
    operators: set[str] = set()
    cii: set[str] = set()
    critical: set[str] = set()
    cii_critical: set[str] = set()
    for fact in facts:
        hosts += fact.hosts
        if fact.operator is not None:
            operators.add(fact.operator)
            if fact.operator_cii:
                cii.add(fact.operator)
        if fact.critical_functions:
            critical_hosts += fact.hosts
            critical.update(fact.critical_functions)
            if fact.operator_cii:
                cii_critical.update(fact.critical_functions)
    # every value already has its field's type (ints >= 0, sorted tuples of strings)
    return trusted_model(
        Reach,
        {
            "host_groups": groups,
            "hosts": hosts,
            "critical_hosts": critical_hosts,
            "operators": tuple(sorted(operators)),
            "cii_operators": tuple(sorted(cii)),
            "critical_functions": tuple(sorted(critical)),
            "cii_critical_functions": tuple(sorted(cii_critical)),
        },
        REACH_FIELDS_SET,
    )


REACH_FIELDS_SET = set(Reach.model_fields)
"""The fields-set every :class:`Reach` made here shares: the records are frozen and
pydantic copies the set before changing one (``model_copy``), so it never changes."""


def channel_reach(view: nx.MultiDiGraph, channel: str) -> Reach:
    """The :class:`Reach` of a channel (plain reachability, no rollout semantics)."""
    return host_groups_reach(view, channel_host_groups(view, channel))
