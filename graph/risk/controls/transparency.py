"""KG-TR-*: transparency from the vendor (controls.md §2, TR-01 to TR-03).

TR-01 judges the SBOM the store holds for a product: none ingested is "unknown - ask the
vendor" (the store cannot tell whether one exists); one ingested is judged on quality
(share of components with a purl, dependency relationships present).
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.model import ContractNode
from graph.risk.controls.base import Control, RuleSubject, Tristate, all_of, rule_subject
from graph.risk.controls.catalogue import TR_01, TR_02, TR_03
from graph.risk.controls.context import ChannelFacts, RuleContext
from graph.risk.controls.records import EvidenceItem, FindingItem, evidence_item
from graph.risk.controls.rules import Assessment, ChannelRule
from graph.risk.reach import in_neighbours, node_provenance, successors_of
from graph.vocabulary import EdgeKind, NodeKind, Severity

__all__ = ["TRANSPARENCY_RULES", "ContractTransparencyRule", "SbomRule", "sbom_quality"]


_CONTAINS = EdgeKind.CONTAINS.value
_STRUCTURE = frozenset({EdgeKind.CONTAINS.value, EdgeKind.DEPENDS_ON.value})


def _components(context: RuleContext, product: str) -> set[str]:
    """The product's CONTAINS closure (the product itself only through a cycle)."""
    view = context.view
    seen: set[str] = set()
    stack = [product]
    while stack:
        for child, keyed in successors_of(view, stack.pop()).items():
            if child in seen:
                continue
            for d in keyed.values():
                if d.get("kind") == _CONTAINS:
                    seen.add(child)
                    stack.append(child)
                    break
    return seen


def _structured(context: RuleContext, component: str) -> bool:
    """The component DEPENDS_ON or CONTAINS something (once per component)."""
    known: dict[str, bool] = context.memo(("sbom-structured",), dict)
    found = known.get(component)
    if found is None:
        found = known[component] = any(
            d.get("kind") in _STRUCTURE
            for keyed in successors_of(context.view, component).values()
            for d in keyed.values()
        )
    return found


@dataclass(frozen=True)
class _SbomFigures:
    """What TR-01 reads of a product's SBOM (``components == 0``: none ingested)."""

    components: int
    share: float
    structured: bool

    def judged(self, min_purl_share: float) -> Tristate:
        if not self.components:
            return None
        return self.share >= min_purl_share and self.structured


def _sbom_figures(context: RuleContext, product: str) -> _SbomFigures:
    counts = _every_product(context).get(product)
    if counts is not None:
        total, with_purl, structured = counts
        if not total:
            return _SbomFigures(0, 0.0, False)
        return _SbomFigures(total, with_purl / total, structured)
    components = _components(context, product)
    if not components:
        return _SbomFigures(0, 0.0, False)
    attrs = context.view._node  # networkx's node attribute dicts, read only
    with_purl = sum(1 for c in components if attrs[c].get("purl"))
    structured = any(_structured(context, c) for c in components)
    return _SbomFigures(len(components), with_purl / len(components), structured)


SbomCounts = tuple[int, int, bool]
"""Components in a product's CONTAINS closure, with a purl, and whether one of them
CONTAINS or DEPENDS_ON something (:mod:`graph.risk.controls.fastsbom`)."""


def _every_product(context: RuleContext) -> dict[str, SbomCounts]:
    """Every product's figures from one compiled walk of the snapshot, when the context
    has one (empty otherwise: each product is walked in the view)."""

    def build() -> dict[str, SbomCounts]:
        snapshot = context.walk_snapshot()
        if snapshot is None:
            return {}
        from graph.risk.controls.fastsbom import sbom_counts  # noqa: PLC0415 (numba)

        found = sbom_counts(snapshot, context.view, context.nodes(NodeKind.PRODUCT))
        return found or {}

    return context.memo(("sbom-counts",), build)


def sbom_quality(context: RuleContext, product: str) -> tuple[Tristate, list[EvidenceItem]]:
    """(SBOM present and good enough, the figures behind it) for one product."""
    figures = _sbom_figures(context, product)
    return figures.judged(context.policy.sbom_min_purl_share), _sbom_evidence(
        context, product, figures
    )


def _sbom_evidence(context: RuleContext, product: str, figures: _SbomFigures) -> list[EvidenceItem]:
    if not figures.components:
        return [evidence_item(product, "sbom components", None)]
    provenance = node_provenance(context.view, product)
    return [
        evidence_item(product, "sbom components", figures.components, provenance),
        evidence_item(product, "share with purl", round(figures.share, 3), provenance),
        evidence_item(product, "dependency relationships", figures.structured, provenance),
    ]


@dataclass(frozen=True)
class SbomRule:
    """KG-TR-01 on every asserted product and every product a host group runs."""

    control: Control = TR_01

    def subjects(self, context: RuleContext) -> list[RuleSubject]:
        view = context.view
        return [
            rule_subject(k, NodeKind.PRODUCT)
            for k in context.nodes(NodeKind.PRODUCT)
            if not view._node[k].get("placeholder") or in_neighbours(view, k, EdgeKind.RUNS)
        ]

    def check(self, subject: RuleSubject, context: RuleContext) -> FindingItem | None:
        figures = _sbom_figures(context, subject.key)
        present = figures.judged(context.policy.sbom_min_purl_share)
        if present is True:
            return None  # in place: no evidence, reach or supplier to look up
        evidence = _sbom_evidence(context, subject.key, figures)
        return context.finding(
            self.control,
            subject,
            present=present,
            guidance=Severity.MEDIUM,
            evidence=evidence,
            reach=context.reach(context.software_groups(subject.key)),
            vendor=context.supplier(subject.key),
            detail=_quality_gaps(evidence, context.policy.sbom_min_purl_share),
        )


def _quality_gaps(evidence: list[EvidenceItem], min_purl_share: float) -> str:
    values = {e.attribute: e.value for e in evidence}
    gaps = []
    share = values.get("share with purl")
    if isinstance(share, float) and share < min_purl_share:
        gaps.append(f"{share:.0%} of components have a purl")
    if values.get("dependency relationships") is False:
        gaps.append("no dependency relationships")
    return "; ".join(gaps)


def _tr02(facts: ChannelFacts, context: RuleContext) -> Assessment:
    evidence = context.channel_evidence(facts, "sdp_attested", "privilege")
    guidance = Severity.HIGH if facts.host_fatal else Severity.MEDIUM
    return Assessment(facts.value("sdp_attested"), guidance, evidence)


@dataclass(frozen=True)
class ContractTransparencyRule:
    """KG-TR-03 on every contract: a notification clause, and the vendor published an
    RCA of its last update incident (vendor ``rca_published``)."""

    control: Control = TR_03

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
        vendor = contract.vendor
        rca = context.view.nodes[vendor].get("rca_published") if vendor in context.view else None
        return context.finding(
            self.control,
            subject,
            present=all_of(contract.notification_clause, rca),
            guidance=Severity.MEDIUM,
            evidence=[
                context.evidence(contract.key, "notification_clause", contract.notification_clause),
                context.evidence(vendor, "rca_published", rca),
            ],
            reach=context.reach(context.vendor_groups(contract.operator, vendor)),
            vendor=vendor,
            operator=contract.operator,
        )


TRANSPARENCY_RULES = (SbomRule(), ChannelRule(TR_02, _tr02), ContractTransparencyRule())
