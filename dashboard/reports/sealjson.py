"""Seal a report and write its JSON at once, the seal's hash computed in a forked child.

``riskgraph report --format json`` needs two serialisations of the same report: the
canonical body the seal hashes (keys sorted, compact) and the indented file. At 100k
hosts each is about a second of CPU over ~a million models. :func:`seal_with_json` runs
them side by side on two cores: a forked child writes the canonical body and sends back
its SHA-256 (64 hex digits) while this process writes the indented JSON with a
placeholder digest; the digest is then put in the placeholder's place. ``integrity`` is
the report's last field and ``body_sha256`` the last of it, so the placeholder is at a
fixed place at the end of the file (checked: anything else takes the serial path).

The bytes are those of ``render_json(seal(report))`` (tested): the child runs the same
canonical writer as :func:`~dashboard.reports.integrity.seal`. Whether orjson's bytes
hold (:func:`~dashboard.reports.jsonbytes.orjson_bytes_hold`) is checked once, on the
canonical body: both layouts hold the same values written by the same float and string
writer, separated by punctuation that no pattern of the check spans, and the one part
only the file holds (``integrity``: ``sha256``, the canonicalisation text, hex digits)
has neither pattern. When they do not hold the file takes the checked path. Without
``os.fork``, or when the child fails, the seal is computed here, serially.
"""

from __future__ import annotations

import hashlib
import os
import string
import threading
from collections.abc import Callable
from typing import Any, NoReturn

import orjson

from dashboard.reports.integrity import seal
from dashboard.reports.json_report import Pieces, render_json
from dashboard.reports.jsonbytes import orjson_bytes_hold
from dashboard.reports.jsondoc import ROW_CLASSES, JsonDocument
from dashboard.reports.model import Integrity, Report
from dashboard.reports.modeljson import plain_classes, plain_fields, unchecked_json_bytes
from graph.forking import exit_after, fork_with_pipe, read_all

__all__ = ["seal_document", "seal_with_json"]

_PLACEHOLDER = "0" * 64
_TAIL = b'"\n  }\n}'  # what follows the digest: end of body_sha256, integrity, report
_HEX = frozenset(string.hexdigits.lower().encode())


def seal_with_json(
    report: Report,
    findings: list[dict[str, Any]] | None = None,
    early: Callable[[memoryview], object] | None = None,
) -> tuple[Report, Pieces]:
    """``(seal(report), render_json(seal(report)))``, with the hash and the JSON written
    in parallel when the platform can fork; the JSON as pieces to write one after the
    other (or join): the file around the digest, not copied to put it in. ``findings``,
    when given, are the control findings as ``plan_findings(..., plain=)`` wrote them,
    written instead of the rows (same bytes, no call back per model). ``early``, when
    given, is called with the file's part before the digest while the child computes
    it (the caller may write it meanwhile, :class:`~dashboard.reports.json_report.HeadFirst`):
    that very object is the first piece returned when it is the file's head; any other
    first piece means it was not."""
    fields = plain_fields(report)
    if fields is None:
        return _serial(report)
    given = {**fields, **(_plain_controls(report, findings) or {})}
    canonical = {k: v for k, v in given.items() if k != "integrity"}
    done = _sealed_fields({**canonical, "integrity": _STUB}, canonical, early)
    if done is None:
        return _serial(report)
    digest, pieces = done
    return report.model_copy(update={"integrity": Integrity(body_sha256=digest)}), pieces


def seal_document(
    document: JsonDocument, early: Callable[[memoryview], object] | None = None
) -> tuple[str, Pieces]:
    """The seal's digest of the report of ``document`` and its JSON as pieces (and
    ``early``), as :func:`seal_with_json` gives them for ``document.report()``, from the
    document's fields: the model is built only when the serial path must run."""
    indented = {**document.indented, "integrity": _STUB}
    done = _sealed_fields(indented, document.canonical, early)
    if done is None:
        sealed, pieces = _serial(document.report())
        return sealed.integrity.body_sha256, pieces
    return done


_STUB = Integrity(body_sha256=_PLACEHOLDER)


