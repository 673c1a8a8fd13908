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
from graph.risk.controls.catalogue import SD_01, SD_02
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

__all__ = [
    "READS_CONCENTRATION",
    "RULES",
    "evaluate_controls",
    "evaluate_items",
    "rule_findings",
    "with_risk_removed",
]

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
    concentration: ConcentrationReport | Callable[[], ConcentrationReport] | None = None,
    snapshot: Snapshot | None = None,
    elsewhere: Mapping[str, Callable[[], list[FindingItem]]] | None = None,
    meanwhile: Callable[[list[FindingItem], frozenset[str]], object] | None = None,
) -> list[FindingItem]:
    """:func:`evaluate_controls`'s findings as tuples, in rule order (not sorted).

    ``concentration`` may also be a function giving the report when first needed (it
    may still be computed elsewhere): the rules that read it (:data:`READS_CONCENTRATION`)
    then run after the others. ``elsewhere`` maps control ids to functions giving those
    rules' findings as :func:`rule_findings` computes them (in another process, meanwhile):
    they are not run here, and are called, in rule order, after ``concentration``. The
    findings are in rule order all the same. ``meanwhile``, when some rules wait
    (deferred or elsewhere), is called before the first wait with the findings computed
    so far (in rule order) and the ids of the controls still to come: work on them that
    fills the wait (a report's risk removed)."""
    later = callable(concentration)
    given = None if callable(concentration) else concentration
    context = _context(view, policy, concentration_policy, as_of, usage, given, snapshot)
    chosen = list(rules)
    remote = elsewhere or {}
    found: list[list[FindingItem]] = [[] for _ in chosen]
    deferred = [i for i, r in enumerate(chosen) if later and r.control.id in READS_CONCENTRATION]
    for i, rule in enumerate(chosen):
        if i not in deferred and rule.control.id not in remote:
            found[i] = _findings(rule, context)
    waiting = [i for i, r in enumerate(chosen) if i in deferred or r.control.id in remote]
    if meanwhile is not None and waiting:
        pending = frozenset(chosen[i].control.id for i in waiting)
        meanwhile(
            [f for i, rule_found in enumerate(found) if i not in waiting for f in rule_found],
            pending,
        )
    if deferred and callable(concentration):
        context.use_concentration(concentration())
        for i in deferred:
            found[i] = _findings(chosen[i], context)
    for i, rule in enumerate(chosen):
        if rule.control.id in remote:
            found[i] = remote[rule.control.id]()
    return [f for per_rule in found for f in per_rule]


def rule_findings(
    view: nx.MultiDiGraph,
    control: str,
    *,
    policy: ControlsPolicy | None = None,
    concentration_policy: ConcentrationPolicy | None = None,
    as_of: date,
    usage: EstateUsage | None = None,
    snapshot: Snapshot | None = None,
) -> list[FindingItem]:
    """The findings of the rule of ``control`` alone (one that does not read the
    concentration findings), as :func:`evaluate_items` makes them."""
    (rule,) = [r for r in RULES if r.control.id == control]
    context = _context(view, policy, concentration_policy, as_of, usage, None, snapshot)
    return _findings(rule, context)


def _context(
    view: nx.MultiDiGraph,
    policy: ControlsPolicy | None,
    concentration_policy: ConcentrationPolicy | None,
    as_of: date,
    usage: EstateUsage | None,
    concentration: ConcentrationReport | None,
    snapshot: Snapshot | None,
) -> RuleContext:
    return RuleContext(
        view,
        policy=policy or ControlsPolicy(),
        concentration_policy=concentration_policy or ConcentrationPolicy(),
        as_of=as_of,
        usage=usage,
        concentration=concentration,
        snapshot=snapshot,
    )


READS_CONCENTRATION = frozenset({SD_01.id, SD_02.id})
"""Controls whose rules read the concentration report's findings (single-vendor and
systemic rows), when the caller has one."""


def _findings(rule: Rule, context: RuleContext) -> list[FindingItem]:
    out = []
    for subject in rule.subjects(context):
        finding = rule.check(subject, context)
        if finding is not None:
            out.append(finding)
    return out


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
