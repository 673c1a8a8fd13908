"""The narrow contract every graph store implements (embedded SQLite, Neo4j)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from graph.model import DataQualityFinding, DocumentInfo, ParsedDocument

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "Clock",
    "GraphStore",
    "StoreError",
    "StoreStats",
    "UpsertOutcome",
    "UpsertResult",
    "system_clock",
]

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Wall-clock UTC time, truncated to the second for stable output."""
    return datetime.now(UTC).replace(microsecond=0)


class StoreError(Exception):
    """Root of store errors; ``str()`` is the user-facing text."""


class UpsertOutcome(StrEnum):
    INSERTED = "inserted"
    UNCHANGED = "unchanged"  # the same bytes were already in the store


@dataclass(frozen=True, slots=True)
class UpsertResult:
    document: DocumentInfo
    outcome: UpsertOutcome
    superseded: tuple[str, ...] = ()  # ids of documents this one superseded


@dataclass(frozen=True, slots=True)
class StoreStats:
    documents: int
    active_documents: int
    nodes_by_kind: dict[str, int] = field(default_factory=dict)
    edges_by_kind: dict[str, int] = field(default_factory=dict)
    findings: int = 0


@runtime_checkable
class GraphStore(Protocol):
    """Documents in, a networkx view out; every write is one document, all or nothing."""

    def upsert_document(self, document: ParsedDocument) -> UpsertResult:
        """Store a document atomically; same bytes again is a no-op."""
        ...

    def remove_document(self, document_id: str) -> DocumentInfo:
        """Delete a document and every assertion it made; raises StoreError if unknown."""
        ...

    def documents(self) -> list[DocumentInfo]:
        """All documents, active and superseded, sorted by id."""
        ...

    def document(self, document_id: str) -> ParsedDocument:
        """Everything one document asserted, read back."""
        ...

    def findings(self, document_id: str | None = None) -> list[DataQualityFinding]:
        """Data-quality findings of one document or of all, in stable order."""
        ...

    def stats(self) -> StoreStats:
        """Counts over the active view."""
        ...

    def view(self) -> nx.MultiDiGraph:
        """The merged graph of all active documents, nodes and edges with provenance."""
        ...

    def revision(self) -> str:
        """Changes whenever the store's content changes (for cache invalidation)."""
        ...

    def close(self) -> None: ...


def resolve_active(documents: Sequence[DocumentInfo]) -> dict[str, str | None]:
    """For each document id, the id of the document that supersedes it (or None).

    Within a lineage the active document is the newest by (created, bom_version, id);
    the rule depends only on the set of documents, never on ingest order.
    """
    by_lineage: dict[str, list[DocumentInfo]] = {}
    for doc in documents:
        by_lineage.setdefault(doc.lineage, []).append(doc)
    winner: dict[str, str | None] = {}
    floor = datetime.min.replace(tzinfo=UTC)
    for docs in by_lineage.values():
        newest = max(
            docs,
            key=lambda d: (
                _aware(d.created) if d.created else floor,
                d.bom_version if d.bom_version is not None else -1,
                d.id,
            ),
        )
        for doc in docs:
            winner[doc.id] = None if doc.id == newest.id else newest.id
    return winner


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