def _sealed_fields(
    indented: dict[str, Any],
    canonical: dict[str, Any],
    early: Callable[[memoryview], object] | None,
) -> tuple[str, Pieces] | None:
    """The digest of ``canonical``'s canonical body (hashed in a forked child) and the
    indented JSON of ``indented`` (written here meanwhile, its digest the placeholder)
    around that digest; None when the serial path must run instead: no fork, a failing
    child, orjson's bytes not holding, a field the writer cannot take."""
    forked = fork_with_pipe()
    if forked is None:
        return None
    pid, read_end = forked
    if pid == 0:  # the child: hash the canonical body, report, leave without any cleanup
        _child(canonical, read_end)
    raw = head = None
    try:
        raw = unchecked_json_bytes(indented, indent=True)
        if early is not None and raw is not None:
            head = _head(raw)
            if head is not None:
                early(head)  # written while the child hashes
    finally:
        answer = read_all(read_end)
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
    if status != 0 or len(answer) != 64 or not set(answer) <= _HEX or raw is None:
        return None
    before = head if head is not None else _head(raw)
    if before is None:
        return None
    return answer.decode(), (before, answer, memoryview(raw)[len(raw) - len(_TAIL) :], b"\n")


def _head(body: bytes) -> memoryview | None:
    """The part of an indented JSON with the placeholder digest before that digest."""
    end = len(body) - len(_TAIL)
    if body[end - 64 : end] != _PLACEHOLDER.encode() or body[end:] != _TAIL:
        return None
    return memoryview(body)[: end - 64]


def _serial(report: Report) -> tuple[Report, Pieces]:
    sealed = seal(report)
    return sealed, (render_json(sealed),)


def _plain_controls(report: Report, findings: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    """``{"controls": the section's field dict with ``findings``}`` for the writer's
    ``replace``, when ``findings`` are those of the report's rows (same ids in the same
    order) and every class involved is written as its field dict; else None."""
    section = report.controls
    rows = section.findings
    if findings is None or len(findings) != len(rows) or not plain_classes(*ROW_CLASSES):
        return None
    fields = plain_fields(section)
    if fields is None or any(p["id"] != r.id for p, r in zip(findings, rows, strict=True)):
        return None
    return {"controls": {**fields, "findings": findings}}


def _child(canonical: dict[str, Any], out: int) -> NoReturn:
    """Write the digest of the canonical body of ``canonical`` to ``out`` when orjson's
    bytes of it hold (nothing otherwise: the parent takes the serial path); exit at once."""

    def work() -> None:
        pieces = _canonical_pieces(canonical)
        if pieces is None:
            return
        hasher = hashlib.sha256()  # on another thread (hashlib lets go of the GIL)
        hashing = threading.Thread(target=_update, args=(hasher, pieces))
        hashing.start()
        held = all(map(orjson_bytes_hold, pieces[::2]))  # meanwhile (100k: ~0.25 s in all)
        if len(pieces) > 1:
            held = held and _floats_hold(canonical["controls"]["findings"])
        hashing.join()
        if held:
            os.write(out, hasher.hexdigest().encode())

    exit_after(work)


def _update(hasher: Any, pieces: tuple[bytes, ...]) -> None:
    for piece in pieces:
        hasher.update(piece)


_MARK = b'"\\u0000riskgraph: the control findings"'
"""What stands for the findings in the canonical body written without them: the JSON of a
string no report holds (checked: it must occur once)."""


def _canonical_pieces(canonical: dict[str, Any]) -> tuple[bytes, ...] | None:
    """The canonical body of ``canonical`` (None: the writer cannot take it), as one piece
    or, when the control findings are plain rows, as three: the body before them, them,
    the body after. The check of orjson's bytes need not read the middle one (at 100k,
    ~140 of ~160 MB): :func:`_floats_hold` reads the rows' floats instead."""
    controls = canonical.get("controls")
    rows = controls.get("findings") if isinstance(controls, dict) else None
    if isinstance(controls, dict) and isinstance(rows, list):
        marked = {**canonical, "controls": {**controls, "findings": orjson.Fragment(_MARK)}}
        body = unchecked_json_bytes(marked, sort_keys=True)
        written = unchecked_json_bytes(rows, sort_keys=True)
        if body is not None and written is not None and body.count(_MARK) == 1:
            at = body.index(_MARK)
            return body[:at], written, body[at + len(_MARK) :]
    whole = unchecked_json_bytes(canonical, sort_keys=True)
    return None if whole is None else (whole,)


def _floats_hold(rows: list[dict[str, Any]]) -> bool:
    """True when no float of the findings' ``rows`` is one orjson writes otherwise than the
    standard library (below 1e-4 in magnitude, but 0): then their bytes hold, whatever
    their strings. A row's floats are its evidence values and its risk removed
    (:func:`~dashboard.reports.controls_rows.plain_findings`; its other values are
    strings, integers and rows of strings)."""
    for row in rows:
        for evidence in row["evidence"]:
            value = evidence["value"]
            if type(value) is float and value and -1e-4 < value < 1e-4:
                return False
        removed = row["risk_removed"]
        if removed is not None and any(
            type(v) is float and v and -1e-4 < v < 1e-4 for v in removed.values()
        ):
            return False
    return True
