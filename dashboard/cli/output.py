"""Typed CLI outputs (their JSON Schemas are what ``riskgraph schema`` publishes) and
the one renderer for ``--format table|json``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, TextIO

from pydantic import BaseModel, ConfigDict, Field

from graph.model import DataQualityFinding, DocumentInfo

__all__ = [
    "DocumentList",
    "FindingList",
    "IngestReport",
    "IngestedDocument",
    "RefusedFile",
    "StatsReport",
    "render_json",
    "render_table",
]


class _Output(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RefusedFile(_Output):
    path: str
    reason: str = Field(description="The one-line reason, starting with the path.")


class IngestedDocument(_Output):
    id: str
    path: str
    format: str
    spec_version: str
    name: str
    outcome: str = Field(description="inserted | unchanged | validated")
    superseded: list[str] = Field(default_factory=list)
    nodes: int
    edges: int
    components: int
    vendors: int
    findings: int


class IngestReport(_Output):
    """What ``riskgraph ingest`` and ``riskgraph validate`` did."""

    store: str | None = Field(description="Store location; null for validate.")
    documents: list[IngestedDocument]
    refused: list[RefusedFile]
    totals: dict[str, int] = Field(
        description="Documents by outcome, refused files, data-quality findings; "
        "components and vendors are distinct keys over the batch (a vendor named by several "
        "documents counts once), where each document's row counts its own nodes."
    )


class DocumentList(_Output):
    documents: list[DocumentInfo]


class FindingList(_Output):
    findings: list[DataQualityFinding]


class StatsReport(_Output):
    store: str
    revision: str
    documents: int
    active_documents: int
    superseded_documents: int
    nodes: dict[str, int]
    edges: dict[str, int]
    data_quality_findings: int
    estate: dict[str, int] = Field(
        default_factory=dict,
        description="Operators, sectors, host groups, hosts (sum of host_count), vendors, "
        "channels and kernel-privileged components of the active graph.",
    )


def render_json(model: BaseModel, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    out.write(model.model_dump_json(indent=2))
    out.write("\n")


def render_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO | None = None
) -> None:
    """Plain aligned columns: stable, greppable and wide-terminal friendly."""
    out = out or sys.stdout
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out.write(line.rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if hasattr(value, "value"):
        return str(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
