"""Memoised graph lookups the control rules share: typed nodes, host groups and reach.

One evaluation asks the same questions many times (a host group's reach once per rule,
a product's host groups once per rule, a channel's host groups once per DR pair); each is
answered once here. Reach is read from the estate usage (each host group's operator,
hosts and functions, computed once for concentration) instead of walking the view per
call; it equals :func:`graph.risk.reach.host_groups_reach` field for field.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import networkx as nx
from pydantic import BaseModel

from graph.risk.concentration_models import HostGroupUsage
from graph.risk.concentration_usage import EstateUsage
from graph.risk.controls.closure import channels_by_software
from graph.risk.controls.fastreach import ReachTable
from graph.risk.reach import (
    GroupFacts,
    Reach,
    channel_host_groups,
    group_facts,
    host_group_operator,
    in_neighbours,
    is_critical_function,
    reach_of,
    software_host_groups,
    supplier_of,
)
from graph.vocabulary import EdgeKind

if TYPE_CHECKING:
    from graph.risk.controls.fastclosure import SnapshotChannels
    from graph.risk.controls.fastgroups import SnapshotGroups
    from graph.risk.snapshot import Snapshot

__all__ = ["Lookups"]

_TABLE_REACH = 48
"""Sets of at least this many host groups are summed as arrays (:mod:`.fastreach`)."""

M = TypeVar("M", bound=BaseModel)


class Lookups(ABC):
    """Memoised lookups over ``view``; ``usage`` supplies each host group's facts."""

    view: nx.MultiDiGraph

    @abstractmethod
    def usage(self) -> EstateUsage:
        """The estate usage of ``view`` (computed once by the subclass)."""

    def _init_lookups(self, snapshot: Snapshot | None = None) -> None:
        """``snapshot``, the compiled snapshot of ``view`` when the caller has one, answers
        the host-group walks (:mod:`graph.risk.controls.fastgroups`)."""
        self._fast: SnapshotGroups | None = None
        if snapshot is not None:
            # numba on demand: a CLI run as a user who cannot write the cache must not
            # compile (or fail to cache) kernels it never calls
            from graph.risk.controls.fastgroups import SnapshotGroups  # noqa: PLC0415

            if SnapshotGroups.fits(snapshot, self.view):
                self._fast = SnapshotGroups(snapshot, self.view)
        self._typed: dict[tuple[str, type[BaseModel]], Any] = {}
        self._facts: dict[str, GroupFacts] = {}
        self._critical: dict[str, bool] = {}
        self._reach: dict[tuple[str, ...], Reach] = {}
        self._group_reach: dict[str, Reach] = {}
        self._runners: dict[str, tuple[str, ...]] = {}
        self._containers: dict[str, tuple[str, ...]] = {}
        self._software_groups: dict[str, tuple[str, ...]] = {}
        self._channel_groups: dict[str, tuple[str, ...]] = {}
        self._channel_group_sets: dict[str, frozenset[str]] = {}
        self._product_channels: dict[str, tuple[str, ...]] = {}
        self._snapshot_channels: SnapshotChannels | None = None
        self._view_channels: dict[str, tuple[str, ...]] | None = None
        self._suppliers: dict[str, str | None] = {}
        self._table: ReachTable | None = None
        self._operators: dict[str, str | None] = {}
        self._cii: dict[str | None, bool] = {}

    def walk_snapshot(self) -> Snapshot | None:
        """The compiled snapshot of ``view`` when the caller passed one that fits it."""
        return None if self._fast is None else self._fast.snapshot

    def typed(self, key: str, model: type[M]) -> M | None:
        """:func:`graph.risk.reach.typed_node`, validated once per node and model."""
        slot = (key, model)
        if slot not in self._typed:
            self._typed[slot] = _typed_node(self.view, key, model)
        found: M | None = self._typed[slot]
        return found

    def operator_of(self, host_group: str) -> str | None:
        """:func:`graph.risk.reach.host_group_operator`, from the estate usage when it
        lists the group."""
        if host_group not in self._operators:
            group = self.usage().groups.get(host_group)
            self._operators[host_group] = (
                group.operator if group is not None else host_group_operator(self.view, host_group)
            )
        return self._operators[host_group]

    def supplier(self, key: str) -> str | None:
        """:func:`graph.risk.reach.supplier_of`, once per node."""
        if key not in self._suppliers:
            self._suppliers[key] = supplier_of(self.view, key)
        return self._suppliers[key]

    def software_groups(self, key: str) -> tuple[str, ...]:
        """Host groups running ``key`` (:func:`graph.risk.reach.software_host_groups`)."""
        if key not in self._software_groups:
            self._software_groups[key] = (
                software_host_groups(self.view, [key])
                if self._fast is None
                else self._fast.software_groups([key])
            )
        return self._software_groups[key]

    def containers(self, key: str) -> tuple[str, ...]:
        """What CONTAINS ``key`` (:func:`graph.risk.reach.in_neighbours` over CONTAINS)."""
        found = self._containers.get(key)
        if found is None:
            fast = None if self._fast is None else self._fast.containers(key)
            found = self._containers[key] = (
                tuple(in_neighbours(self.view, key, EdgeKind.CONTAINS)) if fast is None else fast
            )
        return found

    def boot_candidates(self) -> list[str] | None:
        """Keys of products and components that may start at boot (a superset of those
        that do; None without a snapshot: scan every node)."""
        if self._fast is None:
            return None
        keys = self._fast.snapshot.keys
        return [keys[i] for i in self._fast.boot_candidates()]

    def runners(self, key: str) -> tuple[str, ...]:
        """What RUNS ``key`` (:func:`graph.risk.reach.in_neighbours` over RUNS), once."""
        found = self._runners.get(key)
        if found is None:
            found = self._runners[key] = (
                tuple(in_neighbours(self.view, key, EdgeKind.RUNS))
                if self._fast is None
                else self._fast.runners(key)
            )
        return found

    def channel_groups(self, channel: str) -> tuple[str, ...]:
        """Host groups ``channel`` reaches (:func:`graph.risk.reach.channel_host_groups`)."""
        if channel not in self._channel_groups:
            self._channel_groups[channel] = (
                channel_host_groups(self.view, channel)
                if self._fast is None
                else self._fast.channel_groups(channel)
            )
        return self._channel_groups[channel]

    def channel_group_set(self, channel: str) -> frozenset[str]:
        if channel not in self._channel_group_sets:
            self._channel_group_sets[channel] = frozenset(self.channel_groups(channel))
        return self._channel_group_sets[channel]

    def software_channels(self, key: str) -> tuple[str, ...]:
        """Channels updating ``key`` or its CONTAINS/DEPENDS_ON closure: what
        :func:`graph.risk.reach.channels_of` returns, from one reverse walk per channel
        (compiled over the snapshot when there is one)."""
        found = self._product_channels.get(key)
        if found is not None:
            return found
        if self._fast is not None:
            if self._snapshot_channels is None:
                from graph.risk.controls.fastclosure import snapshot_channels  # noqa: PLC0415

                self._snapshot_channels = snapshot_channels(self._fast.snapshot)
            if self._snapshot_channels.covers(key):
                found = self._product_channels[key] = self._snapshot_channels.channels(key)
                return found
        if self._view_channels is None:
            self._view_channels = channels_by_software(self.view)
        return self._view_channels.get(key, ())

    def group_reach(self, host_group: str) -> Reach:
        """``reach([host_group])`` (the same record), looked up by the key itself."""
        found = self._group_reach.get(host_group)
        if found is None:
            found = self._group_reach[host_group] = self.reach([host_group])
        return found

    def reach(self, host_groups: Iterable[str]) -> Reach:
        """:func:`graph.risk.reach.host_groups_reach` of ``host_groups``, memoised."""
        if type(host_groups) is list and len(host_groups) == 1:  # one group: most calls
            groups: tuple[str, ...] = (host_groups[0],)
        else:
            groups = tuple(sorted(set(host_groups)))
        found = self._reach.get(groups)
        if found is None:
            found = self._reach[groups] = self._compute_reach(groups)
        return found

    def _compute_reach(self, groups: tuple[str, ...]) -> Reach:
        if len(groups) >= _TABLE_REACH:
            table = self._reach_table()
            if table.covers(groups):
                return table.reach(groups)
        return reach_of(groups, map(self._group_facts, groups))

    def _reach_table(self) -> ReachTable:
        """Every host group of the estate usage as columns (built on the first large set)."""
        if self._table is None:
            groups = list(self.usage().groups)
            self._table = ReachTable(groups, [self._group_facts(g) for g in groups])
        return self._table

    def _group_facts(self, group: str) -> GroupFacts:
        facts = self._facts.get(group)
        if facts is None:
            usage = self.usage().groups.get(group)
            facts = self._facts[group] = (
                group_facts(self.view, group) if usage is None else self._usage_facts(usage)
            )
        return facts

    def _usage_facts(self, usage: HostGroupUsage) -> GroupFacts:
        """:func:`graph.risk.reach.group_facts` from the estate usage's record."""
        operator = usage.operator
        cii = self._cii.get(operator)
        if cii is None:
            data = None if operator is None else self.view._node.get(operator)
            cii = self._cii[operator] = data is not None and bool(data.get("cii"))
        critical = self._critical
        return GroupFacts(
            hosts=usage.hosts,
            operator=operator,
            operator_cii=cii,
            critical_functions=tuple(
                [
                    f
                    for f in usage.functions
                    if (critical[f] if f in critical else self._is_critical(f))
                ]
            ),
        )

    def _is_critical(self, function: str) -> bool:
        if function not in self._critical:
            self._critical[function] = is_critical_function(self.view, function)
        return self._critical[function]


def _typed_node(view: nx.MultiDiGraph, key: str, model: type[M]) -> M | None:
    """:func:`graph.risk.reach.typed_node`, with the model's field names and kind read once
    per model rather than once per attribute of every node (20,000 host groups at 100k)."""
    data: dict[str, Any] = view._node[key]  # networkx's attribute dicts, read only
    provenance = data.get("provenance") or ()
    if data.get("placeholder") or not provenance:
        return None
    names, kinded, kind = _model_facts(model)
    if not kinded or data.get("kind") != kind:
        return None
    fields = {k: v for k, v in data.items() if k in names}
    fields.update(key=key, provenance=provenance[0])
    return model.model_validate(fields)


_FACTS: dict[type[BaseModel], tuple[frozenset[str], bool, Any]] = {}


def _model_facts(model: type[BaseModel]) -> tuple[frozenset[str], bool, Any]:
    """A model's field names, whether it has a ``kind`` field, and that field's default's
    value."""
    found = _FACTS.get(model)
    if found is None:
        fields = model.model_fields
        kind_field = fields.get("kind")
        kind = None if kind_field is None else getattr(kind_field.default, "value", None)
        found = _FACTS[model] = (frozenset(fields), kind_field is not None, kind)
    return found
