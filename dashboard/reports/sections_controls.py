"""Report sections for controls, policy parameters and the methodology text."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from operator import attrgetter, itemgetter
from typing import Any

from pydantic import BaseModel

from dashboard.reports.controls_rows import (
    MAX_SOURCES,
    Row,
    plain_findings,
    plan_findings,
    report_findings,
)
from dashboard.reports.frameworks import FRAMEWORKS, framework_refs
from dashboard.reports.model import (
    ControlRow,
    ControlsSection,
    FrameworkCoverage,
    Methodology,
    PolicyParameter,
    ReportFinding,
)
from graph.risk.controls.catalogue import CONTROLS
from graph.risk.policy import Policy
from graph.vocabulary import Severity

__all__ = [
    "MAX_SOURCES",
    "METHODOLOGY",
    "controls_section",
    "methodology",
    "plain_controls_section",
    "plain_findings",
    "plan_findings",
    "policy_parameters",
    "report_findings",
]

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


def controls_section(findings: tuple[ReportFinding, ...]) -> ControlsSection:
    """Findings, counts by severity and by framework, and the catalogue applied."""
    return _section(findings, findings, _SEVERITY, _REFERENCES, _CONTROL, _FRAMEWORK)


def plain_controls_section(rows: list[Row]) -> ControlsSection:
    """:func:`controls_section` of the findings of ``rows`` (:func:`plain_findings`), but
    with no findings: the JSON writer takes ``rows`` in their place, and no model of them
    is made (:mod:`dashboard.reports.jsondoc`)."""
    return _section(
        (),
        rows,
        itemgetter("severity"),
        itemgetter("references"),
        itemgetter("control"),
        itemgetter("framework"),
    )


def _section(
    findings: tuple[ReportFinding, ...],
    counted: Sequence[Any],
    severity_of: Callable[[Any], str],
    references_of: Callable[[Any], tuple[Any, ...]],
    control_of: Callable[[Any], str],
    framework_of: Callable[[Any], str],
) -> ControlsSection:
    """The section of ``findings``, its counts those of ``counted`` (the same findings as
    models or as rows, their fields read by the getters)."""
    severities = Counter(map(severity_of, counted))
    # findings of one control share one reference tuple: count per (tuple, control) first
    # (counted in C: about 93,000 findings at 100k)
    refs = list(map(references_of, counted))
    controls = map(control_of, counted)
    cited: Counter[tuple[int, str]] = Counter(zip(map(id, refs), controls, strict=True))
    references = {id(r): r for r in refs}
    per_framework: dict[str, set[str]] = {}
    counts: Counter[str] = Counter()
    for (refs_id, control), n in cited.items():
        for name in set(map(framework_of, references[refs_id])):
            per_framework.setdefault(name, set()).add(control)
            counts[name] += n
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


_SEVERITY = attrgetter("severity")
_REFERENCES = attrgetter("references")
_CONTROL = attrgetter("control")
_FRAMEWORK = attrgetter("framework")


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
