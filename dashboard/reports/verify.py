"""``riskgraph report verify REPORT``: does a report still hold against the store?

Every format embeds the manifest and integrity record (JSON: in full; HTML: a JSON script
element; CSV: ``manifest.json``; XLSX: the ``verify`` sheet; PDF: the Keywords entry;
SARIF: ``runs[0].properties.riskgraph``). Verification reads them, rebuilds the report from
the store with the recorded scope, options, policy and clock, and compares SHA-256s. A JSON
report is also checked against its own declared hash (was the file edited?). When the
hashes differ it says why, as far as it can tell: inputs added, removed or changed, or a
different tool version.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import networkx as nx
from pydantic import BaseModel, ConfigDict, ValidationError

from dashboard.reports.build import build_report, tool_version
from dashboard.reports.errors import ReportError
from dashboard.reports.integrity import declared_hash_holds
from dashboard.reports.markers import KEYWORDS_PREFIX, MANIFEST_ID, MANIFEST_NAME, VERIFY_SHEET
from dashboard.reports.model import Manifest, ReportOptions, ReportScope
from graph.risk.policy import Policy
from graph.store.interface import GraphStore

__all__ = ["VerifyResult", "read_stub", "verify_report"]


class VerifyResult(BaseModel):
    """What ``verify`` found (``riskgraph report verify --format json``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    report: str
    format: str
    declared_sha256: str
    recomputed_sha256: str
    file_intact: bool | None
    holds: bool
    reasons: list[str]


def verify_report(
    path: Path, store: GraphStore, *, view: nx.MultiDiGraph | None = None
) -> VerifyResult:
    """Rebuild the report ``path`` describes from ``store`` and compare the hashes."""
    kind, stub, body = read_stub(path)
    try:
        manifest = stub["manifest"]
        declared = str(stub["integrity"]["body_sha256"])
        scope = ReportScope.model_validate(manifest["scope"])
        options = ReportOptions.model_validate(manifest["options"])
        policy = Policy.model_validate(manifest["policy"])
        generated = Manifest.model_validate({**manifest, "inputs": ()}).generated_at
    except (KeyError, TypeError, ValidationError) as e:
        raise ReportError(f"{path}: the embedded manifest is incomplete or invalid") from e
    rebuilt = build_report(
        store, scope, policy=policy, clock=lambda: generated, options=options, view=view
    )
    intact = declared_hash_holds(body) if body is not None else None
    recomputed = rebuilt.integrity.body_sha256
    reasons = []
    if intact is False:
        reasons.append("the file's content no longer matches its own declared SHA-256")
    if recomputed != declared:
        reasons += _why(manifest, rebuilt.manifest)
    return VerifyResult(
        report=str(path),
        format=kind,
        declared_sha256=declared,
        recomputed_sha256=recomputed,
        file_intact=intact,
        holds=recomputed == declared and intact is not False,
        reasons=reasons,
    )


def _why(recorded: dict[str, Any], now: Manifest) -> list[str]:
    reasons = []
    if recorded.get("inputs_sha256") != now.inputs_sha256:
        then = {i["document_id"]: i for i in recorded.get("inputs") or ()}
        current = {i.document_id: i for i in now.inputs}
        if then:
            added = sorted(current.keys() - then.keys())
            removed = sorted(then.keys() - current.keys())
            changed = sorted(
                k
                for k in then.keys() & current.keys()
                if then[k].get("status") != current[k].status
            )
            for label, ids in (("added", added), ("removed", removed), ("changed", changed)):
                if ids:
                    reasons.append(f"inputs {label} since the report: {', '.join(ids)}")
        else:
            reasons.append("the store's inputs differ from the report's (inputs_sha256)")
    if recorded.get("tool_version") != tool_version():
        reasons.append(
            f"written by riskgraph {recorded.get('tool_version')}, verified with {tool_version()}"
        )
    return reasons or ["same inputs, different result: the analysis or its data changed"]


def read_stub(path: Path) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
    """(format, manifest+integrity, full JSON body when the file is a JSON report)."""
    if path.is_dir():
        return "csv", _json_file(path / MANIFEST_NAME), None
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ReportError(f"{path}: cannot read ({e.strerror or e})") from e
    if data.startswith(b"%PDF"):
        return "pdf", _pdf_keywords(path, data), None
    if data.startswith(b"PK"):
        return _from_zip(path, data)
    if b'id="' + MANIFEST_ID.encode() + b'"' in data:
        match = re.search(
            rb'<script type="application/json" id="' + MANIFEST_ID.encode() + rb'">(.*?)</script>',
            data,
            re.S,
        )
        if match:
            return "html", _loads(path, match.group(1)), None
    body = _loads(path, data)
    if "runs" in body:
        runs = body.get("runs") or [{}]
        return "sarif", dict(runs[0].get("properties", {}).get("riskgraph") or {}), None
    if "manifest" in body and "integrity" in body:
        return "json", body, body
    raise ReportError(f"{path}: not a riskgraph report (no manifest found)")


def _loads(path: Path, data: bytes) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ReportError(
            f"{path}: not a riskgraph report (neither JSON, HTML, PDF nor ZIP)"
        ) from e
    if not isinstance(value, dict):
        raise ReportError(f"{path}: not a riskgraph report")
    return value


def _json_file(path: Path) -> dict[str, Any]:
    try:
        return _loads(path, path.read_bytes())
    except OSError as e:
        raise ReportError(f"{path}: cannot read ({e.strerror or e})") from e


def _from_zip(path: Path, data: bytes) -> tuple[str, dict[str, Any], None]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if MANIFEST_NAME in names:
            return "csv", _loads(path, archive.read(MANIFEST_NAME)), None
        if "xl/workbook.xml" in names:
            from openpyxl import load_workbook  # noqa: PLC0415 (only for workbooks)

            wb = load_workbook(io.BytesIO(data), read_only=True)
            if VERIFY_SHEET in wb.sheetnames:
                value = wb[VERIFY_SHEET]["A2"].value
                return "xlsx", _loads(path, str(value).encode()), None
    raise ReportError(f"{path}: a ZIP without a riskgraph manifest")


def _pdf_keywords(path: Path, data: bytes) -> dict[str, Any]:
    """The manifest JSON of the PDF's /Keywords literal string (reportlab writes it plain)."""
    start = data.find(b"/Keywords (")
    if start < 0:
        raise ReportError(f"{path}: a PDF without a riskgraph manifest")
    i, depth, out = start + len(b"/Keywords ("), 1, bytearray()
    while i < len(data):
        ch = data[i]
        if ch == 0x5C:  # backslash: the next byte is literal (reportlab escapes ( ) \)
            out.append(data[i + 1])
            i += 2
            continue
        if ch == 0x28:
            depth += 1
        elif ch == 0x29:
            depth -= 1
            if depth == 0:
                break
        out.append(ch)
        i += 1
    text = out.decode("latin-1")
    if not text.startswith(KEYWORDS_PREFIX):
        raise ReportError(f"{path}: a PDF without a riskgraph manifest")
    return _loads(path, text.removeprefix(KEYWORDS_PREFIX).encode())
