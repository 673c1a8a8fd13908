"""The machine-readable report: the :class:`Report` model as indented JSON.

Its JSON Schema is ``riskgraph schema report``. Keys keep the model's field order and
the bytes depend only on the report, so the same inputs give the same file.
"""

from __future__ import annotations

from pathlib import Path

from dashboard.reports.model import Report
from dashboard.reports.modeljson import model_json_bytes

__all__ = ["Pieces", "keep_rendered", "render_json", "write_json"]

Pieces = tuple[bytes | memoryview, ...]
"""A file's bytes in consecutive pieces."""

_RENDERED: list[tuple[Report, Pieces]] = []
"""At most one report with its JSON written already (:func:`keep_rendered`)."""


def keep_rendered(report: Report, pieces: Pieces) -> None:
    """Hand ``pieces``, ``render_json(report)`` written already (``build_report(...,
    prerender="json")``), to the next :func:`render_json` or :func:`write_json` of this
    very object."""
    _RENDERED[:] = [(report, pieces)]


def render_json(report: Report) -> bytes:
    """UTF-8 JSON, two-space indent, one trailing newline."""
    if _RENDERED and _RENDERED[0][0] is report:
        return b"".join(_RENDERED.pop()[1])
    return model_json_bytes(report, indent=True) + b"\n"


def write_json(report: Report, out: Path) -> None:
    """``out.write_bytes(render_json(report))``; a kept rendering is written piece by piece."""
    if not (_RENDERED and _RENDERED[0][0] is report):
        out.write_bytes(render_json(report))
        return
    pieces = _RENDERED.pop()[1]
    with out.open("wb") as f:
        for piece in pieces:
            f.write(piece)
