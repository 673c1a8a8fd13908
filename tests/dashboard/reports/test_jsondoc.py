"""``riskgraph report --format json`` builds no report model (``build_json_report``): the
same file and digest as the report built and rendered, also on the checked path (the
model built then, with the sections made again in the parent) and without fork."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from dashboard.reports import (
    JsonReport,
    ReportError,
    build_json_report,
    build_report,
    render_report,
    sealjson,
    write_report,
)
from dashboard.reports.controls_rows import findings_of_rows, plain_findings, plan_findings
from dashboard.reports.jsondoc import PartsJson, parts_json
from dashboard.reports.model import ReportFinding
from dashboard.reports.parts import ReportParts
from graph.risk.controls.plan import ControlPlan
from graph.risk.policy import Policy
from graph.store import open_store
from tests.dashboard.reports.conftest import CLOCK


def _both(
    store_path: Path, scope: str, out: Path, policy: Policy, parallel: bool
) -> tuple[JsonReport, bytes, str]:
    store = open_store(str(store_path))
    try:
        written = build_json_report(
            store, scope, policy=policy, clock=lambda: CLOCK, out=out, parallel=parallel
        )
        report = build_report(store, scope, policy=policy, clock=lambda: CLOCK)
    finally:
        store.close()
    return written, render_report(report, "json"), report.integrity.body_sha256


@pytest.mark.parametrize("parallel", [True, False])
@pytest.mark.parametrize("scope", ["all", "operator:harbor-bank"])
def test_the_json_document_gives_the_report_s_bytes(
    report_store: Path, tmp_path: Path, scope: str, parallel: bool
) -> None:
    out = tmp_path / "r.json"
    written, expected, digest = _both(report_store, scope, out, Policy(), parallel)
    assert written.digest == digest
    assert b"".join(written.pieces) == expected
    write_report(written, "json", out)  # after the head written while hashing
    assert out.read_bytes() == expected
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temporary left


def test_a_small_float_takes_the_checked_path_with_the_report_model(
    report_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """orjson writes 1e-05 as 0.00001: the seal's child does not answer, and the model is
    built (the side child's sections were JSON: made again here) and written checked."""
    taken: list[object] = []
    serial = sealjson._serial
    monkeypatch.setattr(sealjson, "_serial", lambda report: taken.append(report) or serial(report))
    out = tmp_path / "r.json"
    written, expected, digest = _both(report_store, "all", out, Policy(window_hours=1e-05), True)
    assert len(taken) == 1
    assert (written.digest, b"".join(written.pieces)) == (digest, expected)
    assert b'"window_hours": 1e-05,' in expected
    write_report(written, "json", out)
    assert out.read_bytes() == expected


def test_without_fork_the_document_is_sealed_here(
    report_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_fork() -> int:
        raise OSError("cannot fork")

    monkeypatch.setattr(sealjson.os, "fork", no_fork)
    written, expected, digest = _both(report_store, "all", tmp_path / "r.json", Policy(), True)
    assert (written.digest, b"".join(written.pieces)) == (digest, expected)


def test_a_json_report_is_written_as_json_only(report_store: Path, tmp_path: Path) -> None:
    written, _, _ = _both(report_store, "sector:energy", tmp_path / "r.json", Policy(), False)
    with pytest.raises(ReportError, match="cannot be written as pdf"):
        write_report(written, "pdf", tmp_path / "r.pdf")


@pytest.fixture(scope="module")
def retained(report_store: Path) -> list[object]:
    """The serial build's intermediates (its plan, its sections)."""
    kept: list[object] = []
    store = open_store(str(report_store))
    try:
        build_report(store, "all", policy=Policy(), clock=lambda: CLOCK, retain=kept)
    finally:
        store.close()
    return kept


def test_sections_are_written_one_level_in(retained: list[object]) -> None:
    parts = next(k for k in retained if isinstance(k, ReportParts))
    written = parts_json(parts)
    assert isinstance(written, PartsJson)
    assert list(written.indented) == list(written.canonical) == list(vars(parts))
    assert written.indented["estate"].startswith(b'{\n    "')
    assert written.indented["estate"].endswith(b"\n  }")
    assert b"\n" not in written.canonical["estate"]


def test_models_of_the_plain_rows_are_the_rows(retained: list[object]) -> None:
    plan = next(k for k in retained if isinstance(k, ControlPlan))
    rows = plain_findings(plan)
    models = findings_of_rows(rows)
    assert models == plan_findings(plan)
    assert len(models) == len(rows) > 0
    for model, row in zip(models, rows, strict=True):  # the row is the model's JSON
        assert orjson.dumps(row) == orjson.dumps(model.model_dump(mode="json"))
        assert model == ReportFinding.model_validate(model.model_dump())
