"""Each format carries the report: PDF pages and text, workbook sheets, SARIF schema, HTML."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import jsonschema_rs
import networkx as nx
import pytest
from cyclonedx.output.json import JsonV1Dot6
from openpyxl import load_workbook

from dashboard.reports import Report, render_report
from dashboard.reports.cyclonedx_estate import estate_bom
from dashboard.reports.html_report import render_html
from dashboard.reports.model import ReportScope
from dashboard.reports.sarif import sarif_log
from dashboard.reports.tables import report_tables
from tests.conftest import ASSETS
from tests.dashboard.reports.conftest import CLOCK

SARIF_SCHEMA = ASSETS / "sarif" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def pdf(report_all: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(render_report(report_all, "pdf"))
    return path


def test_pdf_renders_to_png_pages(pdf: Path, tmp_path: Path) -> None:
    subprocess.run(
        ["pdftoppm", "-r", "40", "-f", "1", "-l", "2", "-png", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    assert all(p.read_bytes().startswith(b"\x89PNG") and p.stat().st_size > 5_000 for p in pages)


def test_pdf_text_has_the_key_figures(pdf: Path, report_all: Report) -> None:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout
    page = text.decode()
    top = report_all.blast.top[0]
    for needle in (
        "riskgraph report: all",
        report_all.integrity.body_sha256,
        f"{report_all.estate.figures['hosts']:,}",  # 16,767 hosts
        top.name,
        f"{top.hosts_down:,}",
        "Concentration heat map",
        "Blast radius by sector",
        "Recovery curve",
        "KG-PATTERN-0719",
        "NIS2 Art. 21 / CIR (EU) 2024/2690",
        "project policy",
        "regulatory",
    ):
        assert needle in page, needle
    pages = int(re.findall(rb"page (\d+)", text)[-1])
    assert pages > 5


def test_pdf_metadata_carries_the_manifest(pdf: Path, report_all: Report) -> None:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True).stdout.decode()
    assert "riskgraph-manifest" in info
    assert report_all.integrity.body_sha256 in info
    assert "CreationDate:    Sat Jan  1 00:00:00 2000" in info  # reportlab invariant mode


def test_xlsx_has_one_sheet_per_table(report_all: Report) -> None:
    wb = load_workbook(io.BytesIO(render_report(report_all, "xlsx")), read_only=True)
    tables = {t.name: t for t in report_tables(report_all)}
    assert wb.sheetnames == [*tables, "verify"]
    findings = list(wb["findings"].iter_rows(values_only=True))
    assert findings[0] == tables["findings"].headers
    assert len(findings) - 1 == len(report_all.controls.findings)
    assert findings[1][1] == report_all.controls.findings[0].id
    manifest = dict(wb["manifest"].iter_rows(min_row=2, values_only=True))
    assert manifest["integrity.body_sha256"] == report_all.integrity.body_sha256
    assert wb.properties.creator.startswith("riskgraph")


def test_sarif_is_valid_against_the_2_1_0_schema(report_all: Report) -> None:
    validator = jsonschema_rs.Draft4Validator(json.loads(SARIF_SCHEMA.read_text()))
    log = json.loads(render_report(report_all, "sarif"))
    errors = [str(e) for e in validator.iter_errors(log)]
    assert errors == []
    run = log["runs"][0]
    assert len(run["results"]) == len(report_all.controls.findings)
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {"KG-SR-01", "KG-PATTERN-0719"}
    first = run["results"][0]
    assert first["partialFingerprints"]["riskgraph/v1"] == report_all.controls.findings[0].id
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith(
        "sample_sboms/"
    )


def test_the_schema_refuses_an_invalid_log(report_all: Report) -> None:
    validator = jsonschema_rs.Draft4Validator(json.loads(SARIF_SCHEMA.read_text()))
    log = sarif_log(report_all)
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert not validator.is_valid(log)


def test_html_is_self_contained_with_charts(report_all: Report) -> None:
    html = render_html(report_all).decode()
    assert html.count("<svg") >= 3
    assert not re.search(r"""(src|href)=["']?https?:""", html)
    assert "<script src" not in html
    assert report_all.integrity.body_sha256 in html
    assert "KG-PATTERN-0719" in html


def test_estate_as_cyclonedx_lists_products_run_and_their_hosts() -> None:
    g = nx.MultiDiGraph()
    g.add_node("hostgroup:a/x", kind="HostGroup", host_count=5)
    g.add_node("product:edr", kind="Product", name="EDR", version="1", category="edr")
    g.add_edge("hostgroup:a/x", "product:edr", kind="RUNS")
    scope = ReportScope(kind="all", role="admin", label="all")
    text = JsonV1Dot6(estate_bom(g, scope, clock=lambda: CLOCK)).output_as_string()
    doc = json.loads(text)
    assert doc["specVersion"] == "1.6"
    assert [c["name"] for c in doc["components"]] == ["EDR"]
    assert {"name": "riskgraph:hosts", "value": "5"} in doc["components"][0]["properties"]
    assert text == JsonV1Dot6(estate_bom(g, scope, clock=lambda: CLOCK)).output_as_string()
