"""The report as a PDF to file: reportlab platypus, A4, charts as vector drawings.

Why reportlab: pure Python (no browser, no system libraries), vector charts from the same
shapes as the HTML (:mod:`dashboard.reports.charts`), and with ``invariant=1`` the output
has a fixed creation date and document id, so the same report gives the same bytes. The
manifest and integrity record (without the per-document list) are in the document's
Keywords as ``riskgraph-manifest {json}`` for ``riskgraph report verify``. Tables show
the columns that fit a page and stop after ``max_rows`` rows, saying how many more the
JSON, CSV and XLSX formats hold.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.graphics.shapes import Drawing, PolyLine, Rect, String
from reportlab.graphics.shapes import Line as RLine
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from dashboard.reports.charts import Chart, Line, Polyline, Shape, report_charts
from dashboard.reports.charts import Rect as CRect
from dashboard.reports.integrity import verification_stub
from dashboard.reports.markers import KEYWORDS_PREFIX
from dashboard.reports.model import Report, ReportFinding
from dashboard.reports.pdf_cells import CELL_FONT_SIZE, CELL_LEADING, cell_lines
from dashboard.reports.pdf_fonts import BODY, BOLD, markup, plain, register_fonts
from dashboard.reports.tables import PAGE_TABLES, Cell, columns, evidence_text, report_tables
from dashboard.reports.tables import Table as RTable

__all__ = ["KEYWORDS_PREFIX", "render_pdf", "write_pdf"]

_WIDTH = A4[0] - 30 * mm
_S = {
    "body": ParagraphStyle("body", fontName=BODY, fontSize=8.5, leading=11),
    "cell": ParagraphStyle("cell", fontName=BODY, fontSize=CELL_FONT_SIZE, leading=CELL_LEADING),
    "note": ParagraphStyle(
        "note", fontName=BODY, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#555555")
    ),
    "h1": ParagraphStyle("h1", fontName=BOLD, fontSize=16, leading=20, spaceAfter=6),
    "h2": ParagraphStyle(
        "h2", fontName=BOLD, fontSize=12, leading=15, spaceBefore=10, spaceAfter=4,
        textColor=colors.HexColor("#1f4e79"),
    ),
    "h3": ParagraphStyle("h3", fontName=BOLD, fontSize=9.5, leading=12, spaceBefore=6),
}  # fmt: skip
_WEIGHTS = {"title": 3.0, "name": 2.2, "id": 2.2, "description": 3.5, "sha256": 3.4}
_WEIGHTS |= {"value": 2.0, "key": 1.8, "subject": 1.8, "framework": 2.0, "controls": 2.5}
_WEIGHTS |= {"message": 3.0, "failing_channels": 1.6, "top_vendor": 1.6, "scope_name": 1.4}


_PADDING = 6  # reportlab's default left and right cell padding, stated
_TABLES = PAGE_TABLES | {"estate", "findings"}
"""The tables the PDF lays out."""


def render_pdf(report: Report, *, max_rows: int = 500, detailed: int = 40) -> bytes:
    """The report as PDF bytes; ``detailed`` findings get their evidence and references."""
    register_fonts()
    tables = {t.name: t for t in report_tables(report, _TABLES)}
    stub = verification_stub(report, with_inputs=False)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=16 * mm,
        bottomMargin=15 * mm,
        title=report.title,
        author="riskgraph",
        subject=f"scope {report.scope.label}; SHA-256 {report.integrity.body_sha256}",
        creator=f"riskgraph {report.manifest.tool_version}",
        producer="riskgraph (reportlab)",
        keywords=[KEYWORDS_PREFIX + json.dumps(stub, sort_keys=True, separators=(",", ":"))],
        invariant=1,
    )
    story: list[Flowable] = [Paragraph(markup(report.title), _S["h1"])]
    story += [_grid(tables["manifest"], max_rows), Spacer(1, 6)]
    story += _section("Estate summary", [_grid(tables["estate"], max_rows)])
    story.append(_para(_severity_line(report)))
    story += _section("Charts", [_drawing(c) for c in report_charts(report)])
    story += _section(
        "Blast radius of the top vendors and channels",
        [
            _grid(tables["blast_top"], max_rows),
            *_sub("By sector, jurisdiction and operator", tables["blast_impacts"], max_rows),
            *_sub("Other operators (anonymised cohorts)", tables["blast_others"], max_rows),
            *_sub("Every vendor and channel ranked", tables["ranking"], max_rows),
        ],
    )
    story += _section(
        "Concentration",
        [
            _grid(tables["concentration"], max_rows),
            *_sub("Single-vendor dependencies (project policy)", tables["single_vendor"], max_rows),
            *_sub("Sector breadth test", tables["systemic"], max_rows),
        ],
    )
    story += _section(
        "Control findings and remediation plan",
        [
            _para("Ordered by the blast radius the remediation removes, then severity."),
            _grid(tables["frameworks"], max_rows),
            Spacer(1, 4),
            _grid(tables["findings"], max_rows),
            *_details(report.controls.findings, detailed),
        ],
    )
    story += _section("Data-quality findings", [_grid(tables["data_quality"], max_rows)])
    story += _section("Inputs", [_grid(tables["inputs"], max_rows)])
    story += _section(
        "Methodology",
        [
            *(_para(n) for n in report.methodology.notes),
            Paragraph("Policy parameters", _S["h3"]),
            _para('"project policy" = this project\'s choice, not a regulatory requirement.'),
            _grid(tables["parameters"], max_rows),
        ],
    )

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(BODY, 7)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(15 * mm, 9 * mm, plain(f"{report.title}  |  as of {report.period.as_of}"))
        canvas.drawRightString(
            A4[0] - 15 * mm,
            9 * mm,
            f"SHA-256 {report.integrity.body_sha256[:16]}…  page {document.page}",
        )
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def write_pdf(report: Report, out: Path, *, max_rows: int = 500) -> None:
    out.write_bytes(render_pdf(report, max_rows=max_rows))


def _para(text: str, style: str = "note") -> Paragraph:
    return Paragraph(markup(text), _S[style])


def _section(title: str, flowables: Sequence[Flowable]) -> list[Flowable]:
    return [Paragraph(markup(title), _S["h2"]), *flowables]


def _sub(title: str, table: RTable, max_rows: int) -> list[Flowable]:
    return [Paragraph(markup(title), _S["h3"]), _grid(table, max_rows)]


def _severity_line(report: Report) -> str:
    counts = ", ".join(f"{n:,} {s}" for s, n in report.controls.by_severity.items() if n)
    return f"Control findings: {counts or 'none'}."


def _grid(table: RTable, max_rows: int) -> Flowable:
    """``table`` with the columns that fit, first ``max_rows`` rows, and a note if cut."""
    index, headers = columns(table)
    if not table.rows:
        return _para(f"{table.title}: none.")
    weights = [_WEIGHTS.get(h, 1.0) for h in headers]
    widths = [_WIDTH * w / sum(weights) for w in weights]
    head = [Paragraph(markup(h.replace("_", " ")), _S["cell"]) for h in headers]
    room = [w - _PADDING - _PADDING for w in widths]  # as reportlab subtracts
    body = [
        [_cell(row[i], r) for i, r in zip(index, room, strict=True)]
        for row in table.rows[:max_rows]
    ]
    grid = Table([head, *body], colWidths=widths, repeatRows=1)
    numeric = [
        ("ALIGN", (col, 1), (col, -1), "RIGHT")
        for col, i in enumerate(index)
        if all(isinstance(r[i], int | float | None) for r in table.rows[:max_rows])
        and any(isinstance(r[i], int | float) and not isinstance(r[i], bool) for r in table.rows)
    ]
    grid.setStyle(
        TableStyle(
            [
                *numeric,
                ("FONT", (0, 0), (-1, -1), BODY, CELL_FONT_SIZE, CELL_LEADING),
                ("LEFTPADDING", (0, 0), (-1, -1), _PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), _PADDING),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3f8")),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#bbbbbb")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    if len(table.rows) <= max_rows:
        return grid
    more = len(table.rows) - max_rows
    note = f"{more:,} more rows of {len(table.rows):,} are in the JSON, CSV and XLSX formats."
    return KeepTogether([grid, _para(note)])


def _cell(value: Cell, room: float) -> Paragraph | str:
    """A cell: numbers as text, text as the lines a Paragraph would break it into when
    that is plain greedy filling (:mod:`dashboard.reports.pdf_cells`), else a Paragraph."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    text = "" if value is None else value
    lines = cell_lines(text, room)
    return Paragraph(markup(text), _S["cell"]) if lines is None else lines


