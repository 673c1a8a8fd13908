"""The machine-readable report: the :class:`Report` model as indented JSON.

Its JSON Schema is ``riskgraph schema report``. Keys keep the model's field order and
the bytes depend only on the report, so the same inputs give the same file.
"""

from __future__ import annotations

from pathlib import Path

from dashboard.reports.model import Report
from dashboard.reports.modeljson import model_json_bytes

__all__ = ["keep_rendered", "render_json", "write_json"]

_RENDERED: list[tuple[Report, bytes]] = []
"""At most one report with its JSON written already (:func:`keep_rendered`)."""


def keep_rendered(report: Report, data: bytes) -> None:
    """Hand ``data``, ``render_json(report)`` written already (``build_report(...,
    prerender="json")``), to the next :func:`render_json` of this very object."""
    _RENDERED[:] = [(report, data)]


def render_json(report: Report) -> bytes:
    """UTF-8 JSON, two-space indent, one trailing newline."""
    if _RENDERED and _RENDERED[0][0] is report:
        return _RENDERED.pop()[1]
    return model_json_bytes(report, indent=True) + b"\n"


def write_json(report: Report, out: Path) -> None:
    out.write_bytes(render_json(report))
