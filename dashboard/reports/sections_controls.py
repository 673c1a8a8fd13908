"""Report sections for controls, policy parameters and the methodology text."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any

from pydantic import BaseModel

from dashboard.reports.frameworks import FRAMEWORKS, framework_refs
from dashboard.reports.model import (
    ControlRow,
    ControlsSection,
    EvidenceRow,
    FrameworkCoverage,
    FrameworkRef,
    Methodology,
    PolicyParameter,
    ReportFinding,
    RiskRemovedRow,
    SourceRef,
)
from dashboard.reports.trusted import trusted_row
from graph.model import Provenance
from graph.risk.controls.base import Evidence, Finding, RiskRemoved
from graph.risk.controls.catalogue import CONTROLS
from graph.risk.policy import Policy
from graph.vocabulary import Severity

__all__ = [
    "MAX_SOURCES",
    "METHODOLOGY",
    "controls_section",
    "methodology",
    "policy_parameters",
    "report_findings",
]

MAX_SOURCES = 10
"""Asserting documents listed per evidence row. A vendor named by every SBOM of an estate
would otherwise list thousands of documents on every finding about that vendor (100k
estate: gigabytes of JSON); the row keeps the count, the store keeps them all."""

METHODOLOGY: tuple[str, ...] = (
    "Scope: the graph is cut to the scope's operators before any analysis (the same cut "
    "the dashboard applies to a signed-in role); vendors, products, components, channels "
    "and platforms are shared facts and stay. In an operator-scoped report other operators "
    "appear only as totals over cohorts of at least min_cohort operators.",
    "Inputs: every figure is computed from the active documents listed under Inputs; "
    "superseded documents are listed with the document that superseded them. Vendor "
    "spellings are merged by the vendor aliases documents before analysis.",
    "Blast radius: a failing vendor or update channel reaches a host group when the group "
    "runs a product whose contains/depends-on closure reaches a failing component, or runs "
    "on a failing platform. Host-fatal privileges (kernel, boot-start driver, firmware, "
    "hypervisor) take hosts down; others degrade them. Staged rollout, operator rings, "
    "pins and channel choices limit reach as declared; undeclared controls are taken at "
    "their worst.",
    "Recovery: hands-on hosts x minutes per host / technicians, plus key retrieval, "
    "re-imaging without escrowed keys, travel without out-of-band console and cloud rescue "
    "workflows; the recovery curve is hosts back by hour. All minutes are policy "
    "parameters (project policy calibrated on the July 2024 incident facts).",
    "Concentration: vendor shares per layer (product category) weighted by hosts and by "
    "hosts of critical functions; HHI = sum of squared % shares (0-10,000), CR1, CR3, "
    "effective suppliers = 10,000 / HHI; bands of the US DOJ/FTC Merger Guidelines 2023 "
    "(regulatory numbers) and 2010 for comparison.",
    "Controls: one rule per catalogue entry (KG- ids, shared/domain/controls.md) checks "
    "declared attributes; an undeclared attribute gives an 'unknown' finding, never a pass. "
    "Severity starts from the catalogue's guidance and is graded by reach and "
    "irreversibility. Each finding cites the attribute, its value and the documents that "
    "asserted it (the first 10 by document id, and how many there are).",
    "Remediation order: findings are ordered by the blast radius their remediation removes "
    "(rollout controls simulated with the policy's remedy rollout; safe-failure controls "
    "remove the channel's hosts down), then severity, status, reach and id.",
    "Reproducibility: the same store, scope, policy, options and clock give the same "
    "report; the manifest records them with the input hashes, and integrity.body_sha256 is "
    "the SHA-256 of the canonical JSON of the report without 'integrity'. 'riskgraph "
    "report verify' rebuilds the report from the store and compares.",
)


def report_findings(findings: Iterable[Finding]) -> tuple[ReportFinding, ...]:
    """Findings in remediation order, flattened with evidence sources and frameworks."""
    rows = _Rows()
    return tuple(_finding(i, f, rows) for i, f in enumerate(findings, start=1))


class _Rows:
    """Rows shared between findings, built once: a control's references, a node's sources.

    Findings of one control cite the same reference tuple, and findings about one node the
    same provenance tuple (the view's), so 92,928 findings at 100k need a few thousand.
    Keys hold the tuples themselves, so an ``id`` is never reused while cached.
    """

    def __init__(self) -> None:
        self._refs: dict[tuple[str, ...], tuple[FrameworkRef, ...]] = {}
        self._sources: dict[int, tuple[tuple[Provenance, ...], tuple[SourceRef, ...]]] = {}

    def references(self, references: tuple[str, ...]) -> tuple[FrameworkRef, ...]:
        if references not in self._refs:
            self._refs[references] = framework_refs(references)
        return self._refs[references]

    def sources(self, provenance: tuple[Provenance, ...]) -> tuple[SourceRef, ...]:
        cached = self._sources.get(id(provenance))
        if cached is None:
            refs = tuple(
                trusted_row(SourceRef, {"document_id": p.document_id, "location": p.location})
                for p in provenance[:MAX_SOURCES]
            )
            cached = self._sources[id(provenance)] = (provenance, refs)
        return cached[1]


def _finding(order: int, f: Finding, rows: _Rows) -> ReportFinding:
    """One report row, built without revalidation: every value comes from a validated
    :class:`Finding` and already has the row's type (ints, strings, finite floats); a
    float that is not finite goes through validation and fails as it always did."""
    removed = f.risk_removed
    reach = f.reach
    return trusted_row(
        ReportFinding,
        {
            "order": order,
            "id": f.id,
            "control": f.control,
            "title": f.title,
            "severity": f.severity.value,
            "status": f.status.value,
            "subject": f.subject,
            "subject_kind": f.subject_kind.value,
            "vendor": f.vendor,
            "channel": f.channel,
            "operator": f.operator,
            "evidence": tuple([_evidence_row(e, rows) for e in f.evidence]),
            "references": rows.references(f.references),
            "remediation": f.remediation,
            "related_controls": f.related_controls,
            "reach_hosts": reach.hosts,
            "reach_critical_hosts": reach.critical_hosts,
            "reach_operators": len(reach.operators),
            "reach_cii_operators": len(reach.cii_operators),
            "risk_removed": None if removed is None else _removed_row(removed),
        },
    )


def _evidence_row(e: Evidence, rows: _Rows) -> EvidenceRow:
    values: dict[str, Any] = {
        "subject": e.subject,
        "attribute": e.attribute,
        "value": e.value,
        "sources": rows.sources(e.provenance),
        "sources_total": len(e.provenance),
    }
    if isinstance(e.value, float) and not math.isfinite(e.value):
        return EvidenceRow(**values)  # validated, so rejected: no NaN or infinity
    return trusted_row(EvidenceRow, values)


def _removed_row(removed: RiskRemoved) -> RiskRemovedRow:
    # float fields: validation made floats of whole numbers (5 -> 5.0), so does float()
    down = float(round(removed.hosts_down_avoided, 3))
    hours = float(round(removed.recovery_hours_avoided, 3))
    build: Callable[..., RiskRemovedRow] = RiskRemovedRow.model_construct
    if not (math.isfinite(down) and math.isfinite(hours)):
        build = RiskRemovedRow  # validated, so rejected
    return build(
        hosts_down_avoided=down,
        operators_avoided=removed.operators_avoided,
        recovery_hours_avoided=hours,
    )


def controls_section(findings: tuple[ReportFinding, ...]) -> ControlsSection:
    """Findings, counts by severity and by framework, and the catalogue applied."""
    severities = Counter(f.severity for f in findings)
    per_framework: dict[str, set[str]] = {}
    counts: Counter[str] = Counter()
    for f in findings:
        names = {r.framework for r in f.references}
        for name in names:
            per_framework.setdefault(name, set()).add(f.control)
            counts[name] += 1
    return ControlsSection(
        findings=findings,
        by_severity={s.value: severities.get(s.value, 0) for s in Severity},
        by_framework=tuple(
            FrameworkCoverage(
                framework=name,
                controls=tuple(sorted(per_framework.get(name, ()))),
                findings=counts[name],
            )
            for name in FRAMEWORKS
            if name in _CITED
        ),
        catalogue=tuple(
            ControlRow(
                id=c.id,
                title=c.title,
                severity_guidance=c.severity_guidance,
                references=framework_refs(c.references),
            )
            for c in CONTROLS
        ),
    )


_CITED = frozenset(r.framework for c in CONTROLS for r in framework_refs(c.references))
"""Frameworks the catalogue cites (controls.md cites no SP 800-161 control: none is listed)."""


def policy_parameters(policy: Policy) -> tuple[PolicyParameter, ...]:
    """Every policy field as a dotted name, value, basis and description."""
    return tuple(_walk(policy, ""))


def methodology(policy: Policy) -> Methodology:
    return Methodology(
        ruleset_version=policy.version,
        notes=METHODOLOGY,
        parameters=policy_parameters(policy),
    )


def _walk(model: BaseModel, prefix: str) -> Iterable[PolicyParameter]:
    for name, field in type(model).model_fields.items():
        if not prefix and name == "version":
            continue  # the ruleset version, reported on its own
        value = getattr(model, name)
        path = f"{prefix}{name}"
        description = field.description or ""
        if isinstance(value, BaseModel):
            yield from _walk(value, f"{path}.")
        elif isinstance(value, dict):
            for key in sorted(value):
                yield _parameter(f"{path}.{key}", value[key], description)
        else:
            yield _parameter(path, value, description)


def _parameter(name: str, value: Any, description: str) -> PolicyParameter:
    return PolicyParameter(
        name=name,
        value=_plain(value),
        basis="regulatory" if description.startswith("Regulatory") else "project policy",
        description=description,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
