"""The report as CSV: one file per table, in a deterministic ZIP or a directory.

A ZIP is the default (``--out report.zip``): one file to archive or hand over, entries in
a fixed order with fixed timestamps (1980-01-01) and permissions, so the same report gives
the same bytes. Any other ``--out`` path is a directory with the same files. Besides one
``<table>.csv`` per table of :func:`dashboard.reports.tables.report_tables`, the bundle
holds ``manifest.json`` (manifest and integrity record) for ``riskgraph report verify``.

Cells: empty for null, ``true``/``false`` for booleans, lists joined with ``"; "``.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from dashboard.reports.integrity import verification_stub
from dashboard.reports.markers import MANIFEST_NAME
from dashboard.reports.model import Report
from dashboard.reports.tables import Cell, Table, report_tables

__all__ = ["MANIFEST_NAME", "csv_files", "render_zip", "write_csv"]

_EPOCH = (1980, 1, 1, 0, 0, 0)


def csv_files(report: Report) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every file of the bundle, in order."""
    files = [(f"{t.name}.csv", _csv(t)) for t in report_tables(report)]
    stub = json.dumps(verification_stub(report), indent=2, ensure_ascii=False) + "\n"
    return [*files, (MANIFEST_NAME, stub.encode())]


def render_zip(report: Report) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in csv_files(report):
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            info.create_system = 3  # unix, whatever the host
            archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()


def write_csv(report: Report, out: Path) -> None:
    """A ZIP when ``out`` ends in ``.zip``, else a directory of files."""
    if out.suffix.lower() == ".zip":
        out.write_bytes(render_zip(report))
        return
    out.mkdir(parents=True, exist_ok=True)
    for name, data in csv_files(report):
        (out / name).write_bytes(data)


def _csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.headers)
    writer.writerows([_text(v) for v in row] for row in table.rows)
    return buffer.getvalue().encode()


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