def _details(findings: tuple[ReportFinding, ...], limit: int) -> list[Flowable]:
    if not findings or limit <= 0:
        return []
    out: list[Flowable] = [
        PageBreak(),
        Paragraph(markup(f"Evidence of the first {min(limit, len(findings))} findings"), _S["h3"]),
    ]
    for f in findings[:limit]:
        lines = [f"<b>#{f.order} {markup(f.severity)} {markup(f.status)}</b> {markup(f.id)}"]
        lines.append(markup(f.title))
        lines += [
            markup(
                f"evidence: {e.subject} {e.attribute} = {evidence_text(e.value)} (asserted by "
                + ", ".join(f"{s.document_id} {s.location or ''}".strip() for s in e.sources)
                + (
                    f" and {e.sources_total - len(e.sources):,} more"
                    if e.sources_total > len(e.sources)
                    else ""
                )
                + ")"
            )
            for e in f.evidence
        ]
        lines.append(markup("references: " + "; ".join(r.reference for r in f.references)))
        lines.append(markup(f"remediation: {f.remediation}"))
        out.append(Paragraph("<br/>".join(lines), _S["cell"]))
        out.append(Spacer(1, 4))
    return out


def _drawing(chart: Chart) -> Flowable:
    """A chart as a reportlab drawing, scaled down to the page width when wider."""
    scale = min(1.0, _WIDTH / chart.width)
    d = Drawing(chart.width * scale, chart.height * scale + 16)
    for s in chart.shapes:
        d.add(_shape(s, chart.height))
    title = String(0, chart.height + 6, plain(chart.title), fontName=BOLD, fontSize=9)
    d.add(title)
    d.scale(scale, scale)
    return KeepTogether([d, _para(chart.caption)])


def _shape(s: Shape, h: float) -> Any:
    """One chart shape in reportlab's coordinates (origin bottom left)."""
    if isinstance(s, CRect):
        rect = Rect(s.x, h - s.y - s.h, s.w, s.h)
        rect.fillColor = colors.HexColor(s.fill)
        rect.strokeColor = colors.HexColor(s.stroke) if s.stroke else None
        rect.strokeWidth = 0.5
        return rect
    if isinstance(s, Line):
        line = RLine(s.x1, h - s.y1, s.x2, h - s.y2)
        line.strokeColor = colors.HexColor(s.stroke)
        line.strokeWidth = s.width
        return line
    if isinstance(s, Polyline):
        poly = PolyLine([v for x, y in s.points for v in (x, h - y)])
        poly.strokeColor = colors.HexColor(s.stroke)
        poly.strokeWidth = s.width
        return poly
    text = String(s.x, h - s.y, plain(s.text), fontName=BOLD if s.bold else BODY)
    text.fontSize = s.size
    text.textAnchor = s.anchor
    text.fillColor = colors.HexColor(s.fill)
    return text
