"""KG-VT-*: validation and testing of what a channel ships (controls.md §2, VT-01 to VT-05).

VT-01 to VT-04 are about content: they do not apply to a declared code channel, and on a
channel of undeclared kind a missing attribute is unknown rather than missing. Where
controls.md only grades the kernel case, other privileges get Medium (project policy).
"""

from __future__ import annotations

from graph.risk.controls.base import Tristate, all_of
from graph.risk.controls.catalogue import VT_01, VT_02, VT_03, VT_04, VT_05
from graph.risk.controls.context import ChannelFacts, RuleContext
from graph.risk.controls.predicates import staged_rollout
from graph.risk.controls.rules import Assessment, ChannelRule
from graph.vocabulary import Severity

__all__ = ["VALIDATION_RULES", "content_control"]


def content_control(facts: ChannelFacts, present: Tristate) -> Tristate | str:
    """``present`` for a content channel; ``"n/a"`` for a declared non-content channel."""
    if present is True:
        return True
    if facts.content_like is False:
        return "n/a"
    if facts.content_like is None:
        return None
    return present


def _content_rule(
    facts: ChannelFacts,
    context: RuleContext,
    present: Tristate,
    guidance: Severity,
    *attributes: str,
) -> Assessment | None:
    judged = content_control(facts, present)
    if isinstance(judged, str):
        return None
    evidence = context.channel_evidence(facts, *attributes, "channel_kind", "privilege")
    return Assessment(judged, guidance, evidence)


def _kernel_or_medium(facts: ChannelFacts) -> Severity:
    return Severity.CRITICAL if facts.host_fatal else Severity.MEDIUM


def _vt01(facts: ChannelFacts, context: RuleContext) -> Assessment | None:
    present = facts.value("schema_validated")
    return _content_rule(facts, context, present, _kernel_or_medium(facts), "schema_validated")


def _vt02(facts: ChannelFacts, context: RuleContext) -> Assessment | None:
    present = facts.value("runtime_bounds_checked")
    guidance = _kernel_or_medium(facts)
    return _content_rule(facts, context, present, guidance, "runtime_bounds_checked")


def _vt03(facts: ChannelFacts, context: RuleContext) -> Assessment | None:
    present = all_of(facts.value("fuzzed"), facts.value("coverage_all_fields"))
    return _content_rule(facts, context, present, Severity.HIGH, "fuzzed", "coverage_all_fields")


def _vt04(facts: ChannelFacts, context: RuleContext) -> Assessment | None:
    unstaged = staged_rollout(facts.node, context.policy) is False
    guidance = Severity.CRITICAL if unstaged else Severity.HIGH
    present = facts.value("e2e_tested_in_interpreter")
    return _content_rule(
        facts, context, present, guidance, "e2e_tested_in_interpreter", "rollout_stages"
    )


def _vt05(facts: ChannelFacts, context: RuleContext) -> Assessment:
    evidence = context.channel_evidence(facts, "signed", "signature_verified_on_host")
    present = all_of(facts.value("signed"), facts.value("signature_verified_on_host"))
    return Assessment(present, Severity.HIGH, evidence)


VALIDATION_RULES = (
    ChannelRule(VT_01, _vt01),
    ChannelRule(VT_02, _vt02),
    ChannelRule(VT_03, _vt03),
    ChannelRule(VT_04, _vt04),
    ChannelRule(VT_05, _vt05),
)
