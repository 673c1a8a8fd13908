"""The report's control-finding rows, built from the rules' tuples or from findings.

:func:`plain_findings` turns a :class:`graph.risk.controls.plan.ControlPlan` (the rules'
tuples in remediation order) into the rows as JSON writes them: each finding's fields as
a dict, the rows it holds (evidence, sources, references, risk removed) as their field
dicts, with no :class:`graph.risk.controls.base.Finding` and no model in between
(``riskgraph report --format json`` needs nothing else: :mod:`dashboard.reports.jsondoc`).
:func:`findings_of_rows` makes the :class:`ReportFinding` models of such rows, sharing
their leaf dicts; :func:`plan_findings` is the two, and :func:`report_findings` the same
for findings (the CLI's and dashboard's models). Rows are made without revalidation:
every value comes from a validated tuple or model and already has the row's type (ints,
strings, finite floats); a float that is not finite goes through validation and fails as
it always did.
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
from graph.model import Provenance
from graph.risk.controls.base import Finding, FindingStatus, RiskRemoved
from graph.risk.controls.plan import ControlPlan
from graph.risk.controls.records import EvidenceItem, FindingItem, item_of
from graph.vocabulary import NodeKind, Severity

__all__ = [
    "MAX_SOURCES",
    "findings_of_rows",
    "plain_findings",
    "plan_findings",
    "report_findings",
]

MAX_SOURCES = 10
"""Asserting documents listed per evidence row. A vendor named by every SBOM of an estate
would otherwise list thousands of documents on every finding about that vendor (100k
estate: gigabytes of JSON); the row keeps the count, the store keeps them all."""

Row = dict[str, Any]
"""A finding's row as JSON writes it (see the module docstring)."""

# every model made below gets its class's one fields-set, as pydantic's own would hold
# every field: rows are frozen, and pydantic copies the set before it changes one
# (model_copy), so no row's set is ever changed in place (300,000 sets of 5 to 20 names
# were about 110 MB at 100k)
_new = object.__new__
_put = object.__setattr__
_SETS: dict[type, set[str]] = {
    cls: set(cls.model_fields)
    for cls in (ReportFinding, EvidenceRow, SourceRef, FrameworkRef, RiskRemovedRow)
}
_VALUES: dict[Any, str] = {
    **{s: s.value for s in Severity},
    **{s: s.value for s in FindingStatus},
    **{k: k.value for k in NodeKind},
}


def plan_findings(plan: ControlPlan, plain: list[Row] | None = None) -> tuple[ReportFinding, ...]:
    """The plan's findings as report rows, in its order (``order`` counts from 1).
    ``plain``, when given, receives each row as JSON writes it (:func:`plain_findings`:
    orjson then writes them without a call back per model)."""
    rows = plain_findings(plan)
    if plain is not None:
        plain.extend(rows)
    return findings_of_rows(rows)


def report_findings(findings: Iterable[Finding]) -> tuple[ReportFinding, ...]:
    """Findings in remediation order, flattened with evidence sources and frameworks."""
    found = list(findings)
    return findings_of_rows(_rows([item_of(f) for f in found], [f.risk_removed for f in found]))


def plain_findings(plan: ControlPlan) -> list[Row]:
    """The plan's findings as JSON writes them, in its order (``order`` counts from 1): the
    fields of :func:`plan_findings`'s rows, each held row as its field dict."""
    return _rows(plan.findings, plan.removed)


