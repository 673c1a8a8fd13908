"""Control findings as SARIF 2.1.0, for tools that already read it (code-scanning UIs).

Mapping (also in docs/reports.md):

- one ``run``; ``tool.driver`` is riskgraph with one ``rule`` per catalogue control
  (``KG-SR-01`` ...): title, evidence rule, severity guidance, remediation, and the
  framework references as ``properties.references`` and ``tags``;
- one ``result`` per finding: ``ruleId`` = control, ``kind`` = ``fail`` (an undeclared
  control is never a pass; ``properties.status`` says ``missing`` or ``unknown``),
  ``level`` from severity (critical/high: error, medium: warning, low/info: note) and
  ``properties["security-severity"]`` (9.5 / 8.0 / 5.5 / 3.0 / 1.0);
- ``locations``: the input documents that asserted the evidence, as ``artifactLocation``
  (path, ``index`` into ``run.artifacts``) with the position inside the document in the
  location's message, and ``logicalLocations`` naming the subject node;
- ``run.artifacts``: every input document with its SHA-256;
- ``partialFingerprints["riskgraph/v1"]`` = the finding id (stable across runs);
- ``run.properties``: report SHA-256, scope, ruleset version, generated-at, and
  ``riskgraph`` (manifest and integrity record) for ``riskgraph report verify``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from dashboard.reports.integrity import verification_stub
from dashboard.reports.model import ControlRow, Report, ReportFinding
from dashboard.reports.scoping import WITHHELD

__all__ = ["SARIF_SCHEMA_URI", "render_sarif", "sarif_log", "write_sarif"]

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
_SCORE = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}


def sarif_log(report: Report) -> dict[str, Any]:
    """The SARIF log of a report's control findings, as a JSON-ready dict."""
    artifacts = [
        {
            "location": {"uri": _uri(d.path, d.id)},
            "hashes": {"sha-256": d.sha256},
            "properties": {"document_id": d.id, "format": d.format, "spec": d.spec_version},
        }
        for d in report.inputs
    ]
    index = {d.id: i for i, d in enumerate(report.inputs)}
    catalogue = list(report.controls.catalogue)
    rule_index = {c.id: i for i, c in enumerate(catalogue)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "riskgraph",
                "version": report.manifest.tool_version,
                "semanticVersion": report.manifest.tool_version,
                "rules": [_rule(c) for c in catalogue],
            }
        },
        "automationDetails": {"id": f"riskgraph/{report.scope.label}/"},
        "artifacts": artifacts,
        "results": [_result(f, rule_index, index, report) for f in report.controls.findings],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "report_sha256": report.integrity.body_sha256,
            "scope": report.scope.label,
            "ruleset_version": report.manifest.ruleset_version,
            "generated_at": report.manifest.generated_at.isoformat().replace("+00:00", "Z"),
            "riskgraph": verification_stub(report, with_inputs=False),
        },
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render_sarif(report: Report) -> bytes:
    return (json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n").encode()


def write_sarif(report: Report, out: Path) -> None:
    out.write_bytes(render_sarif(report))


def _uri(path: str, document_id: str) -> str:
    if path == WITHHELD:
        return f"withheld/{document_id}"
    return quote(path, safe="/:._-~")


def _rule(c: ControlRow) -> dict[str, Any]:
    frameworks = sorted({r.framework for r in c.references})
    return {
        "id": c.id,
        "name": c.id.replace("-", ""),
        "shortDescription": {"text": c.title},
        "fullDescription": {"text": f"{c.title}. Severity guidance: {c.severity_guidance}"},
        "help": {"text": "References: " + "; ".join(r.reference for r in c.references)},
        "properties": {
            "tags": ["supply-chain", *frameworks],
            "references": [r.reference for r in c.references],
            "severity_guidance": c.severity_guidance,
        },
    }


def _result(
    f: ReportFinding, rules: dict[str, int], artifacts: dict[str, int], report: Report
) -> dict[str, Any]:
    logical = {"fullyQualifiedName": f.subject, "kind": f.subject_kind}
    locations: list[dict[str, Any]] = []
    seen: set[tuple[str, str | None]] = set()
    for e in f.evidence:
        for s in e.sources:
            if (s.document_id, s.location) in seen or s.document_id not in artifacts:
                continue
            seen.add((s.document_id, s.location))
            doc = report.inputs[artifacts[s.document_id]]
            locations.append(
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": _uri(doc.path, doc.id),
                            "index": artifacts[s.document_id],
                        }
                    },
                    "logicalLocations": [logical],
                    "message": {"text": f"{e.attribute} asserted at {s.location or 'document'}"},
                }
            )
    removed = f.risk_removed.model_dump() if f.risk_removed else None
    result: dict[str, Any] = {
        "ruleId": f.control,
        "kind": "fail",
        "level": _LEVEL.get(f.severity, "note"),
        "message": {
            "text": f"{f.title} ({f.status}; reach {f.reach_hosts:,} hosts, "
            f"{f.reach_operators} operators). Remediation: {f.remediation}"
        },
        "locations": locations or [{"logicalLocations": [logical]}],
        "partialFingerprints": {"riskgraph/v1": f.id},
        "rank": float(max(0, 100 - f.order + 1)) if f.order <= 100 else 0.0,
        "properties": {
            "finding_id": f.id,
            "remediation_order": f.order,
            "severity": f.severity,
            "security-severity": _SCORE.get(f.severity, "1.0"),
            "status": f.status,
            "evidence": [e.model_dump(mode="json") for e in f.evidence],
            "frameworks": sorted({r.framework for r in f.references}),
            "references": [r.reference for r in f.references],
            "risk_removed": removed,
        },
    }
    if f.control in rules:
        result["ruleIndex"] = rules[f.control]
    return result
