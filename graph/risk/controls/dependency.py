"""KG-SD-*: supplier dependency (controls.md §2, SD-01 to SD-04).

SD-01 and SD-02 turn the concentration analyses (:mod:`graph.risk.concentration`) into
findings; SD-03 checks disaster-recovery pairs for common-mode channels; SD-04 checks
contracts for a tested exit plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.model import ContractNode, HostGroupNode, UpdateChannelNode
from graph.risk.concentration_findings import single_vendor_dependencies, systemic_vendors
from graph.risk.concentration_models import ScopeKind, SingleVendorDependency, SystemicVendor
from graph.risk.concentration_shares import layer_concentrations
from graph.risk.controls.base import (
    Control,
    RuleSubject,
    Tristate,
    all_of,
    is_recent,
    rule_subject,
)
from graph.risk.controls.catalogue import SD_01, SD_02, SD_03, SD_04
from graph.risk.controls.context import RuleContext
from graph.risk.controls.predicates import customer_control
from graph.risk.controls.records import FindingItem, evidence_item
from graph.risk.controls.rules import host_group_subjects
from graph.vocabulary import NodeKind, Severity

__all__ = [
    "DEPENDENCY_RULES",
    "DrDiversityRule",
    "ExitPlanRule",
    "SingleVendorRule",
    "SystemicVendorRule",
]


def _dependencies(context: RuleContext) -> dict[RuleSubject, SingleVendorDependency]:
    def build() -> dict[RuleSubject, SingleVendorDependency]:
        known = context.concentration
        deps = (
            known.single_vendor
            if known is not None
            else single_vendor_dependencies(
                context.view,
                policy=context.concentration_policy,
                controls_policy=context.policy,
                usage=context.usage(),
            )
        )
        return {
            rule_subject(d.function, NodeKind.FUNCTION, f"{d.layer}/{d.vendor}"): d for d in deps
        }

    return context.memo(("single-vendor",), build)


@dataclass(frozen=True)
class SingleVendorRule:
    """KG-SD-01: one finding per critical function, layer and vendor above the flag share."""

    control: Control = SD_01

    def subjects(self, context: RuleContext) -> list[RuleSubject]:
        return sorted(_dependencies(context), key=lambda s: (s.key, s.qualifier or ""))

    def check(self, subject: RuleSubject, context: RuleContext) -> FindingItem | None:
        dep = _dependencies(context).get(subject)
        if dep is None:
            return None
        if dep.escalated:
            guidance = Severity.CRITICAL if dep.cii else Severity.HIGH
        else:
            guidance = Severity.HIGH if dep.cii else Severity.MEDIUM
        attribute, share = f"share of hosts on {dep.vendor} ({dep.layer})", round(dep.share, 2)
        evidence = [evidence_item(dep.function, attribute, share, dep.provenance)]
        for channel in (*dep.failing_channels, *dep.undeclared_channels):
            facts = context.channel(channel)
            evidence += context.channel_evidence(facts, "rollout_stages", "customer_deferral")
        detail = f"{context.name(dep.vendor)} carries {dep.share:.0f}% of {dep.layer}"
        if dep.escalated:
            detail += "; its channel lacks staged rollout or customer control"
        return context.finding(
            self.control,
            subject,
            present=False,
            guidance=guidance,
            evidence=evidence,
            reach=context.reach(dep.host_groups),
            vendor=dep.vendor,
            channel=(dep.failing_channels or dep.undeclared_channels or (None,))[0],
            operator=dep.operator,
            detail=detail,
        )


def _systemic(context: RuleContext) -> dict[RuleSubject, SystemicVendor]:
    def build() -> dict[RuleSubject, SystemicVendor]:
        found = context.concentration.systemic if context.concentration is not None else None
        if found is None:
            usage = context.usage()
            layers = layer_concentrations(
                context.view,
                scope_kinds=[ScopeKind.SECTOR],
                policy=context.concentration_policy,
                usage=usage,
            )
            found = systemic_vendors(
                context.view, layers, policy=context.concentration_policy, usage=usage
            )
        return {
            rule_subject(s.vendor, NodeKind.VENDOR, s.sector): s
            for s in found
            if s.systemic is not False
        }

    return context.memo(("systemic",), build)


def _critical_users(context: RuleContext, vendor: str) -> dict[str | None, list[str]]:
    """Host groups of a critical function that depend on ``vendor``, by operator: one
    pass over the host groups for every vendor, not one per (vendor, sector) subject."""

    def build() -> dict[str, dict[str | None, list[str]]]:
        out: dict[str, dict[str | None, list[str]]] = {}
        for hg, operator, critical, vendors in context.group_vendors():
            if critical:
                for v in vendors:
                    out.setdefault(v, {}).setdefault(operator, []).append(hg)
        return out

    index: dict[str, dict[str | None, list[str]]] = context.memo(
        ("critical-users-by-vendor-and-operator",), build
    )
    return index.get(vendor, {})


@dataclass(frozen=True)
class SystemicVendorRule:
    """KG-SD-02: a vendor meeting the breadth test in a sector (unknown when sizes are).

    Medium; High ("regulator finding") when one of its layers is highly concentrated in
    the sector (2023 band) and it has a host-fatal channel there (common-mode failure).
    """

    control: Control = SD_02

    def subjects(self, context: RuleContext) -> list[RuleSubject]:
        return sorted(_systemic(context), key=lambda s: (s.key, s.qualifier or ""))

    def check(self, subject: RuleSubject, context: RuleContext) -> FindingItem | None:
        found = _systemic(context).get(subject)
        if found is None:
            return None
        high = context.concentration_policy.bands_2023[1]
        regulator = (
            found.max_layer_hhi is not None
            and found.max_layer_hhi > high
            and bool(found.common_mode_channels)
        )
        by_operator = _critical_users(context, found.vendor)
        groups = [hg for op in set(found.operators_using) for hg in by_operator.get(op, ())]
        evidence = [
            evidence_item(found.sector, name, value)
            for name, value in (
                ("CII operators using it for a critical function (%)", round(found.count_share, 2)),
                (
                    "share by size (%)",
                    None if found.size_share is None else round(found.size_share, 2),
                ),
                ("highest layer HHI (critical hosts)", found.max_layer_hhi),
                ("host-fatal channels", ", ".join(found.common_mode_channels) or "none"),
            )
        ]
        return context.finding(
            self.control,
            subject,
            present=None if found.systemic is None else not found.systemic,
            guidance=Severity.HIGH if regulator else Severity.MEDIUM,
            evidence=evidence,
            reach=context.reach(groups),
            vendor=found.vendor,
            detail=f"{found.count_share:.0f}% of operators in {context.name(found.sector)}",
        )


@dataclass(frozen=True)
class DrDiversityRule:
    """KG-SD-03 on every host group that is the DR pair (``dr_for``) of another: no
    channel at host-fatal (or undeclared) privilege may reach both, unless the channel
    honours customer deferral and the two groups sit in different rings."""

    control: Control = SD_03

    def subjects(self, context: RuleContext) -> list[RuleSubject]:
        return [s for s in host_group_subjects(context) if context.view._node[s.key].get("dr_for")]

    def check(self, subject: RuleSubject, context: RuleContext) -> FindingItem | None:
        dr = context.typed(subject.key, HostGroupNode)
        primary = (
            None if dr is None or dr.dr_for is None else context.typed(dr.dr_for, HostGroupNode)
        )
        if dr is None or primary is None:
            return None
        common: list[str] = []
        unknown: list[str] = []
        for channel in context.nodes(NodeKind.UPDATE_CHANNEL):
            reached = context.channel_group_set(channel)
            if dr.key not in reached or primary.key not in reached:
                continue
            facts = context.channel(channel)
            if facts.host_fatal is False or _ring_diverse(
                facts.node, dr, primary, facts.products, context
            ):
                continue
            (unknown if facts.host_fatal is None else common).append(channel)
        present: Tristate = False if common else (None if unknown else True)
        evidence = [context.evidence(dr.key, "dr_for", dr.dr_for)]
        evidence += [evidence_item(c, "reaches both at host-fatal privilege", True) for c in common]
        evidence += [evidence_item(c, "privilege", None) for c in unknown]
        cii = bool(context.reach([dr.key, primary.key]).cii_operators)
        return context.finding(
            self.control,
            subject,
            present=present,
            guidance=Severity.HIGH if cii else Severity.MEDIUM,
            evidence=evidence,
            reach=context.reach([dr.key, primary.key]),
            channel=next(iter(common or unknown), None),
            operator=dr.operator,
            detail=f"with {context.name(primary.key)}",
        )


def _ring_diverse(
    channel: UpdateChannelNode | None,
    dr: HostGroupNode,
    primary: HostGroupNode,
    products: tuple[str, ...],
    context: RuleContext,
) -> bool:
    """The channel honours customer deferral and the pair sits in different rings."""
    if customer_control(channel, context.policy) is not True:
        return False
    for product in products:
        rings = [
            next((r.ring for r in g.rings if r.product == product), None) for g in (dr, primary)
        ]
        if None not in rings and rings[0] != rings[1]:
            return True
    return False


@dataclass(frozen=True)
class ExitPlanRule:
    """KG-SD-04 on every contract: an exit plan, tested within the policy period. High
    when the operator depends on the vendor for a critical function (DORA CIF)."""

    control: Control = SD_04

    def subjects(self, context: RuleContext) -> list[RuleSubject]:
        return [
            rule_subject(k, NodeKind.CONTRACT)
            for k in context.nodes(NodeKind.CONTRACT)
            if not context.view._node[k].get("placeholder")
        ]

    def check(self, subject: RuleSubject, context: RuleContext) -> FindingItem | None:
        contract = context.typed(subject.key, ContractNode)
        if contract is None:
            return None
        tested = is_recent(
            contract.exit_tested, context.as_of, context.policy.exit_test_max_age_days
        )
        reach = context.reach(context.vendor_groups(contract.operator, contract.vendor))
        return context.finding(
            self.control,
            subject,
            present=all_of(contract.exit_plan, tested),
            guidance=Severity.HIGH if reach.critical_functions else Severity.MEDIUM,
            evidence=[
                context.evidence(contract.key, "exit_plan", contract.exit_plan),
                context.evidence(contract.key, "exit_tested", contract.exit_tested),
            ],
            reach=reach,
            vendor=contract.vendor,
            operator=contract.operator,
        )


DEPENDENCY_RULES = (SingleVendorRule(), SystemicVendorRule(), DrDiversityRule(), ExitPlanRule())
