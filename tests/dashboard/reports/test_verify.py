"""``riskgraph report verify``: every format round-trips; edits and store changes show."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dashboard.reports import FORMATS, Report, ReportError, write_report
from dashboard.reports.verify import verify_report
from graph.store import open_store


@pytest.mark.parametrize("fmt", [*sorted(FORMATS), "csv-directory"])
def test_every_format_verifies_against_the_store(
    report_energy: Report, report_store: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / ("csv" if fmt == "csv-directory" else f"report{FORMATS[fmt][1]}")
    write_report(report_energy, "csv" if fmt == "csv-directory" else fmt, out)
    store = open_store(str(report_store))
    try:
        result = verify_report(out, store)
    finally:
        store.close()
    assert result.holds, result.reasons
    assert result.recomputed_sha256 == report_energy.integrity.body_sha256
    assert result.file_intact is (True if fmt == "json" else None)


def test_an_edited_json_report_fails(
    report_energy: Report, report_store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.json"
    write_report(report_energy, "json", out)
    body = json.loads(out.read_text())
    body["estate"]["figures"]["hosts"] = 1
    out.write_text(json.dumps(body))
    store = open_store(str(report_store))
    try:
        result = verify_report(out, store)
    finally:
        store.close()
    assert not result.holds
    assert result.file_intact is False
    assert "no longer matches its own declared SHA-256" in result.reasons[0]


def test_a_changed_store_no_longer_holds_and_says_why(
    report_energy: Report, report_store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.json"
    write_report(report_energy, "json", out)
    changed = tmp_path / "changed.sqlite"
    shutil.copy(report_store, changed)
    store = open_store(str(changed))
    try:
        gone = next(
            d.id for d in report_energy.inputs if d.path.startswith("sample_sboms/channels")
        )
        store.remove_document(gone)
        result = verify_report(out, store)
    finally:
        store.close()
    assert not result.holds
    assert result.file_intact is True
    assert result.reasons == [f"inputs removed since the report: {gone}"]


def test_not_a_report(tmp_path: Path, report_store: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"hello": 1}')
    store = open_store(str(report_store))
    try:
        with pytest.raises(ReportError, match="not a riskgraph report"):
            verify_report(path, store)
    finally:
        store.close()
