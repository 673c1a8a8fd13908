"""The report as a workbook: one sheet per table, for analysts who filter and pivot.

Determinism: the workbook's core properties (creator, created, modified) are fixed from
the report, and the ZIP container is re-packed with fixed entry timestamps, so the same
report gives the same bytes (openpyxl alone stamps the save time). The ``verify`` sheet
holds the manifest and integrity record as JSON in cell A2 (without the per-document
list, which the ``inputs`` sheet shows) for ``riskgraph report verify``.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from dashboard.reports.integrity import verification_stub
from dashboard.reports.markers import VERIFY_SHEET
from dashboard.reports.model import Report
from dashboard.reports.tables import report_tables

__all__ = ["VERIFY_SHEET", "render_xlsx", "write_xlsx"]

_EPOCH = (1980, 1, 1, 0, 0, 0)
_BOLD = Font(bold=True)


def render_xlsx(report: Report) -> bytes:
    """The workbook's bytes, identical for identical reports."""
    wb = Workbook()
    first = wb.active
    if first is not None:
        wb.remove(first)
    for table in report_tables(report):
        ws = wb.create_sheet(table.name[:31])
        ws.append(list(table.headers))
        for c in ws[1]:
            c.font = _BOLD
        for row in table.rows:
            ws.append(list(row))
        ws.freeze_panes = "A2"
        for i, header in enumerate(table.headers, start=1):
            longest = max([len(header), *(len(str(r[i - 1] or "")) for r in table.rows[:200])])
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest + 2))
    ws = wb.create_sheet(VERIFY_SHEET)
    ws.append(["manifest and integrity (JSON), read by `riskgraph report verify`"])
    stub = verification_stub(report, with_inputs=False)
    ws.append([json.dumps(stub, sort_keys=True, separators=(",", ":"))])
    moment = report.manifest.generated_at.replace(tzinfo=None)
    props = wb.properties
    props.creator = props.lastModifiedBy = f"riskgraph {report.manifest.tool_version}"
    props.title = report.title
    props.subject = f"scope {report.scope.label}"
    props.identifier = report.integrity.body_sha256
    props.created = props.modified = moment
    buffer = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return _repack(buffer.getvalue())


def write_xlsx(report: Report, out: Path) -> None:
    out.write_bytes(render_xlsx(report))


def _repack(data: bytes) -> bytes:
    """The same ZIP entries, in the same order, with fixed timestamps and attributes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            target.writestr(info, source.read(entry.filename), compresslevel=6)
    return out.getvalue()
