"""The report as ``riskgraph report --format json`` writes it: its fields, not its models.

At 100k hosts a :class:`~dashboard.reports.model.Report` holds ~93k findings with ~210k
evidence rows, and the sections about ~300k more rows, all pydantic models. The JSON
command only writes them: a :class:`JsonDocument` holds the report's fields as the JSON
writer (:mod:`dashboard.reports.modeljson`) takes them, the control findings as their
plain rows (:func:`~dashboard.reports.controls_rows.plain_findings`) and the sections the
side child of a parallel build made as the JSON it wrote there (:class:`PartsJson`), and
builds the :class:`Report` model only when asked: the seal's checked path, when orjson's
bytes do not hold (:mod:`dashboard.reports.sealjson`). Same bytes either way (tested).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import orjson

from dashboard.reports.controls_rows import Row
from dashboard.reports.model import (
    ControlsSection,
    EvidenceRow,
    FrameworkRef,
    Report,
    ReportFinding,
    RiskRemovedRow,
    SourceRef,
)
from dashboard.reports.modeljson import plain_classes, plain_fields, unchecked_json_bytes
from dashboard.reports.parts import ReportParts

__all__ = [
    "ROW_CLASSES",
    "JsonDocument",
    "PartsJson",
    "json_document",
    "parts_fields",
    "parts_json",
]


@dataclass(frozen=True)
class PartsJson:
    """The sections of a :class:`~dashboard.reports.parts.ReportParts` as JSON, by field:
    ``indented`` as they stand in the report's file (two-space indent, one level in),
    ``canonical`` as the seal hashes them (compact, keys sorted). Plain bytes: a forked
    child hands them back for the cost of a copy, where the models took ~0.5 s to load
    (100k) and as long again to write."""

    indented: dict[str, bytes]
    canonical: dict[str, bytes]


@dataclass(frozen=True)
class JsonDocument:
    """A report's fields but ``integrity``, in field order, as the JSON writer takes them
    for the file (``indented``) and for the seal (``canonical``: the same values, but
    sections written already are written in that layout), and the :class:`Report` model
    they are the fields of, built when called."""

    indented: dict[str, Any]
    canonical: dict[str, Any]
    report: Callable[[], Report]


def parts_fields(parts: ReportParts) -> dict[str, Any]:
    """``parts``' sections by field name (no copy, unlike :func:`dataclasses.asdict`)."""
    return {f.name: getattr(parts, f.name) for f in fields(parts)}


def parts_json(parts: ReportParts) -> PartsJson | ReportParts:
    """``parts`` written as :class:`PartsJson`, or ``parts`` itself when a section is not
    written by the JSON writer from its models (then written with the report)."""
    indented, canonical = {}, {}
    for name, value in parts_fields(parts).items():
        spaced = unchecked_json_bytes(value, indent=True)
        compact = unchecked_json_bytes(value, sort_keys=True)
        if spaced is None or compact is None:
            return parts
        # one level in: JSON strings hold no raw newline, so every newline is the layout's
        indented[name] = spaced.replace(b"\n", b"\n  ")
        canonical[name] = compact
    return PartsJson(indented, canonical)


ROW_CLASSES = (ControlsSection, ReportFinding, EvidenceRow, SourceRef, FrameworkRef, RiskRemovedRow)
"""The classes of a controls section's rows: their JSON is the plain rows' when each of
them is written as its field dict (:func:`~dashboard.reports.modeljson.plain_classes`)."""


def json_document(
    head: dict[str, Any],
    controls: ControlsSection,
    rows: list[Row],
    parts: PartsJson | ReportParts,
    report: Callable[[], Report],
) -> JsonDocument:
    """The document of the report ``report()`` builds: ``head`` its title, scope and data
    quality, ``controls`` its controls section without findings
    (:func:`~dashboard.reports.sections_controls.plain_controls_section`) and ``rows``
    those findings (:func:`~dashboard.reports.controls_rows.plain_findings`), ``parts``
    the other sections, written or not."""
    section = plain_fields(controls)
    if section is None or not plain_classes(*ROW_CLASSES):
        whole = report()
        values = {name: getattr(whole, name) for name in _FIELDS}
        return JsonDocument(values, values, lambda: whole)
    given = {**head, "controls": {**section, "findings": rows}}
    if isinstance(parts, ReportParts):
        values = {n: given[n] if n in given else getattr(parts, n) for n in _FIELDS}
        return JsonDocument(values, values, report)
    indented = {**given, **{k: orjson.Fragment(v) for k, v in parts.indented.items()}}
    canonical = {**given, **{k: orjson.Fragment(v) for k, v in parts.canonical.items()}}
    return JsonDocument(
        {name: indented[name] for name in _FIELDS},
        {name: canonical[name] for name in _FIELDS},
        report,
    )


_FIELDS = tuple(name for name in Report.model_fields if name != "integrity")
"""The report's fields in order, but its seal."""
