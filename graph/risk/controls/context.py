"""What a rule reads: the view, the policies, typed channel facts and reach, memoised."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import networkx as nx

from graph.model import Provenance, UpdateChannelNode
from graph.risk.concentration_models import ConcentrationPolicy, ConcentrationReport
from graph.risk.concentration_usage import EstateUsage, estate_usage
from graph.risk.controls.base import (
    Control,
    ControlsPolicy,
    EvidenceValue,
    FindingStatus,
    RuleSubject,
    Tristate,
    grade,
    shift,
)
from graph.risk.controls.lookups import Lookups
from graph.risk.controls.records import (
    OPTIONAL_STR,
    PLAIN_TYPES,
    EvidenceItem,
    FindingItem,
    evidence_item,
    finding_item,
    node_evidence,
    plain_provenance,
)
from graph.risk.reach import (
    Reach,
    effective_privilege,
    in_neighbours,
    node_provenance,
    out_neighbours,
)
from graph.vocabulary import ChannelKind, EdgeKind, NodeKind, Privilege, Rollback, Severity

if TYPE_CHECKING:
    from graph.risk.snapshot import Snapshot

__all__ = ["CONTENT_KINDS", "ChannelFacts", "RuleContext", "evidence_value"]

T = TypeVar("T")

CONTENT_KINDS = frozenset({ChannelKind.CONTENT, ChannelKind.SIGNATURES, ChannelKind.POLICY})
"""Channels that ship data an engine interprets rather than code (controls.md SR-06)."""

_KERNEL_INTERPRETED = frozenset({Privilege.KERNEL, Privilege.BOOT_START_DRIVER})


def evidence_value(value: Any) -> EvidenceValue:
    """An attribute value as evidence: enums by value, sequences joined."""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list | tuple):
        return ", ".join(str(evidence_value(v)) for v in value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


@dataclass(frozen=True)
class ChannelFacts:
    """A channel's declared attributes plus what the view says around it."""

    key: str
    name: str
    node: UpdateChannelNode | None
    privilege: Privilege | None
    privilege_source: str
    vendor: str | None
    reach: Reach
    products: tuple[str, ...]
    siblings: tuple[str, ...]

    def value(self, attribute: str) -> Any:
        """The declared value, ``None`` when undeclared or the channel is a placeholder."""
        return None if self.node is None else getattr(self.node, attribute)

    @property
    def kind(self) -> ChannelKind | None:
        return None if self.node is None else self.node.channel_kind

    @property
    def host_fatal(self) -> Tristate:
        """A failure at this channel's privilege takes the host down."""
        return None if self.privilege is None else self.privilege.takes_host_down

    @property
    def kernel_interpreted(self) -> Tristate:
        return None if self.privilege is None else self.privilege in _KERNEL_INTERPRETED

    @property
    def content_like(self) -> Tristate:
        return None if self.kind is None else self.kind in CONTENT_KINDS

    @property
    def irreversible(self) -> bool:
        return self.value("rollback") is Rollback.IMPOSSIBLE


