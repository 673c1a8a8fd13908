"""KG-SR-*: staged rollout on the vendor side (controls.md §2, SR-01 to SR-07).

Guidance follows controls.md. An undeclared privilege is graded like user mode (the
privilege still shows as evidence). A channel declared single-stage has, by construction,
no canary ring and no bake time: SR-02/SR-04 are then absent, not unknown.
"""

from __future__ import annotations

from graph.model import UpdateChannelNode
from graph.risk.controls.base import ControlsPolicy, Tristate, all_of, at_least, shift
from graph.risk.controls.catalogue import SR_01, SR_02, SR_03, SR_04, SR_05, SR_06, SR_07
from graph.risk.controls.context import CONTENT_KINDS, ChannelFacts, RuleContext
from graph.risk.controls.predicates import customer_control, staged_rollout
from graph.risk.controls.rules import Assessment, ChannelRule
from graph.vocabulary import ChannelKind, HealthGate, Rollback, Severity

__all__ = ["ROLLOUT_RULES", "health_gated"]

_CODE_KINDS = frozenset({ChannelKind.CODE, ChannelKind.DRIVER, ChannelKind.FIRMWARE})


def _fatal_or(facts: ChannelFacts, otherwise: Severity) -> Severity:
    return Severity.CRITICAL if facts.host_fatal else otherwise


def _single_stage(facts: ChannelFacts) -> bool:
    stages = facts.value("rollout_stages")
    return stages is not None and stages <= 1


def health_gated(channel: UpdateChannelNode | None) -> Tristate:
    """KG-SR-03: automatic health gate with automatic halt."""
    if channel is None:
        return None
    gate = channel.health_gate
    automatic = None if gate is None else gate is HealthGate.AUTOMATIC
    return all_of(automatic, channel.auto_halt)


def _sr01(facts: ChannelFacts, context: RuleContext) -> Assessment:
    present = staged_rollout(facts.node, context.policy)
    stages = facts.value("rollout_stages")
    guidance = _fatal_or(facts, Severity.HIGH)
    detail = ""
    if present is False:
        detail = "global simultaneous push" if stages <= 1 else f"only {stages} stages"
        if stages > 1:  # partly staged: one step below a global push
            guidance = shift(guidance, -1)
    evidence = context.channel_evidence(facts, "rollout_stages", "privilege")
    return Assessment(present, guidance, evidence, detail)


def _sr02(facts: ChannelFacts, context: RuleContext) -> Assessment:
    evidence = context.channel_evidence(facts, "internal_ring", "canary_share", "rollout_stages")
    canary = facts.value("canary_share")
    canary_ok = None if canary is None else 0 < canary <= context.policy.max_canary_share
    present = False if _single_stage(facts) else all_of(facts.value("internal_ring"), canary_ok)
    unstaged = staged_rollout(facts.node, context.policy) is False
    guidance = Severity.CRITICAL if facts.host_fatal and unstaged else Severity.HIGH
    return Assessment(present, guidance, evidence)


def _sr03(facts: ChannelFacts, context: RuleContext) -> Assessment:
    evidence = context.channel_evidence(facts, "health_gate", "auto_halt", "privilege")
    return Assessment(health_gated(facts.node), _fatal_or(facts, Severity.HIGH), evidence)


def _min_bake(kind: ChannelKind | None, policy: ControlsPolicy) -> float:
    if kind is not None and kind in CONTENT_KINDS:
        return policy.min_bake_hours_content
    return policy.min_bake_hours_code  # code, or undeclared kind: the stricter minimum


def _sr04(facts: ChannelFacts, context: RuleContext) -> Assessment:
    evidence = context.channel_evidence(facts, "bake_time_hours", "channel_kind", "rollout_stages")
    minimum = _min_bake(facts.kind, context.policy)
    present = False if _single_stage(facts) else at_least(facts.value("bake_time_hours"), minimum)
    signature_only = facts.kind is ChannelKind.SIGNATURES and facts.host_fatal is False
    guidance = Severity.MEDIUM if signature_only else Severity.HIGH
    return Assessment(present, guidance, evidence, f"minimum {minimum:g} h")


def _sr05(facts: ChannelFacts, context: RuleContext) -> Assessment:
    evidence = context.channel_evidence(facts, "rollback", "rollback_tested")
    rollback = facts.value("rollback")
    present: Tristate
    if rollback is None:
        present = None
    elif rollback in (Rollback.VENDOR_PUSH, Rollback.BOTH):
        present = facts.value("rollback_tested")
    else:
        present = False
    detail = "irreversible by design" if rollback is Rollback.IMPOSSIBLE else ""
    return Assessment(present, Severity.HIGH, evidence, detail)


def _gates(channel: UpdateChannelNode | None, policy: ControlsPolicy) -> dict[str, Tristate]:
    return {
        "staged rollout": staged_rollout(channel, policy),
        "health gate": health_gated(channel),
        "customer control": customer_control(channel, policy),
    }


def _sr06(facts: ChannelFacts, context: RuleContext) -> Assessment | None:
    if facts.content_like is False:
        return None
    evidence = context.channel_evidence(
        facts, "channel_kind", "rollout_stages", "health_gate", "auto_halt", "customer_deferral"
    )
    mine = _gates(facts.node, context.policy)
    code_siblings = [
        context.channel(s) for s in facts.siblings if context.channel(s).kind in _CODE_KINDS
    ]
    required: list[Tristate] = []
    missing: list[str] = []
    if code_siblings:
        for sibling in code_siblings:
            evidence += context.channel_evidence(sibling, "channel_kind", "rollout_stages")
            for gate, held in _gates(sibling.node, context.policy).items():
                if held:
                    required.append(mine[gate])
                    if mine[gate] is False:
                        missing.append(f"{gate} (code channel {sibling.name} has it)")
    else:
        required = [mine["staged rollout"], mine["health gate"]]
        missing = [gate for gate in ("staged rollout", "health gate") if mine[gate] is False]
    present = all_of(*required)
    if facts.content_like is None and present is not True:
        present = None  # not known to be a content channel: ask before calling it missing
    guidance = _fatal_or(facts, Severity.MEDIUM)
    return Assessment(present, guidance, evidence, "; ".join(sorted(set(missing))))


def _sr07(facts: ChannelFacts, context: RuleContext) -> Assessment:
    evidence = context.channel_evidence(facts, "emergency_path_documented", "cadence_per_day")
    cadence = facts.value("cadence_per_day")
    frequent = cadence is not None and cadence > context.policy.emergency_cadence_per_day
    guidance = Severity.HIGH if facts.host_fatal and frequent else Severity.MEDIUM
    return Assessment(facts.value("emergency_path_documented"), guidance, evidence)


ROLLOUT_RULES = (
    ChannelRule(SR_01, _sr01),
    ChannelRule(SR_02, _sr02),
    ChannelRule(SR_03, _sr03),
    ChannelRule(SR_04, _sr04),
    ChannelRule(SR_05, _sr05),
    ChannelRule(SR_06, _sr06),
    ChannelRule(SR_07, _sr07),
)
