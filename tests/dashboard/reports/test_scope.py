"""Scopes cut the estate before analysis: nothing of another operator leaks."""

from __future__ import annotations

import io
import subprocess
import tempfile
import zipfile
from collections.abc import Callable

import pytest
from openpyxl import load_workbook

from dashboard.access.scope import Access, Role
from dashboard.reports import FORMATS, Report, ReportError, build_report, render_report
from dashboard.reports.scoping import WITHHELD, parse_scope
from graph.risk.policy import Policy
from graph.store import open_store
from tests.dashboard.reports.conftest import CLOCK, OPERATORS

OTHERS = [o for o in OPERATORS if o != "harbor-bank"]
OTHER_NAMES = ["Meridian", "Northwind", "Skyport", "GridCo", "Elmo", "Valley", "Freshmart"]


def _text(report: Report, fmt: str) -> str:
    data = render_report(report, fmt)
    if fmt == "csv":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "\n".join(z.read(n).decode() for n in z.namelist())
    if fmt == "xlsx":
        wb = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(
            str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
        )
    if fmt == "pdf":
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(data)
            f.flush()
            text = subprocess.run(["pdftotext", f.name, "-"], capture_output=True, check=True)
        return text.stdout.decode() + data.decode("latin-1")  # + the metadata
    return data.decode()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_operator_report_names_no_other_operator(report_operator: Report, fmt: str) -> None:
    text = _text(report_operator, fmt).lower()
    leaked = [o for o in OTHERS + OTHER_NAMES if o.lower() in text]
    assert leaked == []


def test_operator_report_has_its_own_estate_and_anonymised_cohorts(
    report_operator: Report,
) -> None:
    assert [o.operator for o in report_operator.estate.operators] == ["operator:harbor-bank"]
    assert all(
        f.operator in (None, "operator:harbor-bank") for f in report_operator.controls.findings
    )
    others = report_operator.blast.top[0].others
    assert others[0].cohort == "all other operators"
    assert others[0].operators_in_cohort == len(OTHERS)
    # cohorts below min_cohort (3) are suppressed: sizes shown, figures withheld
    small = [o for o in others[1:] if o.operators_in_cohort < 3]
    assert small and all(o.hosts_down is None for o in small)
    withheld = [d for d in report_operator.inputs if d.path == WITHHELD]
    assert withheld and all(d.lineage == WITHHELD for d in withheld)


def test_sector_report_keeps_only_that_sectors_operators(
    make_report: Callable[[str], Report],
) -> None:
    report = make_report("sector:banking")
    assert {o.operator for o in report.estate.operators} == {
        "operator:harbor-bank",
        "operator:meridian-savings",
    }
    assert report.scope.role == "regulator"
    assert all(not s.others for s in report.blast.top)


def test_jurisdiction_report(make_report: Callable[[str], Report]) -> None:
    report = make_report("jurisdiction:de")
    assert report.scope.label == "jurisdiction:DE"
    assert report.estate.operators
    assert all("DE" in o.jurisdictions for o in report.estate.operators)


def test_dashboard_access_gives_the_same_cut(report_store: object, report_operator: Report) -> None:
    store = open_store(str(report_store))
    try:
        access = Access.for_role(Role.OPERATOR, user="alice", operators=("harbor-bank",))
        report = build_report(store, access, policy=Policy(), clock=lambda: CLOCK)
    finally:
        store.close()
    assert report.scope.kind == "role"
    assert "alice" not in render_report(report, "json").decode()
    assert report.estate == report_operator.estate
    assert report.controls.findings == report_operator.controls.findings


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        ("operator:nobody", "no operator 'operator:nobody' in the store"),
        ("sector:space", "no operator in 'sector:space'"),
        ("jurisdiction:XX", "no operator in jurisdiction XX"),
        ("planet:earth", "a scope is operator:ID"),
        ("operator:", "a scope is operator:ID"),
    ],
)
def test_bad_scopes_are_refused(report_store: object, scope: str, message: str) -> None:
    store = open_store(str(report_store))
    try:
        with pytest.raises(ReportError, match=message):
            build_report(store, scope, policy=Policy(), clock=lambda: CLOCK)
    finally:
        store.close()


def test_parse_scope_normalises() -> None:
    assert parse_scope("sector:Banking").sectors == ("sector:banking",)
    assert parse_scope("all").role == "admin"
