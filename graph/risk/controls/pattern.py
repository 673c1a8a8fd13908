"""KG-PATTERN-0719: the July-2024 composite (controls.md §3).

Kernel-interpreted content (privilege kernel or boot-start driver), pushed in one stage,
with no per-channel customer deferral and no runtime bounds check: Critical, whatever the
reach (an undecidable pattern is graded like any unknown). Each condition is tri-state:
any declared false clears the pattern, all declared true make it missing, otherwise it
is unknown.
"""

from __future__ import annotations

from graph.risk.controls.base import Tristate, all_of
from graph.risk.controls.catalogue import CC_01, PATTERN_0719, SR_01, SR_06, VT_02
from graph.risk.controls.context import ChannelFacts, RuleContext
from graph.risk.controls.rules import Assessment, ChannelRule
from graph.vocabulary import CustomerDeferral, Severity

__all__ = ["PATTERN_RULES", "july_2024_pattern"]


def july_2024_pattern(facts: ChannelFacts) -> Tristate:
    """True when the channel has all four July-2024 weaknesses (None when undecidable)."""
    stages = facts.value("rollout_stages")
    deferral = facts.value("customer_deferral")
    bounds = facts.value("runtime_bounds_checked")
    return all_of(
        facts.kernel_interpreted,
        facts.content_like,
        None if stages is None else stages <= 1,
        None if deferral is None else deferral is not CustomerDeferral.CHANNEL,
        None if bounds is None else not bounds,
    )


def _pattern(facts: ChannelFacts, context: RuleContext) -> Assessment:
    matched = july_2024_pattern(facts)
    evidence = context.channel_evidence(
        facts,
        "privilege",
        "channel_kind",
        "rollout_stages",
        "customer_deferral",
        "runtime_bounds_checked",
    )
    return Assessment(
        present=None if matched is None else not matched,
        guidance=Severity.CRITICAL,
        evidence=evidence,
        related=(SR_01.id, SR_06.id, CC_01.id, VT_02.id),
        graded=matched is not True,  # the full pattern is Critical whatever the reach
    )


PATTERN_RULES = (ChannelRule(PATTERN_0719, _pattern),)
