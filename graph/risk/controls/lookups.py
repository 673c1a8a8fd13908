"""Memoised graph lookups the control rules share: typed nodes, host groups and reach.

One evaluation asks the same questions many times (a host group's reach once per rule,
a product's host groups once per rule, a channel's host groups once per DR pair); each is
answered once here. Reach is read from the estate usage (each host group's operator,
hosts and functions, computed once for concentration) instead of walking the view per
call; it equals :func:`graph.risk.reach.host_groups_reach` field for field.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple, TypeVar

import networkx as nx
from pydantic import BaseModel

from graph.risk.concentration_usage import EstateUsage
from graph.risk.controls.closure import channels_by_software
from graph.risk.reach import (
    Reach,
    channel_host_groups,
    host_group_functions,
    host_group_operator,
    is_critical_function,
    software_host_groups,
    supplier_of,
    typed_node,
)

__all__ = ["GroupFacts", "Lookups"]

M = TypeVar("M", bound=BaseModel)


class GroupFacts(NamedTuple):
    """What one host group adds to a :class:`Reach`."""

    hosts: int
    operator: str | None
    operator_cii: bool
    critical_functions: tuple[str, ...]


class Lookups:
    """Memoised lookups over ``view``; ``usage`` supplies each host group's facts."""

    view: nx.MultiDiGraph

    def usage(self) -> EstateUsage:  # pragma: no cover - provided by RuleContext
        raise NotImplementedError

    def _init_lookups(self) -> None:
        self._typed: dict[tuple[str, type[BaseModel]], Any] = {}
        self._facts: dict[str, GroupFacts] = {}
        self._critical: dict[str, bool] = {}
        self._reach: dict[tuple[str, ...], Reach] = {}
        self._software_groups: dict[str, tuple[str, ...]] = {}
        self._channel_groups: dict[str, tuple[str, ...]] = {}
        self._channel_group_sets: dict[str, frozenset[str]] = {}
        self._product_channels: dict[str, tuple[str, ...]] = {}
        self._channels_indexed = False
        self._suppliers: dict[str, str | None] = {}
        self._operators: dict[str, str | None] = {}

    def typed(self, key: str, model: type[M]) -> M | None:
        """:func:`graph.risk.reach.typed_node`, validated once per node and model."""
        slot = (key, model)
        if slot not in self._typed:
            self._typed[slot] = typed_node(self.view, key, model)
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
            self._software_groups[key] = software_host_groups(self.view, [key])
        return self._software_groups[key]

    def channel_groups(self, channel: str) -> tuple[str, ...]:
        """Host groups ``channel`` reaches (:func:`graph.risk.reach.channel_host_groups`)."""
        if channel not in self._channel_groups:
            self._channel_groups[channel] = channel_host_groups(self.view, channel)
        return self._channel_groups[channel]

    def channel_group_set(self, channel: str) -> frozenset[str]:
        if channel not in self._channel_group_sets:
            self._channel_group_sets[channel] = frozenset(self.channel_groups(channel))
        return self._channel_group_sets[channel]

    def software_channels(self, key: str) -> tuple[str, ...]:
        """Channels updating ``key`` or its CONTAINS/DEPENDS_ON closure: what
        :func:`graph.risk.reach.channels_of` returns, from one reverse walk per channel."""
        if not self._channels_indexed:
            self._channels_indexed = True
            self._product_channels = channels_by_software(self.view)
        return self._product_channels.get(key, ())

    def reach(self, host_groups: Iterable[str]) -> Reach:
        """:func:`graph.risk.reach.host_groups_reach` of ``host_groups``, memoised."""
        groups = tuple(sorted(set(host_groups)))
        found = self._reach.get(groups)
        if found is None:
            found = self._reach[groups] = self._compute_reach(groups)
        return found

    def _compute_reach(self, groups: tuple[str, ...]) -> Reach:
        hosts = critical_hosts = 0
        operators: set[str] = set()
        cii: set[str] = set()
        critical: set[str] = set()
        cii_critical: set[str] = set()
        for group in groups:
            facts = self._group_facts(group)
            hosts += facts.hosts
            if facts.operator is not None:
                operators.add(facts.operator)
                if facts.operator_cii:
                    cii.add(facts.operator)
            if facts.critical_functions:
                critical_hosts += facts.hosts
                critical.update(facts.critical_functions)
                if facts.operator_cii:
                    cii_critical.update(facts.critical_functions)
        # every value is already of the field's type (ints >= 0, sorted string tuples)
        return Reach.model_construct(
            host_groups=groups,
            hosts=hosts,
            critical_hosts=critical_hosts,
            operators=tuple(sorted(operators)),
            cii_operators=tuple(sorted(cii)),
            critical_functions=tuple(sorted(critical)),
            cii_critical_functions=tuple(sorted(cii_critical)),
        )

    def _group_facts(self, group: str) -> GroupFacts:
        facts = self._facts.get(group)
        if facts is not None:
            return facts
        view = self.view
        usage = self.usage().groups.get(group)
        if usage is not None:
            hosts, operator, functions = usage.hosts, usage.operator, usage.functions
        else:
            hosts = int(view.nodes[group].get("host_count") or 0)
            operator = host_group_operator(view, group)
            functions = host_group_functions(view, group)
        operator_cii = (
            operator is not None and operator in view and bool(view.nodes[operator].get("cii"))
        )
        facts = self._facts[group] = GroupFacts(
            hosts=hosts,
            operator=operator,
            operator_cii=operator_cii,
            critical_functions=tuple(f for f in functions if self._is_critical(f)),
        )
        return facts

    def _is_critical(self, function: str) -> bool:
        if function not in self._critical:
            self._critical[function] = is_critical_function(self.view, function)
        return self._critical[function]
