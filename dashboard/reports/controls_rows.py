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
from collections.abc import Iterable, Sequence
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

# the fields of a row made below, as trusted_row makes it (graph.trusted); every row of a
# model shares one fields-set: rows are frozen, and pydantic copies the set before it
# changes one (model_copy), so no row's set is ever changed in place (300,000 sets of 5
# to 20 names were about 110 MB at 100k)
_new = object.__new__
_put = object.__setattr__
_FINDING_SET = set(ReportFinding.model_fields)
_EVIDENCE_SET = set(EvidenceRow.model_fields)
_VALUES: dict[Any, str] = {
    **{s: s.value for s in Severity},
    **{s: s.value for s in FindingStatus},
    **{k: k.value for k in NodeKind},
}


def plan_findings(
    plan: ControlPlan, plain: list[dict[str, Any]] | None = None
) -> tuple[ReportFinding, ...]:
    """The plan's findings as report rows, in its order (``order`` counts from 1).
    ``plain``, when given, receives each row as JSON writes it: its fields as a dict, the
    rows it holds as their field dicts (:func:`dashboard.reports.modeljson`'s ``replace``:
    orjson then writes them without a call back per model)."""
    return _rows(plan.findings, plan.removed, plain)


def report_findings(findings: Iterable[Finding]) -> tuple[ReportFinding, ...]:
    """Findings in remediation order, flattened with evidence sources and frameworks."""
    found = list(findings)
    return _rows([item_of(f) for f in found], [f.risk_removed for f in found])


def _rows(
    findings: Sequence[FindingItem],
    removed: Sequence[RiskRemoved | None],
    plain: list[dict[str, Any]] | None = None,
) -> tuple[ReportFinding, ...]:
    """One row per finding (``order`` from 1), each with its evidence rows.

    Rows shared between findings are built once: a control's references (findings of one
    control cite the same tuple), a node's sources (findings about one node cite the
    view's provenance tuple), a channel's risk removed, and an evidence record several
    findings cite (the rules make one per node and attribute). Caches are keyed by
    identity and hold their key object, so an ``id`` is never reused while cached. The
    loop is written out (no call per row): it makes about 300,000 rows at 100k.
    """
    new, put = _new, _put
    values_of = _VALUES
    refs_by: dict[int, tuple[tuple[str, ...], tuple[FrameworkRef, ...]]] = {}
    sources_by: dict[
        int, tuple[tuple[Provenance, ...], tuple[SourceRef, ...], int, tuple[dict[str, Any], ...]]
    ] = {}
    removed_by: dict[int, tuple[RiskRemoved, RiskRemovedRow]] = {}
    evidence_by: dict[int, tuple[EvidenceItem, EvidenceRow, dict[str, Any]]] = {}
    plain_refs: dict[int, tuple[dict[str, Any], ...]] = {}
    keep = plain is not None
    finding_set, evidence_set = _FINDING_SET, _EVIDENCE_SET
    out = []
    order = 0
    for f, gone in zip(findings, removed, strict=True):
        order += 1
        cited = []
        cited_plain = []
        for e in f[11]:
            shared = evidence_by.get(id(e))
            if shared is not None:  # the rules share one record per node and attribute
                cited.append(shared[1])
                cited_plain.append(shared[2])
                continue
            subject, attribute, value, provenance = e
            sources = sources_by.get(id(provenance))
            if sources is None:
                refs_of = _source_refs(provenance)
                sources = sources_by[id(provenance)] = (
                    provenance,
                    refs_of,
                    len(provenance),
                    tuple([r.__dict__ for r in refs_of]) if keep else (),
                )
            values: dict[str, Any] = {
                "subject": subject,
                "attribute": attribute,
                "value": value,
                "sources": sources[1],
                "sources_total": sources[2],
            }
            if type(value) is float and not math.isfinite(value):
                cited.append(EvidenceRow(**values))  # validated, so rejected: no NaN or inf
                continue
            row = new(EvidenceRow)
            put(row, "__dict__", values)
            put(row, "__pydantic_fields_set__", evidence_set)
            put(row, "__pydantic_extra__", None)
            put(row, "__pydantic_private__", None)
            row_plain = {**values, "sources": sources[3]} if keep else values
            evidence_by[id(e)] = (e, row, row_plain)
            cited.append(row)
            cited_plain.append(row_plain)
        refs = refs_by.get(id(f[12]))
        if refs is None:
            refs = refs_by[id(f[12])] = (f[12], framework_refs(f[12]))
            if keep:
                plain_refs[id(f[12])] = tuple([r.__dict__ for r in refs[1]])
        removed_row = None
        if gone is not None:
            known = removed_by.get(id(gone))
            if known is None:
                known = removed_by[id(gone)] = (gone, _removed_row(gone))
            removed_row = known[1]
        reach = f[15].__dict__
        finding = new(ReportFinding)
        put(
            finding,
            "__dict__",
            {
                "order": order,
                "id": f[0],
                "control": f[1],
                "title": f[2],
                "severity": values_of[f[3]],
                "status": values_of[f[4]],
                "subject": f[5],
                "subject_kind": values_of[f[6]],
                "vendor": f[8],
                "channel": f[9],
                "operator": f[10],
                "evidence": tuple(cited),
                "references": refs[1],
                "remediation": f[13],
                "related_controls": f[14],
                "reach_hosts": reach["hosts"],
                "reach_critical_hosts": reach["critical_hosts"],
                "reach_operators": len(reach["operators"]),
                "reach_cii_operators": len(reach["cii_operators"]),
                "risk_removed": removed_row,
            },
        )
        put(finding, "__pydantic_fields_set__", finding_set)
        put(finding, "__pydantic_extra__", None)
        put(finding, "__pydantic_private__", None)
        out.append(finding)
        if plain is not None:
            plain.append(
                {
                    **finding.__dict__,
                    "evidence": tuple(cited_plain),
                    "references": plain_refs[id(f[12])],
                    "risk_removed": None if removed_row is None else removed_row.__dict__,
                }
            )
    return tuple(out)


def _source_refs(provenance: tuple[Provenance, ...]) -> tuple[SourceRef, ...]:
    return tuple(
        [
            trusted_row(SourceRef, {"document_id": p.document_id, "location": p.location})
            for p in provenance[:MAX_SOURCES]
        ]
    )


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
