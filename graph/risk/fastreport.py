"""Full blast radii from the snapshot engine: what a report reads of the reference's.

:class:`SnapshotRadii` answers :func:`graph.risk.blast.blast_radius` queries
(``evidence_paths=False``) over a :class:`~graph.risk.snapshot.Snapshot` of the view:
the failing nodes, hosts down/degraded/compromised, operators (recovery, functions lost),
functions against their RTO, sectors, jurisdictions, the recovery curve and the unknowns,
equal field by field to the reference's result, except that ``host_groups`` is left empty
(its ``via`` and ``protected_by`` need one search per failing node: ask the reference for
a subject's per-group rows). The search is the compiled one
(:mod:`graph.risk.fastdetail`); names, sectors and RTOs are read from the view, once per
operator and function. Not thread-safe (the snapshot's scratch arrays are shared).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import networkx as nx

from graph.risk.blast import blast_radius, group_totals, operator_sectors
from graph.risk.blast_results import (
    BlastRadius,
    FunctionImpact,
    OperatorImpact,
    RecoveryPoint,
)
from graph.risk.fastblast import SUBJECT_KINDS
from graph.risk.fastdetail import (
    GroupRows,
    OperatorRows,
    function_rows,
    group_rows,
    hosts_back,
    operator_rows,
)
from graph.risk.fastfailing import FailingNodes
from graph.risk.fastsources import SourcePlanner
from graph.risk.policy import Policy
from graph.risk.recovery import curve_hours
from graph.risk.rollout import RolloutOverride
from graph.risk.snapshot import Snapshot
from graph.risk.subject import FailureMode, Subject, resolve_subject
from graph.trusted import trusted_model

__all__ = ["SnapshotRadii"]

_Overrides = Mapping[str, RolloutOverride] | None


class SnapshotRadii:
    """Blast radii of subjects of one view (``snap`` is its snapshot) in one mode and policy."""

    def __init__(
        self,
        snap: Snapshot,
        view: nx.MultiDiGraph,
        mode: FailureMode = FailureMode.BAD_UPDATE,
        *,
        policy: Policy | None = None,
        push_time: datetime | None = None,
    ) -> None:
        self.snap, self.view, self.mode = snap, view, mode
        self.policy = policy or Policy()
        self.push_time = push_time
        self._failing = FailingNodes(snap, self.policy)
        self._operators: dict[int, OperatorImpact] = {}
        self._functions: dict[int, tuple[FunctionImpact, Any]] = {}

    def node_of(self, subject: Subject) -> int | None:
        """The snapshot node ``subject`` names, or None when the engine cannot take it
        (several nodes, a vulnerability)."""
        keys = resolve_subject(self.view, subject)
        node = self.snap.index.get(keys[0]) if len(keys) == 1 else None
        return (
            node if node is not None and int(self.snap.cols.kind[node]) in SUBJECT_KINDS else None
        )

    def rows(self, node: int, overrides: _Overrides = None) -> GroupRows:
        """The touched host groups of node ``node``'s radius, ``overrides`` on its channels."""
        planner = SourcePlanner(self.snap, self.mode, self.policy, overrides)
        return group_rows(self.snap, planner.groups(node), self.mode, self.policy, self.push_time)

    def operators(self, node: int, overrides: _Overrides = None) -> OperatorRows:
        """The per-operator sums of node ``node``'s radius (what-ifs need no more)."""
        return operator_rows(self.snap, self.rows(node, overrides))

    def radius(self, subject: Subject, overrides: _Overrides = None) -> BlastRadius:
        """``blast_radius(view, subject, mode, policy=..., overrides=..., push_time=...,
        evidence_paths=False)`` with ``host_groups`` empty."""
        node = self.node_of(subject)
        if node is None:  # not the engine's: the reference, cut the same way
            reference = blast_radius(
                self.view,
                subject,
                self.mode,
                policy=self.policy,
                overrides=overrides,
                push_time=self.push_time,
                evidence_paths=False,
            )
            return reference.model_copy(update={"host_groups": []})
        planner = SourcePlanner(self.snap, self.mode, self.policy, overrides)
        failing, unknowns = self._failing.of(planner, node, overrides or {})
        rows = group_rows(self.snap, planner.groups(node), self.mode, self.policy, self.push_time)
        functions = self._function_impacts(rows)
        operators = self._operator_impacts(rows, functions)
        total_down = int(rows.down.sum())
        horizon = max(rows.hours[rows.down > 0].tolist(), default=0.0)
        hours = curve_hours(horizon) if total_down else []
        curve = [
            RecoveryPoint(hour=h, hosts_back=back, share_back=round(back / total_down, 4))
            for h, back in zip(hours, hosts_back(rows, hours), strict=True)
        ]
        hit = [o for o in operators if o.hosts_down or o.hosts_degraded or o.hosts_compromised]
        policy = self.policy
        return BlastRadius(
            subject=subject,
            mode=self.mode,
            failing=failing,
            online_fraction=policy.online_fraction,
            push_time=self.push_time,
            window_hours=policy.window_hours,
            hosts_down=total_down,
            hosts_degraded=int(rows.degraded.sum()),
            hosts_compromised=int(rows.compromised.sum()),
            hands_on_hosts=int(rows.hands_on.sum()),
            recovery_hours=round(horizon, 2),
            operators_hit=len(hit),
            sectors_hit=sorted({s for o in hit for s in o.sectors}),
            critical_functions_lost=sum(1 for f in functions if f.critical and f.status == "lost"),
            host_groups=[],
            operators=operators,
            functions=functions,
            sectors=group_totals(operators, functions, lambda o: o.sectors),
            jurisdictions=group_totals(operators, functions, lambda o: o.jurisdictions),
            recovery_curve=curve,
            unknowns=sorted(unknowns | rows.unknowns),
        )

    # -- functions and operators (blast._functions, blast._operators) ----------------------

    def _function_impacts(self, rows: GroupRows) -> list[FunctionImpact]:
        keys = self.snap.keys
        share = self.policy.function_lost_share
        out = []
        for fn, down, degraded, total, recovery in sorted(
            function_rows(self.snap, rows), key=lambda r: keys[r[0]]
        ):
            template, rto = self._function(fn)
            values = {
                **template.__dict__,
                "hosts_total": total,
                "hosts_down": down,
                "hosts_degraded": degraded,
                "status": "lost" if total > 0 and down / total >= share else "degraded",
                "recovery_hours": recovery,
                "rto_breached": None if rto is None or not down else recovery > float(rto),
            }
            out.append(trusted_model(FunctionImpact, values))  # template.model_copy(update=)
        return out

    def _function(self, fn: int) -> tuple[FunctionImpact, Any]:
        found = self._functions.get(fn)
        if found is None:
            key = self.snap.keys[fn]
            attrs = self.view.nodes[key]
            rto = attrs.get("rto_hours")
            template = FunctionImpact(
                function=key,
                name=str(attrs.get("name", key)),
                operator=str(attrs.get("operator", "")),
                critical=bool(attrs.get("critical", True)),
                rto_hours=rto,
                hosts_total=0,
                hosts_down=0,
                hosts_degraded=0,
                status="degraded",
                recovery_hours=0.0,
                rto_breached=None,
            )
            found = self._functions[fn] = (template, rto)
        return found

    def _operator_impacts(
        self, rows: GroupRows, functions: list[FunctionImpact]
    ) -> list[OperatorImpact]:
        lost: dict[str, list[str]] = defaultdict(list)
        for f in functions:
            if f.status == "lost":
                lost[f.operator].append(f.function)
        ops = operator_rows(self.snap, rows)
        out = []
        for i, slot in enumerate(ops.slots):
            template = self._operator(slot)
            values = {
                **template.__dict__,
                "hosts_down": ops.down[i],
                "hosts_degraded": ops.degraded[i],
                "hosts_compromised": ops.compromised[i],
                "recovery_hours": ops.hours[i],
                "functions_lost": sorted(lost.get(template.operator, ())),
            }
            out.append(trusted_model(OperatorImpact, values))  # template.model_copy(update=)
        return out

    def _operator(self, slot: int) -> OperatorImpact:
        found = self._operators.get(slot)
        if found is None:
            op = self.snap.operator_keys[slot]
            view = self.view
            attrs = view.nodes[op] if op in view else {}
            found = self._operators[slot] = OperatorImpact(
                operator=op,
                name=str(attrs.get("name", op)),
                sectors=operator_sectors(view, op),
                jurisdictions=sorted(attrs.get("jurisdictions") or ()),
                cii=bool(attrs.get("cii", False)),
                hosts_down=0,
                hosts_degraded=0,
                hosts_compromised=0,
                recovery_hours=0.0,
                functions_lost=[],
                evidence_path=[],
            )
        return found
