"""Run the control rules over a view: the ``riskgraph controls`` remediation plan.

Examples
--------
>>> import networkx as nx
>>> from datetime import date
>>> evaluate_controls(nx.MultiDiGraph(), as_of=date(2024, 7, 19))
()
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import networkx as nx

from graph.risk.concentration_models import ConcentrationPolicy, ConcentrationReport
from graph.risk.concentration_usage import EstateUsage
from graph.risk.controls.base import (
    ControlsPolicy,
    Finding,
    RiskRemoved,
    Rule,
    item_plan_key,
    sort_findings,
)
from graph.risk.controls.context import RuleContext
from graph.risk.controls.customer import CUSTOMER_RULES
from graph.risk.controls.dependency import DEPENDENCY_RULES
from graph.risk.controls.kernel import KERNEL_RULES
from graph.risk.controls.pattern import PATTERN_RULES
from graph.risk.controls.records import FindingItem, finding_model
from graph.risk.controls.recovery import RECOVERY_RULES
from graph.risk.controls.rollout import ROLLOUT_RULES
from graph.risk.controls.transparency import TRANSPARENCY_RULES
from graph.risk.controls.validation import VALIDATION_RULES

if TYPE_CHECKING:
    from graph.risk.snapshot import Snapshot

__all__ = ["RULES", "evaluate_controls", "evaluate_items", "with_risk_removed"]

RULES: tuple[Rule, ...] = (
    *PATTERN_RULES,
    *ROLLOUT_RULES,
    *CUSTOMER_RULES,
    *VALIDATION_RULES,
    *KERNEL_RULES,
    *RECOVERY_RULES,
    *DEPENDENCY_RULES,
    *TRANSPARENCY_RULES,
)
"""Every rule, in catalogue order (one per control of graph.risk.controls.catalogue)."""


def evaluate_controls(
    view: nx.MultiDiGraph,
    *,
    policy: ControlsPolicy | None = None,
    concentration_policy: ConcentrationPolicy | None = None,
    as_of: date | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    rules: Iterable[Rule] = RULES,
    usage: EstateUsage | None = None,
    concentration: ConcentrationReport | None = None,
    snapshot: Snapshot | None = None,
) -> tuple[Finding, ...]:
    """Findings of every rule on every subject, sorted as a remediation plan.

    ``as_of`` (default: today from ``clock``) dates the "tested within N days" checks.
    ``usage`` and ``concentration`` may pass ``estate_usage(view)`` and
    ``concentration_report(view, policy=concentration_policy, controls_policy=policy)``
    when the caller already has them (SD-01/SD-02 read its single-vendor and systemic rows);
    ``snapshot`` the compiled snapshot of ``view`` the caller ranked with (host-group walks
    run on it; same findings).
    """
    found = evaluate_items(
        view,
        policy=policy,
        concentration_policy=concentration_policy,
        as_of=as_of or clock().date(),
        rules=rules,
        usage=usage,
        concentration=concentration,
        snapshot=snapshot,
    )
    found.sort(key=item_plan_key)
    return tuple([finding_model(f) for f in found])


def evaluate_items(
    view: nx.MultiDiGraph,
    *,
    policy: ControlsPolicy | None = None,
    concentration_policy: ConcentrationPolicy | None = None,
    as_of: date,
    rules: Iterable[Rule] = RULES,
    usage: EstateUsage | None = None,
    concentration: ConcentrationReport | None = None,
    snapshot: Snapshot | None = None,
) -> list[FindingItem]:
    """:func:`evaluate_controls`'s findings as tuples, in rule order (not sorted)."""
    context = RuleContext(
        view,
        policy=policy or ControlsPolicy(),
        concentration_policy=concentration_policy or ConcentrationPolicy(),
        as_of=as_of,
        usage=usage,
        concentration=concentration,
        snapshot=snapshot,
    )
    found = []
    for rule in rules:
        for subject in rule.subjects(context):
            finding = rule.check(subject, context)
            if finding is not None:
                found.append(finding)
    return found


def with_risk_removed(
    findings: Iterable[Finding], removed: Mapping[str, RiskRemoved]
) -> tuple[Finding, ...]:
    """Attach simulated risk removed (by finding id) and re-sort the plan."""
    return sort_findings(
        [
            f.model_copy(update={"risk_removed": removed[f.id]}) if f.id in removed else f
            for f in findings
        ]
    )
