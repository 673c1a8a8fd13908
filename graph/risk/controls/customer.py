"""KG-CC-*: customer control of update timing (controls.md §2, CC-01 to CC-03)."""

from __future__ import annotations

from dataclasses import dataclass

from graph.model import HostGroupNode
from graph.risk.controls.base import Control, RuleSubject, Tristate, rule_subject
from graph.risk.controls.catalogue import CC_01, CC_02, CC_03
from graph.risk.controls.context import ChannelFacts, RuleContext
from graph.risk.controls.predicates import customer_control
from graph.risk.controls.records import FindingItem
from graph.risk.controls.rules import Assessment, ChannelRule
from graph.vocabulary import NodeKind, Severity

__all__ = ["CUSTOMER_RULES", "OperatorRingsRule"]


def _cc01(facts: ChannelFacts, context: RuleContext) -> Assessment:
    evidence = context.channel_evidence(
        facts, "customer_deferral", "customer_pin_versions", "channel_kind", "privilege"
    )
    kernel_content = bool(facts.host_fatal and facts.content_like)
    guidance = Severity.CRITICAL if kernel_content else Severity.HIGH
    return Assessment(customer_control(facts.node, context.policy), guidance, evidence)


def _cc03(facts: ChannelFacts, context: RuleContext) -> Assessment:
    evidence = context.channel_evidence(facts, "release_notes")
    return Assessment(facts.value("release_notes"), Severity.MEDIUM, evidence)


@dataclass(frozen=True)
class OperatorRingsRule:
    """KG-CC-02, per operator and product: host groups spread over at least two rings of
    the operator's own, with every critical-function host group in the last ring.

    Subjects are products that some channel updates; an undeclared ring on any of the
    operator's host groups running the product makes the finding unknown.
    """

    control: Control = CC_02

    def subjects(self, context: RuleContext) -> list[RuleSubject]:
        out = set()
        for product in context.nodes(NodeKind.PRODUCT):
            if not context.software_channels(product):
                continue
            for operator in _runners(context, product):
                if operator is not None:
                    out.add((operator, product))
        return [rule_subject(op, NodeKind.OPERATOR, product) for op, product in sorted(out)]

    def check(self, subject: RuleSubject, context: RuleContext) -> FindingItem | None:
        view, product = context.view, subject.qualifier or ""
        groups = [
            node
            for hg in _runners(context, product).get(subject.key, ())
            if (node := context.typed(hg, HostGroupNode)) is not None
        ]
        if not groups:
            return None
        rings = {
            g.key: next((r.ring for r in g.rings if r.product == product), None) for g in groups
        }
        evidence = [context.evidence(k, f"rings[{product}].ring", v) for k, v in rings.items()]
        present: Tristate
        detail = ""
        if any(ring is None for ring in rings.values()):
            present = None
        elif len(set(rings.values())) < 2:
            present, detail = False, "single ring"
        else:
            last = max(r for r in rings.values() if r is not None)
            early = [
                g.key
                for g in groups
                if rings[g.key] != last and context.reach([g.key]).critical_functions
            ]
            present = not early
            detail = "critical functions not in the last ring" if early else ""
        cii = subject.key in view and bool(view._node[subject.key].get("cii"))
        return context.finding(
            self.control,
            subject,
            present=present,
            guidance=Severity.HIGH if cii else Severity.MEDIUM,
            evidence=evidence,
            reach=context.reach(g.key for g in groups),
            vendor=context.supplier(product),
            operator=subject.key,
            detail=f"{context.name(product)}" + (f": {detail}" if detail else ""),
        )


def _runners(context: RuleContext, product: str) -> dict[str | None, list[str]]:
    """Host groups running ``product`` by operator, sorted: one pass per product, not one
    per (operator, product) subject (quadratic on a product every operator runs)."""

    known: dict[str, dict[str | None, list[str]]] = context.memo(("runners-by-operator",), dict)
    found = known.get(product)
    if found is None:
        found = known[product] = {}
        for hg in context.runners(product):
            found.setdefault(context.operator_of(hg), []).append(hg)
    return found


CUSTOMER_RULES = (
    ChannelRule(CC_01, _cc01),
    OperatorRingsRule(),
    ChannelRule(CC_03, _cc03),
)
