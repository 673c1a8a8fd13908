"""The report's control-finding rows, built from the rules' tuples or from findings.

:func:`plan_findings` turns a :class:`graph.risk.controls.plan.ControlPlan` (the rules'
tuples in remediation order) into :class:`ReportFinding` rows with no
:class:`graph.risk.controls.base.Finding` in between; :func:`report_findings` does the
same for findings (the CLI's and dashboard's models) through the same code. Rows are made
without revalidation: every value comes from a validated tuple or model and already has
the row's type (ints, strings, finite floats); a float that is not finite goes through
validation and fails as it always did.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from dashboard.reports.frameworks import framework_refs
from dashboard.reports.model import (
    EvidenceRow,
    FrameworkRef,
    ReportFinding,
    RiskRemovedRow,
    SourceRef,
)
from dashboard.reports.trusted import trusted_row
from graph.model import Provenance
from graph.risk.controls.base import Finding, FindingStatus, RiskRemoved
from graph.risk.controls.plan import ControlPlan
from graph.risk.controls.records import EvidenceItem, FindingItem, item_of
from graph.vocabulary import NodeKind, Severity

__all__ = ["MAX_SOURCES", "plan_findings", "report_findings"]

MAX_SOURCES = 10
"""Asserting documents listed per evidence row. A vendor named by every SBOM of an estate
would otherwise list thousands of documents on every finding about that vendor (100k
estate: gigabytes of JSON); the row keeps the count, the store keeps them all."""

_VALUES: dict[Any, str] = {
    **{s: s.value for s in Severity},
    **{s: s.value for s in FindingStatus},
    **{k: k.value for k in NodeKind},
}


def plan_findings(plan: ControlPlan) -> tuple[ReportFinding, ...]:
    """The plan's findings as report rows, in its order (``order`` counts from 1)."""
    rows = _Rows()
    build = rows.finding
    return tuple(
        [
            build(order, f, r)
            for order, (f, r) in enumerate(zip(plan.findings, plan.removed, strict=True), 1)
        ]
    )


def report_findings(findings: Iterable[Finding]) -> tuple[ReportFinding, ...]:
    """Findings in remediation order, flattened with evidence sources and frameworks."""
    rows = _Rows()
    return tuple(
        [rows.finding(i, item_of(f), f.risk_removed) for i, f in enumerate(findings, start=1)]
    )


class _Rows:
    """Rows shared between findings, built once: a control's references, a node's sources,
    a channel's risk removed.

    Findings of one control cite the same reference tuple, findings about one node the
    same provenance tuple (the view's), and the findings of one channel the same risk
    removed, so 92,928 findings at 100k need a few thousand. Keys are identities; each
    entry holds its key object, so an ``id`` is never reused while cached.
    """

    def __init__(self) -> None:
        self._refs: dict[int, tuple[tuple[str, ...], tuple[FrameworkRef, ...]]] = {}
        self._sources: dict[int, tuple[tuple[Provenance, ...], tuple[SourceRef, ...]]] = {}
        self._removed: dict[int, tuple[RiskRemoved, RiskRemovedRow]] = {}

    def finding(self, order: int, f: FindingItem, removed: RiskRemoved | None) -> ReportFinding:
        reach = f[15].__dict__
        refs = self._refs.get(id(f[12]))
        if refs is None:
            refs = self._refs[id(f[12])] = (f[12], framework_refs(f[12]))
        return trusted_row(
            ReportFinding,
            {
                "order": order,
                "id": f[0],
                "control": f[1],
                "title": f[2],
                "severity": _VALUES[f[3]],
                "status": _VALUES[f[4]],
                "subject": f[5],
                "subject_kind": _VALUES[f[6]],
                "vendor": f[8],
                "channel": f[9],
                "operator": f[10],
                "evidence": tuple([self.evidence(e) for e in f[11]]),
                "references": refs[1],
                "remediation": f[13],
                "related_controls": f[14],
                "reach_hosts": reach["hosts"],
                "reach_critical_hosts": reach["critical_hosts"],
                "reach_operators": len(reach["operators"]),
                "reach_cii_operators": len(reach["cii_operators"]),
                "risk_removed": None if removed is None else self.removed(removed),
            },
        )

    def evidence(self, e: EvidenceItem) -> EvidenceRow:
        provenance = e[3]
        cached = self._sources.get(id(provenance))
        if cached is None:
            refs = tuple(
                [
                    trusted_row(SourceRef, {"document_id": p.document_id, "location": p.location})
                    for p in provenance[:MAX_SOURCES]
                ]
            )
            cached = self._sources[id(provenance)] = (provenance, refs)
        value = e[2]
        values: dict[str, Any] = {
            "subject": e[0],
            "attribute": e[1],
            "value": value,
            "sources": cached[1],
            "sources_total": len(provenance),
        }
        if type(value) is float and not math.isfinite(value):
            return EvidenceRow(**values)  # validated, so rejected: no NaN or infinity
        return trusted_row(EvidenceRow, values)

    def removed(self, removed: RiskRemoved) -> RiskRemovedRow:
        cached = self._removed.get(id(removed))
        if cached is None:
            cached = self._removed[id(removed)] = (removed, _removed_row(removed))
        return cached[1]


def _removed_row(removed: RiskRemoved) -> RiskRemovedRow:
    # float fields: validation made floats of whole numbers (5 -> 5.0), so does float()
    down = float(round(removed.hosts_down_avoided, 3))
    hours = float(round(removed.recovery_hours_avoided, 3))
    values: dict[str, Any] = {
        "hosts_down_avoided": down,
        "operators_avoided": removed.operators_avoided,
        "recovery_hours_avoided": hours,
    }
    if not (math.isfinite(down) and math.isfinite(hours)):
        return RiskRemovedRow(**values)  # validated, so rejected
    return RiskRemovedRow.model_construct(**values)
