"""The remediation plan as tuples: what a report lists, without a model per finding.

``attach_risk_removed(view, evaluate_controls(view, ...))`` makes a :class:`Finding` and
its :class:`Evidence` models, sorts them, copies each finding that gets a risk removed and
sorts again. A report only reads their values into its own rows, so :func:`control_plan`
keeps the rules' tuples, computes risk removed once and sorts once; :meth:`ControlPlan.models`
gives the models when something needs them (equal to the two calls above, tested).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import networkx as nx

from graph.risk.concentration_models import ConcentrationReport
from graph.risk.concentration_usage import EstateUsage
from graph.risk.controls.base import Finding, RiskRemoved, item_plan_key
from graph.risk.controls.engine import evaluate_items
from graph.risk.controls.records import FindingItem, finding_model
from graph.risk.policy import Policy
from graph.risk.remediation import risk_removed

if TYPE_CHECKING:
    from graph.risk.snapshot import Snapshot

__all__ = ["ControlPlan", "control_plan"]


@dataclass(frozen=True)
class ControlPlan:
    """Findings in remediation order, each with what its remediation removes (``None``:
    not simulated)."""

    findings: tuple[FindingItem, ...]
    removed: tuple[RiskRemoved | None, ...]

    def models(self) -> tuple[Finding, ...]:
        """The plan as :class:`Finding` models, as ``attach_risk_removed`` returns it."""
        return tuple(
            [finding_model(f, r) for f, r in zip(self.findings, self.removed, strict=True)]
        )


def control_plan(
    view: nx.MultiDiGraph,
    *,
    policy: Policy,
    as_of: date,
    usage: EstateUsage | None = None,
    concentration: ConcentrationReport | None = None,
    snapshot: Snapshot | None = None,
) -> ControlPlan:
    """``attach_risk_removed(view, evaluate_controls(view, ...), ...)`` as tuples; the
    arguments mean what they mean there (``policy`` is the whole policy)."""
    found = evaluate_items(
        view,
        policy=policy.controls,
        concentration_policy=policy.concentration,
        as_of=as_of,
        usage=usage,
        concentration=concentration,
        snapshot=snapshot,
    )
    removed = risk_removed(view, found, policy=policy, snapshot=snapshot)
    paired = [(f, removed.get(f[0])) for f in found]
    paired.sort(key=lambda pair: item_plan_key(*pair))
    return ControlPlan(
        findings=tuple([f for f, _ in paired]), removed=tuple([r for _, r in paired])
    )
