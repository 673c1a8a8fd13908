"""What-if rollout simulation: a channel's declared rollout against a hypothetical one."""

from __future__ import annotations

from datetime import datetime

import networkx as nx
from pydantic import BaseModel, ConfigDict

from graph.risk.blast import blast_radius
from graph.risk.blast_results import BlastRadius
from graph.risk.policy import Policy
from graph.risk.rollout import RolloutOverride
from graph.risk.subject import FailureMode, Subject, resolve_subject

__all__ = ["Simulation", "simulate"]


class Simulation(BaseModel):
    """Declared vs hypothetical rollout and what the hypothetical would have avoided."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    channel: str
    hypothetical: RolloutOverride
    declared: BlastRadius
    what_if: BlastRadius
    hosts_down_avoided: int
    hosts_degraded_avoided: int
    operators_avoided: int
    hands_on_hosts_avoided: int
    recovery_hours_avoided: float
    critical_functions_saved: int


def simulate(
    view: nx.MultiDiGraph,
    channel: str,
    hypothetical: RolloutOverride,
    mode: FailureMode = FailureMode.BAD_UPDATE,
    *,
    policy: Policy | None = None,
    push_time: datetime | None = None,
) -> Simulation:
    """Blast radius of a bad push on ``channel`` as declared and under ``hypothetical``.

    ``recovery_hours_avoided`` sums, over operators, the hours each needs to recover.
    """
    subject = Subject(kind="channel", ref=channel)
    keys = resolve_subject(view, subject)
    declared = blast_radius(view, subject, mode, policy=policy, push_time=push_time)
    what_if = blast_radius(
        view,
        subject,
        mode,
        policy=policy,
        overrides=dict.fromkeys(keys, hypothetical),
        push_time=push_time,
    )
    return Simulation(
        channel=keys[0],
        hypothetical=hypothetical,
        declared=declared,
        what_if=what_if,
        hosts_down_avoided=declared.hosts_down - what_if.hosts_down,
        hosts_degraded_avoided=declared.hosts_degraded - what_if.hosts_degraded,
        operators_avoided=declared.operators_hit - what_if.operators_hit,
        hands_on_hosts_avoided=declared.hands_on_hosts - what_if.hands_on_hosts,
        recovery_hours_avoided=round(_work_hours(declared) - _work_hours(what_if), 2),
        critical_functions_saved=declared.critical_functions_lost - what_if.critical_functions_lost,
    )


def _work_hours(radius: BlastRadius) -> float:
    """Each affected operator's time to recover, summed."""
    return sum(o.recovery_hours for o in radius.operators)
