"""The machine-readable report: the :class:`Report` model as indented JSON.

Its JSON Schema is ``riskgraph schema report``. Keys keep the model's field order and
the bytes depend only on the report, so the same inputs give the same file.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from dashboard.reports.model import Report
from dashboard.reports.modeljson import model_json_bytes

__all__ = ["HeadFirst", "JsonReport", "Pieces", "keep_rendered", "render_json", "write_json"]

Pieces = tuple[bytes | memoryview, ...]
"""A file's bytes in consecutive pieces."""

_RENDERED: list[tuple[Report, Pieces, HeadFirst | None]] = []
"""At most one report with its JSON written already (:func:`keep_rendered`)."""


class HeadFirst:
    """The first piece of the JSON file ``out``, written to a temporary beside it while
    the seal's hash is computed (:func:`~dashboard.reports.sealjson.seal_with_json`,
    which waits for that hash): :func:`write_json` then appends the rest and renames the
    temporary to ``out``. A head that could not be written is written again there."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        self.head: bytes | memoryview | None = None

    def write(self, head: bytes | memoryview) -> None:
        """Write ``head`` to the temporary (best effort: an error leaves no temporary)."""
        try:
            with self.temporary.open("wb") as f:
                f.write(head)
        except OSError:
            self.discard()
            return
        self.head = head

    def discard(self) -> None:
        """Remove the temporary: its head is not the file's."""
        self.head = None
        with contextlib.suppress(OSError):
            self.temporary.unlink(missing_ok=True)


@dataclass(frozen=True)
class JsonReport:
    """A report's JSON written already, as pieces, and its seal's digest
    (:func:`~dashboard.reports.build.build_json_report`); ``started``, when its head is
    ``pieces[0]`` (the same object), is the file begun already."""

    digest: str
    pieces: Pieces
    started: HeadFirst | None = None

    def write(self, out: Path) -> None:
        """Write the JSON to ``out`` (appended to the begun file when it is ``out``'s)."""
        _write_pieces(self.pieces, self.started, out)


def keep_rendered(report: Report, pieces: Pieces, started: HeadFirst | None = None) -> None:
    """Hand ``pieces``, ``render_json(report)`` written already (``build_report(...,
    prerender="json")``), to the next :func:`render_json` or :func:`write_json` of this
    very object; ``started``, when its head is ``pieces[0]`` (the same object), is the
    file of :func:`write_json` begun already."""
    if _RENDERED and _RENDERED[0][2] is not None:
        _RENDERED[0][2].discard()  # a file begun for a report never written
    _RENDERED[:] = [(report, pieces, started)]


def render_json(report: Report) -> bytes:
    """UTF-8 JSON, two-space indent, one trailing newline."""
    if _RENDERED and _RENDERED[0][0] is report:
        _, pieces, started = _RENDERED.pop()
        if started is not None:
            started.discard()
        return b"".join(pieces)
    return model_json_bytes(report, indent=True) + b"\n"


def write_json(report: Report, out: Path) -> None:
    """``out.write_bytes(render_json(report))``; a kept rendering is written piece by piece,
    after the head written already when its file is ``out``."""
    if not (_RENDERED and _RENDERED[0][0] is report):
        out.write_bytes(render_json(report))
        return
    _, pieces, started = _RENDERED.pop()
    _write_pieces(pieces, started, out)


def _write_pieces(pieces: Pieces, started: HeadFirst | None, out: Path) -> None:
    """Write ``pieces`` to ``out``, after the head of ``started`` when it begun ``out``."""
    if started is not None and (started.out != out or started.head is not pieces[0]):
        started.discard()
        started = None
    if started is None:
        with out.open("wb") as f:
            for piece in pieces:
                f.write(piece)
        return
    try:
        with started.temporary.open("ab") as f:
            for piece in pieces[1:]:
                f.write(piece)
        started.temporary.replace(out)
    except OSError:
        started.discard()
        raise
