"""Generic rule shapes: a channel rule and a host-group rule built from one judgement.

Family modules write a small ``assess`` function per control returning an
:class:`Assessment` (present / absent / undeclared, the guidance severity and the
evidence) or ``None`` when the control does not apply to the subject.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from graph.model import HostGroupNode
from graph.risk.controls.base import Control, RuleSubject, Tristate, rule_subject
from graph.risk.controls.context import ChannelFacts, RuleContext
from graph.risk.controls.records import EvidenceItem, FindingItem
from graph.vocabulary import NodeKind, Severity

__all__ = ["Assessment", "ChannelRule", "HostGroupRule", "host_group_subjects"]


class Assessment(NamedTuple):
    """One control judged on one subject (a tuple: one is made per subject and rule)."""

    present: Tristate
    guidance: Severity
    evidence: tuple[EvidenceItem, ...] | list[EvidenceItem]
    detail: str = ""
    related: tuple[str, ...] = ()
    graded: bool = True


@dataclass(frozen=True)
class ChannelRule:
    """A control judged on every update channel."""

    control: Control
    assess: Callable[[ChannelFacts, RuleContext], Assessment | None]

    def subjects(self, context: RuleContext) -> list[RuleSubject]:
        return [
            rule_subject(key, NodeKind.UPDATE_CHANNEL)
            for key in context.nodes(NodeKind.UPDATE_CHANNEL)
        ]

    def check(self, subject: RuleSubject, context: RuleContext) -> FindingItem | None:
        facts = context.channel(subject.key)
        assessment = self.assess(facts, context)
        if assessment is None:
            return None
        return context.finding(
            self.control,
            subject,
            present=assessment.present,
            guidance=assessment.guidance,
            evidence=assessment.evidence,
            reach=facts.reach,
            irreversible=facts.irreversible,
            vendor=facts.vendor,
            channel=facts.key,
            related=assessment.related,
            detail=assessment.detail,
            graded=assessment.graded,
        )


def host_group_subjects(context: RuleContext) -> list[RuleSubject]:
    """Every asserted host group (placeholders carry no attributes to judge); one list per
    evaluation, shared by the host-group rules."""

    def build() -> list[RuleSubject]:
        nodes = context.view._node  # networkx's attribute dicts, read only
        return [
            rule_subject(key, NodeKind.HOST_GROUP)
            for key in context.nodes(NodeKind.HOST_GROUP)
            if not nodes[key].get("placeholder")
        ]

    return list(context.memo(("host-group-subjects",), build))


@dataclass(frozen=True)
class HostGroupRule:
    """A control judged on every host group (operator-side recovery controls)."""

    control: Control
    assess: Callable[[HostGroupNode, RuleContext], Assessment | None]

    def subjects(self, context: RuleContext) -> list[RuleSubject]:
        return host_group_subjects(context)

    def check(self, subject: RuleSubject, context: RuleContext) -> FindingItem | None:
        node = context.typed(subject.key, HostGroupNode)
        if node is None:
            return None
        assessment = self.assess(node, context)
        if assessment is None:
            return None
        return context.finding(
            self.control,
            subject,
            present=assessment.present,
            guidance=assessment.guidance,
            evidence=assessment.evidence,
            reach=context.group_reach(subject.key),
            operator=node.operator,
            related=assessment.related,
            detail=assessment.detail,
            graded=assessment.graded,
        )
