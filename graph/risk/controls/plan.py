"""The remediation plan as tuples: what a report lists, without a model per finding.

``attach_risk_removed(view, evaluate_controls(view, ...))`` makes a :class:`Finding` and
its :class:`Evidence` models, sorts them, copies each finding that gets a risk removed and
sorts again. A report only reads their values into its own rows, so :func:`control_plan`
keeps the rules' tuples, computes risk removed once and sorts once; :meth:`ControlPlan.models`
gives the models when something needs them (equal to the two calls above, tested).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from graph.risk.concentration_models import ConcentrationReport
from graph.risk.concentration_usage import EstateUsage
from graph.risk.controls.base import Finding, FindingStatus, RiskRemoved, item_plan_key
from graph.risk.controls.engine import evaluate_items
from graph.risk.controls.records import FindingItem, finding_model
from graph.risk.policy import Policy
from graph.risk.remediation import ROLLOUT_CONTROLS, SAFE_FAILURE_CONTROLS, risk_removed
from graph.vocabulary import Severity

if TYPE_CHECKING:
    from graph.risk.snapshot import Snapshot

__all__ = ["ControlPlan", "control_plan", "plan_order"]

SIMULATED = ROLLOUT_CONTROLS | SAFE_FAILURE_CONTROLS
"""Controls whose findings get a risk removed."""


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
    concentration: ConcentrationReport | Callable[[], ConcentrationReport] | None = None,
    snapshot: Snapshot | None = None,
    elsewhere: Mapping[str, Callable[[], list[FindingItem]]] | None = None,
) -> ControlPlan:
    """``attach_risk_removed(view, evaluate_controls(view, ...), ...)`` as tuples; the
    arguments mean what they mean there (``policy`` is the whole policy; ``concentration``
    and ``elsewhere`` may be functions, see :func:`~graph.risk.controls.engine.evaluate_items`)."""
    early: dict[str, RiskRemoved] = {}
    pending: set[str] = set()  # controls whose findings came after ``early`` was computed

    def meanwhile(local: list[FindingItem], waiting: frozenset[str]) -> None:
        early.update(risk_removed(view, local, policy=policy, snapshot=snapshot))
        pending.update(waiting)

    found = evaluate_items(
        view,
        policy=policy.controls,
        concentration_policy=policy.concentration,
        as_of=as_of,
        usage=usage,
        concentration=concentration,
        snapshot=snapshot,
        elsewhere=elsewhere,
        meanwhile=meanwhile,  # risk removed while the rules computed elsewhere finish
    )
    if not pending:
        by_id = risk_removed(view, found, policy=policy, snapshot=snapshot)
    elif pending & SIMULATED:  # per finding, so computing it in two parts is the same
        rest = [f for f in found if f.control in pending]
        by_id = {**early, **risk_removed(view, rest, policy=policy, snapshot=snapshot)}
    else:
        by_id = early
    removed = [by_id.get(f[0]) for f in found]
    order = plan_order(found, removed)
    return ControlPlan(
        findings=tuple([found[i] for i in order]), removed=tuple([removed[i] for i in order])
    )


def plan_order(found: list[FindingItem], removed: list[RiskRemoved | None]) -> list[int]:
    """Positions of ``found`` (``removed[i]`` the risk removed of ``found[i]``) sorted by
    :func:`item_plan_key`, as a stable sort orders them.

    The key's numbers are sorted as columns (``numpy.lexsort``, stable) and its last part,
    the finding id, through each id's rank in a sort of the ids (equal ids ranked in input
    order, as a stable sort keeps them); 93,000 key tuples compared in Python were the
    plan's slowest step. Numbers beyond 64 bits fall back to the tuple sort.
    """
    n = len(found)
    ids = [f[0] for f in found]
    rank = np.empty(n, dtype=np.int64)
    rank[sorted(range(n), key=ids.__getitem__)] = np.arange(n)
    none = [r is None for r in removed]
    figures = [_NOTHING if r is None else r.__dict__ for r in removed]
    columns = [
        [-f["hosts_down_avoided"] for f in figures],
        [-f["operators_avoided"] for f in figures],
        [-f["recovery_hours_avoided"] for f in figures],
        [_SEVERITY_RANK[f[3]] for f in found],
        [0 if f[4] is FindingStatus.MISSING else 1 for f in found],
        [not f[14] for f in found],
        [-f[15].hosts for f in found],
    ]
    try:
        keys: list[NDArray[Any]] = [
            np.asarray(c, dtype=t) for c, t in zip(columns, _TYPES, strict=True)
        ]
    except OverflowError:
        return sorted(range(n), key=lambda i: item_plan_key(found[i], removed[i]))
    keys.insert(0, np.asarray(none, dtype=np.bool_))
    keys.append(rank)
    return np.lexsort(keys[::-1]).tolist() if n else []


_NOTHING = {"hosts_down_avoided": 0.0, "operators_avoided": 0, "recovery_hours_avoided": 0.0}
_TYPES = (np.float64, np.int64, np.float64, np.int64, np.int64, np.bool_, np.int64)
_SEVERITY_RANK = {s: s.rank for s in Severity}