class RuleContext(Lookups):
    """The view and policies every rule of one evaluation shares, with memoised lookups."""

    def __init__(
        self,
        view: nx.MultiDiGraph,
        *,
        policy: ControlsPolicy,
        concentration_policy: ConcentrationPolicy,
        as_of: date,
        usage: EstateUsage | None = None,
        concentration: ConcentrationReport | None = None,
        snapshot: Snapshot | None = None,
    ) -> None:
        """``usage`` and ``concentration`` may pass ``estate_usage(view)`` and
        ``concentration_report(view, policy=concentration_policy, controls_policy=policy)``
        when the caller already has them (vendor level, not group level); ``snapshot``
        the compiled snapshot of ``view`` (``graph.risk.ranking_engine.view_snapshot``)."""
        self.view = view
        self.policy = policy
        self.concentration_policy = concentration_policy
        self.as_of = as_of
        self._memo: dict[tuple[str, ...], Any] = {}
        self._provenance: dict[str, tuple[Provenance, ...] | Literal[False]] = {}
        self._severities: dict[tuple[Any, ...], Severity] = {}
        self._reach_facts: dict[int, tuple[Reach, bool, bool, bool]] = {}
        self._names: dict[str, str] = {}
        self._asks: dict[tuple[str, tuple[str, ...]], str] = {}
        self._evidence: dict[tuple[str, str], EvidenceItem] = {}
        self._init_lookups(snapshot)
        if usage is not None and not usage.group_level:
            self._memo[("usage",)] = usage
        self.concentration: ConcentrationReport | None = None
        self.use_concentration(concentration)

    def use_concentration(self, concentration: ConcentrationReport | None) -> None:
        """Give the rules the vendor-level concentration findings the caller has."""
        self.concentration = (
            concentration if concentration is not None and not concentration.group_level else None
        )

    def memo(self, key: tuple[str, ...], factory: Callable[[], T]) -> T:
        """``factory()`` computed once per context for ``key``."""
        if key not in self._memo:
            self._memo[key] = factory()
        result: T = self._memo[key]
        return result

    def nodes(self, kind: NodeKind) -> list[str]:
        """:func:`graph.risk.reach.nodes_of_kind`: keys of ``kind``, sorted."""

        def build() -> list[str]:
            return sorted(self._keys_by_kind().get(kind.value, ()))

        return self.memo(("nodes", kind.value), build)

    def _keys_by_kind(self) -> dict[Any, list[str]]:
        # one scan of the view for every kind the rules ask for (was one scan per kind)
        def build() -> dict[Any, list[str]]:
            if self._fast is not None:
                return self._fast.keys_by_kind()
            out: dict[Any, list[str]] = {}
            for key, data in self.view.nodes(data=True):
                kind = data.get("kind")
                found = out.get(kind)
                if found is None:
                    out[kind] = [key]
                else:
                    found.append(key)
            return out

        return self.memo(("keys-by-kind",), build)

    def channel(self, key: str) -> ChannelFacts:
        return self.memo(("channel", key), lambda: self._channel_facts(key))

    def usage(self) -> EstateUsage:
        """Vendor uses of every host group (concentration's view of the estate)."""
        found: EstateUsage | None = self._memo.get(("usage",))
        if found is None:
            found = self._memo[("usage",)] = estate_usage(self.view)
        return found

    def vendor_groups(self, operator: str | None, vendor: str) -> list[str]:
        """Host groups of ``operator`` that depend on ``vendor`` in any layer."""

        # one pass over every host group's vendors, then one lookup per contract
        def build() -> dict[tuple[str | None, str], list[str]]:
            out: dict[tuple[str | None, str], list[str]] = {}
            for hg, group_operator, _, vendors in self.group_vendors():
                for v in vendors:
                    out.setdefault((group_operator, v), []).append(hg)
            return out

        index: dict[tuple[str | None, str], list[str]] = self.memo(
            ("host-groups-by-operator-and-vendor",), build
        )
        return list(index.get((operator, vendor), ()))

    def groups_using(self, vendor: str) -> list[str]:
        """Host groups that depend on ``vendor`` in any layer, in the estate usage's order."""

        def build() -> dict[str, list[str]]:
            out: dict[str, list[str]] = {}
            for hg, _, _, vendors in self.group_vendors():
                for v in vendors:
                    out.setdefault(v, []).append(hg)
            return out

        index: dict[str, list[str]] = self.memo(("host-groups-by-vendor",), build)
        return index.get(vendor, [])

    def group_vendors(self) -> list[tuple[str, str | None, bool, tuple[str, ...]]]:
        """Every host group of the estate usage with its operator, whether it supports a
        critical function, and the vendors it depends on (distinct, in use order)."""

        def build() -> list[tuple[str, str | None, bool, tuple[str, ...]]]:
            return [
                (hg, g.operator, g.critical, tuple(dict.fromkeys([u.vendor for u in g.uses])))
                for hg, g in self.usage().groups.items()
            ]

        return self.memo(("host-group-vendors",), build)

    def name(self, key: str) -> str:
        found = self._names.get(key)
        if found is None:
            data = self.view._node.get(key)  # networkx's attribute dicts, read only
            found = self._names[key] = key if data is None else str(data.get("name") or key)
        return found

    def evidence(self, key: str, attribute: str, value: Any) -> EvidenceItem:
        """``attribute = value`` read from node ``key``, with the node's documents."""
        provenance = self._provenance.get(key)
        if provenance is None:
            provenance = self._provenance[key] = self._node_provenance(key)
        if type(value) not in PLAIN_TYPES:  # plain values are their own evidence value
            value = evidence_value(value)
        if provenance is False:  # not plain records: validated as they always were
            found = node_provenance(self.view, key)
            return evidence_item(key, attribute, value, found)
        # one record per (node, attribute, value): findings citing the same attribute share
        # it, and the report shares its row
        slot = (key, attribute)
        known = self._evidence.get(slot)
        if known is not None and _same_value(known[2], value):
            return known
        item = self._evidence[slot] = node_evidence(key, attribute, value, provenance)
        return item

    def _node_provenance(self, key: str) -> tuple[Provenance, ...] | Literal[False]:
        """The node's provenance, one tuple shared by every evidence row citing it (False
        when some item is not a :class:`Provenance` record)."""
        data = self.view._node.get(key)  # networkx's attribute dicts, read only
        if data is None:
            return ()
        found = plain_provenance(data.get("provenance", ()))
        return False if found is None else found

    def channel_evidence(self, facts: ChannelFacts, *attributes: str) -> list[EvidenceItem]:
        """Evidence for channel attributes; ``privilege`` names where it was read."""
        out = []
        for attribute in attributes:
            if attribute == "privilege":
                out.append(self.evidence(facts.privilege_source, "privilege", facts.privilege))
            else:
                out.append(self.evidence(facts.key, attribute, facts.value(attribute)))
        return out

    def finding(
        self,
        control: Control,
        subject: RuleSubject,
        *,
        present: Tristate,
        guidance: Severity,
        evidence: Sequence[EvidenceItem],
        reach: Reach,
        irreversible: bool = False,
        vendor: str | None = None,
        channel: str | None = None,
        operator: str | None = None,
        related: tuple[str, ...] = (),
        detail: str = "",
        graded: bool = True,
    ) -> FindingItem | None:
        """The finding for a control judged ``present``; None when it is in place.

        ``graded=False`` keeps ``guidance`` as the severity (composite patterns).
        """
        if present is True:
            return None
        unknown = present is not False
        severity = self._severity(guidance, reach, irreversible, graded, unknown)
        key, qualifier = subject.key, subject.qualifier
        label = self.name(key)
        title = f"{control.title} — {label} ({detail})" if detail else f"{control.title} — {label}"
        remediation = control.remediation
        status = FindingStatus.MISSING
        if unknown:
            status = FindingStatus.UNKNOWN
            title = f"Unknown — ask the {control.ask}: {title}"
            remediation = self._ask(control, {e.attribute for e in evidence if e.value is None})
        cited = tuple(evidence)
        values: tuple[Any, ...] = (
            f"{control.id}:{key}@{qualifier}" if qualifier else f"{control.id}:{key}",
            control.id,
            title,
            severity,
            status,
            key,
            subject.kind,
            qualifier,
            vendor,
            channel,
            operator,
            cited,
            control.references,
            remediation,
            related,
            reach,
        )
        if _plain_finding(values):  # the rest is of its type by construction
            return FindingItem._make(values)
        fields: dict[str, Any] = dict(zip(FindingItem._fields, values, strict=True))
        return finding_item(**fields)  # validates what it cannot trust

    def _ask(self, control: Control, undeclared: set[str]) -> str:
        """An unknown finding's remediation: ask for the undeclared attributes (one text
        per control and set of attributes)."""
        names = tuple(sorted(undeclared))
        found = self._asks.get((control.id, names))
        if found is None:
            found = self._asks[(control.id, names)] = (
                f"Ask the {control.ask} to declare {', '.join(names) or 'the control'}; "
                f"until then plan as if it were missing. {control.remediation}"
            )
        return found

    def _severity(
        self, guidance: Severity, reach: Reach, irreversible: bool, graded: bool, unknown: bool
    ) -> Severity:
        """:func:`grade` (when ``graded``), one step down per ``unknown_downgrade`` for an
        unknown finding. :func:`grade` reads three facts of the reach (any critical
        function, wide reach, any CII critical function), taken once per reach record;
        each distinct question is graded once."""
        facts = self._reach_facts.get(id(reach))
        if facts is None or facts[0] is not reach:
            policy = self.policy
            facts = self._reach_facts[id(reach)] = (
                reach,
                bool(reach.critical_functions),
                reach.hosts >= policy.wide_reach_hosts
                or len(reach.cii_operators) >= policy.wide_reach_cii_operators,
                bool(reach.cii_critical_functions),
            )
        slot = (guidance, facts[1], facts[2], facts[3], irreversible, graded, unknown)
        found = self._severities.get(slot)
        if found is None:
            found = guidance
            if graded:
                found = grade(guidance, reach, irreversible=irreversible, policy=self.policy)
            if unknown:
                found = shift(found, -self.policy.unknown_downgrade)
            self._severities[slot] = found
        return found

    def _channel_facts(self, key: str) -> ChannelFacts:
        view = self.view
        node = self.typed(key, UpdateChannelNode)
        updated = in_neighbours(view, key, EdgeKind.UPDATED_VIA)
        privilege, source = effective_privilege(view, key)
        products = self._products_updated(updated)
        siblings: set[str] = set()
        for product in products:
            siblings.update(self.software_channels(product))
        siblings.discard(key)
        return ChannelFacts(
            key=key,
            name=self.name(key),
            node=node,
            privilege=privilege,
            privilege_source=source,
            vendor=self._channel_vendor(key, node, [*updated, *products]),
            reach=self.reach(self.channel_groups(key)),
            products=tuple(products),
            siblings=tuple(sorted(siblings)),
        )

    def _channel_vendor(
        self, key: str, node: UpdateChannelNode | None, software: list[str]
    ) -> str | None:
        """Declared vendor, else the operator of the channel, else who supplies what it
        updates (the updated node first, then the products containing it)."""
        if node is not None and node.vendor:
            return node.vendor
        for kind in (EdgeKind.OPERATED_BY, EdgeKind.SUPPLIED_BY):
            vendors = out_neighbours(self.view, key, kind)
            if vendors:
                return vendors[0]
        for item in software:
            vendor = self.supplier(item)
            if vendor is not None:
                return vendor
        return None

    def _products_updated(self, updated: list[str]) -> list[str]:
        """Products that are, or CONTAIN (transitively), something the channel updates."""
        seen = set(updated)
        stack = list(updated)
        products: set[str] = set()
        while stack:
            node = stack.pop()
            if self.view._node[node].get("kind") == NodeKind.PRODUCT.value:
                products.add(node)
            for pred in self.containers(node):
                if pred not in seen:
                    seen.add(pred)
                    stack.append(pred)
        return sorted(products)


def _plain_finding(values: tuple[Any, ...]) -> bool:
    """The values a rule passed to :meth:`RuleContext.finding` have their field's type
    already (severity, vendor, channel, operator, evidence, related controls, reach);
    the others are made of validated records and strings."""
    if not (
        type(values[3]) is Severity
        and type(values[8]) in OPTIONAL_STR
        and type(values[9]) in OPTIONAL_STR
        and type(values[10]) in OPTIONAL_STR
        and type(values[14]) is tuple
        and type(values[15]) is Reach
    ):
        return False
    for e in values[11]:
        if type(e) is not EvidenceItem:
            return False
    return not values[14] or all(type(text) is str for text in values[14])


def _same_value(known: Any, value: Any) -> bool:
    """``known`` and ``value`` are written the same: the same object, or equal values of
    one type other than float (0.0 and -0.0 are equal floats written differently)."""
    if known is value:
        return True
    return type(value) is not float and type(known) is type(value) and known == value
