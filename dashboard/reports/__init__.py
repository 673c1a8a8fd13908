"""Auditor and regulator reports: one :class:`Report`, rendered to every format.

``build_report(store, scope, *, policy, clock)`` computes the report (what the CLI's
``riskgraph report`` and the dashboard's Export page call); :func:`render_report` turns it
into the bytes of one format and :func:`write_report` into a file (or, for CSV, a
directory when the path does not end in ``.zip``). ``riskgraph report verify`` is
:func:`dashboard.reports.verify.verify_report`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dashboard.reports.build import build_json_report, build_report
from dashboard.reports.csv_report import render_zip, write_csv
from dashboard.reports.errors import ReportError
from dashboard.reports.json_report import JsonReport, render_json, write_json
from dashboard.reports.model import Report, ReportOptions, ReportScope
from dashboard.reports.sarif import render_sarif
from dashboard.reports.scoping import parse_scope, scope_from_access
from graph.gcpause import paused_gc

__all__ = [
    "FORMATS",
    "JsonReport",
    "Report",
    "ReportError",
    "ReportOptions",
    "ReportScope",
    "build_json_report",
    "build_report",
    "parse_scope",
    "render_report",
    "scope_from_access",
    "write_report",
]


def render_pdf(report: Report) -> bytes:
    """:func:`dashboard.reports.pdf_report.render_pdf` (reportlab imported when used)."""
    from dashboard.reports.pdf_report import render_pdf as render  # noqa: PLC0415

    return render(report)


def render_html(report: Report) -> bytes:
    """:func:`dashboard.reports.html_report.render_html` (imported when used)."""
    from dashboard.reports.html_report import render_html as render  # noqa: PLC0415

    return render(report)


def render_xlsx(report: Report) -> bytes:
    """:func:`dashboard.reports.xlsx_report.render_xlsx` (openpyxl imported when used)."""
    from dashboard.reports.xlsx_report import render_xlsx as render  # noqa: PLC0415

    return render(report)


# format -> (renderer, file extension, media type); the PDF, HTML and XLSX renderers'
# libraries are imported when one is used, not by every command (the CLI's start)
FORMATS: dict[str, tuple[Callable[[Report], bytes], str, str]] = {
    "pdf": (render_pdf, ".pdf", "application/pdf"),
    "html": (render_html, ".html", "text/html"),
    "xlsx": (
        render_xlsx,
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "csv": (render_zip, ".zip", "application/zip"),
    "json": (render_json, ".json", "application/json"),
    "sarif": (render_sarif, ".sarif", "application/sarif+json"),
}


def render_report(report: Report, fmt: str) -> bytes:
    """The bytes of ``report`` in ``fmt`` (CSV as a ZIP); see :data:`FORMATS`."""
    try:
        renderer = FORMATS[fmt][0]
    except KeyError as e:
        raise ReportError(f"unknown report format {fmt!r} ({', '.join(FORMATS)})") from e
    with paused_gc():
        return renderer(report)


def write_report(report: Report | JsonReport, fmt: str, out: Path) -> None:
    """Write ``report`` to ``out``; CSV to a directory unless ``out`` ends in ``.zip``; a
    :class:`JsonReport` (:func:`build_json_report`) is JSON only."""
    try:
        if isinstance(report, JsonReport):
            if fmt != "json":
                raise ReportError(f"a report built as JSON cannot be written as {fmt}")
            with paused_gc():
                report.write(out)
        elif fmt == "csv":
            write_csv(report, out)
        elif fmt == "json":
            with paused_gc():
                write_json(report, out)
        else:
            out.write_bytes(render_report(report, fmt))
    except OSError as e:
        raise ReportError(f"{out}: cannot write ({e.strerror or e})") from e
