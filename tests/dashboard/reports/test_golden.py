"""Golden files of the demo estate's report (JSON, CSV, HTML), reviewed in the diff.

Regenerate after an intended change with
``RISKGRAPH_UPDATE_GOLDEN=1 .venv/bin/pytest tests/dashboard/reports/test_golden.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

from dashboard.reports import Report
from dashboard.reports.csv_report import csv_files
from dashboard.reports.html_report import render_html
from dashboard.reports.json_report import render_json

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "reports" / "demo-all"
UPDATE = os.environ.get("RISKGRAPH_UPDATE_GOLDEN") == "1"


def _check(name: str, data: bytes) -> None:
    golden = GOLDEN / name
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(data)
    assert golden.exists(), f"{golden} missing: run with RISKGRAPH_UPDATE_GOLDEN=1"
    assert data == golden.read_bytes(), f"{name} differs from its golden file"


def test_json_matches_golden(report_all: Report) -> None:
    _check("report.json", render_json(report_all))


def test_html_matches_golden(report_all: Report) -> None:
    _check("report.html", render_html(report_all))


def test_csv_bundle_matches_golden(report_all: Report) -> None:
    files = csv_files(report_all)
    for name, data in files:
        _check(f"csv/{name}", data)
    on_disk = {p.name for p in (GOLDEN / "csv").iterdir()}
    assert on_disk == {name for name, _ in files}, "stale or missing CSV golden files"