def _rows(findings: Sequence[FindingItem], removed: Sequence[RiskRemoved | None]) -> list[Row]:
    """One row per finding (``order`` from 1), each with its evidence rows.

    Rows shared between findings are built once: a control's references (findings of one
    control cite the same tuple), a node's sources (findings about one node cite the
    view's provenance tuple), a channel's risk removed, and an evidence record several
    findings cite (the rules make one per node and attribute). Caches are keyed by
    identity and hold their key object, so an ``id`` is never reused while cached. The
    loop is written out (no call per row): it makes about 300,000 rows at 100k.
    """
    values_of = _VALUES
    refs_by: dict[int, tuple[tuple[str, ...], tuple[Row, ...]]] = {}
    sources_by: dict[int, tuple[tuple[Provenance, ...], tuple[Row, ...], int]] = {}
    removed_by: dict[int, tuple[RiskRemoved, Row]] = {}
    evidence_by: dict[int, tuple[EvidenceItem, Row]] = {}
    out = []
    order = 0
    for f, gone in zip(findings, removed, strict=True):
        order += 1
        cited = []
        for e in f[11]:
            shared = evidence_by.get(id(e))
            if shared is not None:  # the rules share one record per node and attribute
                cited.append(shared[1])
                continue
            subject, attribute, value, provenance = e
            sources = sources_by.get(id(provenance))
            if sources is None:
                sources = sources_by[id(provenance)] = (
                    provenance,
                    _source_rows(provenance),
                    len(provenance),
                )
            row: Row = {
                "subject": subject,
                "attribute": attribute,
                "value": value,
                "sources": sources[1],
                "sources_total": sources[2],
            }
            if type(value) is float and not math.isfinite(value):
                EvidenceRow(**row)  # validated, so rejected: no NaN or inf
            evidence_by[id(e)] = (e, row)
            cited.append(row)
        refs = refs_by.get(id(f[12]))
        if refs is None:
            refs = refs_by[id(f[12])] = (f[12], tuple([r.__dict__ for r in framework_refs(f[12])]))
        removed_row = None
        if gone is not None:
            known = removed_by.get(id(gone))
            if known is None:
                known = removed_by[id(gone)] = (gone, _removed_row(gone))
            removed_row = known[1]
        reach = f[15].__dict__
        out.append(
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
            }
        )
    return out


def findings_of_rows(rows: Sequence[Row]) -> tuple[ReportFinding, ...]:
    """The :class:`ReportFinding` models of ``rows`` (:func:`plain_findings`'s): equal to
    validated ones. A held row's model shares its dict when it holds no other row (source,
    reference, risk removed); rows shared between findings give one model."""
    new, put = _new, _put
    finding_set, evidence_set = _SETS[ReportFinding], _SETS[EvidenceRow]
    models: dict[int, Any] = {}  # id(plain) -> model; rows holds every key alive
    out = []
    for row in rows:
        cited = []
        for e in row["evidence"]:
            evidence = models.get(id(e))
            if evidence is None:
                sources = models.get(id(e["sources"]))
                if sources is None:
                    sources = models[id(e["sources"])] = _models(SourceRef, e["sources"])
                evidence = models[id(e)] = new(EvidenceRow)
                put(evidence, "__dict__", {**e, "sources": sources})
                put(evidence, "__pydantic_fields_set__", evidence_set)
                put(evidence, "__pydantic_extra__", None)
                put(evidence, "__pydantic_private__", None)
            cited.append(evidence)
        refs = models.get(id(row["references"]))
        if refs is None:
            refs = models[id(row["references"])] = _models(FrameworkRef, row["references"])
        gone = row["risk_removed"]
        if gone is not None:
            gone = models.get(id(gone))
            if gone is None:
                gone = models[id(row["risk_removed"])] = _model(RiskRemovedRow, row["risk_removed"])
        finding = new(ReportFinding)
        put(
            finding,
            "__dict__",
            {**row, "evidence": tuple(cited), "references": refs, "risk_removed": gone},
        )
        put(finding, "__pydantic_fields_set__", finding_set)
        put(finding, "__pydantic_extra__", None)
        put(finding, "__pydantic_private__", None)
        out.append(finding)
    return tuple(out)


def _model(cls: type[Any], fields: Row) -> Any:
    """A ``cls`` row on the very dict ``fields`` (frozen: neither changes it)."""
    model = _new(cls)
    _put(model, "__dict__", fields)
    _put(model, "__pydantic_fields_set__", _SETS[cls])
    _put(model, "__pydantic_extra__", None)
    _put(model, "__pydantic_private__", None)
    return model


def _models(cls: type[Any], rows: tuple[Row, ...]) -> tuple[Any, ...]:
    return tuple([_model(cls, r) for r in rows])


def _source_rows(provenance: tuple[Provenance, ...]) -> tuple[Row, ...]:
    return tuple(
        [{"document_id": p.document_id, "location": p.location} for p in provenance[:MAX_SOURCES]]
    )


def _removed_row(removed: RiskRemoved) -> Row:
    # float fields: validation made floats of whole numbers (5 -> 5.0), so does float()
    down = float(round(removed.hosts_down_avoided, 3))
    hours = float(round(removed.recovery_hours_avoided, 3))
    values: Row = {
        "hosts_down_avoided": down,
        "operators_avoided": removed.operators_avoided,
        "recovery_hours_avoided": hours,
    }
    if not (math.isfinite(down) and math.isfinite(hours)):
        RiskRemovedRow(**values)  # validated, so rejected
    return values
