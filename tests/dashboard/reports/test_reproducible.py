"""Same store, scope, policy and clock: the same bytes, in every format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from subprocess import run

import pytest

from dashboard.reports import FORMATS, Report, render_report
from dashboard.reports.integrity import body_sha256, declared_hash_holds


@pytest.mark.parametrize("fmt", sorted(set(FORMATS) - {"pdf"}))
def test_two_runs_give_identical_bytes(make_report: Callable[[str], Report], fmt: str) -> None:
    first, second = make_report("all"), make_report("all")
    assert render_report(first, fmt) == render_report(second, fmt)


def test_pdf_text_and_bytes_are_identical_across_runs(
    make_report: Callable[[str], Report], tmp_path: Path
) -> None:
    texts, pdfs = [], []
    for i in range(2):
        path = tmp_path / f"r{i}.pdf"
        pdfs.append(render_report(make_report("sector:energy"), "pdf"))
        path.write_bytes(pdfs[-1])
        texts.append(run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout)
    assert texts[0] == texts[1]
    assert b"GridCo" in texts[0]
    assert pdfs[0] == pdfs[1]  # reportlab's invariant mode: even the bytes


def test_report_hash_covers_everything_but_integrity(report_all: Report) -> None:
    body = report_all.model_dump(mode="json")
    assert declared_hash_holds(body)
    assert body_sha256(body) == report_all.integrity.body_sha256
    body["estate"]["figures"]["hosts"] += 1
    assert not declared_hash_holds(body)


def test_manifest_records_inputs_tool_ruleset_and_parameters(report_all: Report) -> None:
    m = report_all.manifest
    assert [i.document_id for i in m.inputs] == [d.id for d in report_all.inputs]
    assert all(len(i.sha256) == 64 for i in m.inputs)
    assert m.tool == "riskgraph" and m.tool_version
    assert m.ruleset_version == report_all.methodology.ruleset_version
    assert m.policy["recovery"]["minutes_per_host"] == 20.0
    assert m.generated_at.isoformat() == "2026-01-01T00:00:00+00:00"
