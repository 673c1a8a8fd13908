"""The blast radius each control finding's remediation would remove.

Rollout controls (staging, canary, health gate, bake time, content treated like code,
customer deferral, the July-2024 composite) are simulated with the policy's remedy
rollout. Controls that keep a malformed update from crashing the host at all (validation,
bounds checking, fuzzing, end-to-end tests, kernel-mode minimisation) would have removed
every host-down of the channel's radius. Other findings carry no simulated figure.
"""

from __future__ import annotations

import networkx as nx

from graph.risk.blast import blast_radius
from graph.risk.blast_results import BlastRadius
from graph.risk.controls.base import Finding, RiskRemoved
from graph.risk.controls.engine import with_risk_removed
from graph.risk.policy import Policy
from graph.risk.rollout import RolloutOverride
from graph.risk.subject import Subject, resolve_subject

__all__ = ["ROLLOUT_CONTROLS", "SAFE_FAILURE_CONTROLS", "attach_risk_removed"]

ROLLOUT_CONTROLS = frozenset(
    {"KG-SR-01", "KG-SR-02", "KG-SR-03", "KG-SR-04", "KG-SR-06", "KG-CC-01", "KG-PATTERN-0719"}
)
SAFE_FAILURE_CONTROLS = frozenset({"KG-VT-01", "KG-VT-02", "KG-VT-03", "KG-VT-04", "KG-KM-01"})


def attach_risk_removed(
    view: nx.MultiDiGraph, findings: tuple[Finding, ...], *, policy: Policy | None = None
) -> tuple[Finding, ...]:
    """``findings`` with ``risk_removed`` filled where a remediation can be simulated.

    Rollout figures are :func:`graph.risk.simulate.simulate`'s with the remedy rollout;
    each channel's declared radius is computed once for both kinds of control, without
    the evidence paths no figure here reads.
    """
    policy = policy or Policy()
    declared: dict[str, BlastRadius] = {}
    staged: dict[str, RiskRemoved] = {}
    safe: dict[str, RiskRemoved] = {}
    removed: dict[str, RiskRemoved] = {}

    def radius_of(channel: str) -> BlastRadius:
        if channel not in declared:
            declared[channel] = _radius(view, channel, policy)
        return declared[channel]

    for finding in findings:
        channel = finding.channel
        if channel is None or channel not in view:
            continue
        if finding.control in ROLLOUT_CONTROLS:
            if channel not in staged:
                before = radius_of(channel)
                after = _radius(view, channel, policy, policy.remedy)
                # a channel already better than the remedy gains nothing (never "negative")
                staged[channel] = RiskRemoved(
                    hosts_down_avoided=max(0, before.hosts_down - after.hosts_down),
                    operators_avoided=max(0, before.operators_hit - after.operators_hit),
                    recovery_hours_avoided=max(
                        0.0, round(_work_hours(before) - _work_hours(after), 2)
                    ),
                )
            removed[finding.id] = staged[channel]
        elif finding.control in SAFE_FAILURE_CONTROLS:
            if channel not in safe:
                radius = radius_of(channel)
                safe[channel] = RiskRemoved(
                    hosts_down_avoided=radius.hosts_down,
                    operators_avoided=sum(1 for o in radius.operators if o.hosts_down),
                    recovery_hours_avoided=round(_work_hours(radius), 2),
                )
            removed[finding.id] = safe[channel]
    return with_risk_removed(findings, removed)


def _radius(
    view: nx.MultiDiGraph, channel: str, policy: Policy, remedy: RolloutOverride | None = None
) -> BlastRadius:
    """A bad push on ``channel`` as declared, or with every resolved key on ``remedy``."""
    subject = Subject(kind="channel", ref=channel)
    overrides = None if remedy is None else dict.fromkeys(resolve_subject(view, subject), remedy)
    return blast_radius(view, subject, policy=policy, overrides=overrides, evidence_paths=False)


def _work_hours(radius: BlastRadius) -> float:
    """Each affected operator's time to recover, summed (as ``simulate`` sums it)."""
    return sum(o.recovery_hours for o in radius.operators)
