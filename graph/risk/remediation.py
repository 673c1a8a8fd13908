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
from graph.risk.controls.base import Finding, RiskRemoved
from graph.risk.controls.engine import with_risk_removed
from graph.risk.policy import Policy
from graph.risk.simulate import simulate
from graph.risk.subject import Subject

__all__ = ["ROLLOUT_CONTROLS", "SAFE_FAILURE_CONTROLS", "attach_risk_removed"]

ROLLOUT_CONTROLS = frozenset(
    {"KG-SR-01", "KG-SR-02", "KG-SR-03", "KG-SR-04", "KG-SR-06", "KG-CC-01", "KG-PATTERN-0719"}
)
SAFE_FAILURE_CONTROLS = frozenset({"KG-VT-01", "KG-VT-02", "KG-VT-03", "KG-VT-04", "KG-KM-01"})


def attach_risk_removed(
    view: nx.MultiDiGraph, findings: tuple[Finding, ...], *, policy: Policy | None = None
) -> tuple[Finding, ...]:
    """``findings`` with ``risk_removed`` filled where a remediation can be simulated."""
    policy = policy or Policy()
    staged: dict[str, RiskRemoved] = {}
    safe: dict[str, RiskRemoved] = {}
    removed: dict[str, RiskRemoved] = {}
    for finding in findings:
        channel = finding.channel
        if channel is None or channel not in view:
            continue
        if finding.control in ROLLOUT_CONTROLS:
            if channel not in staged:
                sim = simulate(view, channel, policy.remedy, policy=policy)
                # a channel already better than the remedy gains nothing (never "negative")
                staged[channel] = RiskRemoved(
                    hosts_down_avoided=max(0, sim.hosts_down_avoided),
                    operators_avoided=max(0, sim.operators_avoided),
                    recovery_hours_avoided=max(0.0, sim.recovery_hours_avoided),
                )
            removed[finding.id] = staged[channel]
        elif finding.control in SAFE_FAILURE_CONTROLS:
            if channel not in safe:
                radius = blast_radius(view, Subject(kind="channel", ref=channel), policy=policy)
                safe[channel] = RiskRemoved(
                    hosts_down_avoided=radius.hosts_down,
                    operators_avoided=sum(1 for o in radius.operators if o.hosts_down),
                    recovery_hours_avoided=round(
                        sum(o.recovery_hours for o in radius.operators), 2
                    ),
                )
            removed[finding.id] = safe[channel]
    return with_risk_removed(findings, removed)
