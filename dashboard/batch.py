"""One batch of documents into the store (or only validated): the CLI's ``ingest`` and
``validate`` and the dashboard's upload run this same function, so both apply the same
checks and report the same one-line refusals.

Ingest runs in two phases, so one batch works in any order. Phase 1 takes every document
without references (SBOMs, self-contained channel files) as it is read. Phase 2 resolves
the documents with references (inventories, channel files naming SBOM products) against
the store and the whole batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from dashboard.cli.output import IngestedDocument, IngestReport, RefusedFile
from graph.model import ParsedDocument
from graph.records import DocumentRecords
from graph.store import GraphStore, StoreMissing, open_store
from graph.store.interface import UpsertResult
from graph.store.sqlite import SqliteStore
from graph.vocabulary import NodeKind, Severity
from ingest.pipeline import Candidate, Loaded, load_file, load_raw, paused_gc
from ingest.resolve import ReferenceIndex, resolve_batch
from ingest.source import IngestError, RawDocument

__all__ = ["Admit", "BatchItem", "check_strict", "ingest_batch"]

BatchItem = Candidate | RawDocument
"""A file to read (CLI) or bytes already read (an upload)."""

Admit = Callable[[ParsedDocument], None]
"""Raises :class:`IngestError` to refuse a parsed document (strictness, upload scope)."""


def ingest_batch(
    items: Sequence[BatchItem],
    store: GraphStore | None,
    *,
    location: str | None,
    max_bytes: int,
    lenient: bool = False,
    admit: Admit | None = None,
    on_item: Callable[[str], None] | None = None,
) -> IngestReport:
    """Parse, check and (when ``store`` is given) store ``items``; never raises for input.

    ``location`` names the store for ``validate``, which resolves references against an
    existing store without creating one. ``on_item`` is called before each item (progress).
    """
    documents: dict[int, IngestedDocument] = {}
    distinct = _Distinct()
    refused: dict[int, RefusedFile] = {}
    pending: list[tuple[int, ParsedDocument]] = []
    batch = ReferenceIndex()

    def checked(parsed: Loaded) -> None:
        if admit is not None:
            admit(parsed.parsed() if isinstance(parsed, DocumentRecords) else parsed)

    for i, item in enumerate(items):
        if on_item is not None:
            on_item(_name(item))
        if isinstance(item, Candidate) and item.refusal is not None:
            refused[i] = RefusedFile(path=item.refusal.path, reason=str(item.refusal))
            continue
        try:
            # One collector pause over load and store; the document's rows are released
            # inside it, so the collector resumes with nothing new to walk.
            with paused_gc():
                parsed = _parse(item, max_bytes)
                if isinstance(parsed, ParsedDocument) and parsed.references:
                    pending.append((i, parsed))
                else:
                    checked(parsed)
                    documents[i] = _store(parsed, store)
                    distinct.add(parsed)
                    if store is None:  # ingest finds it in the store's view instead
                        batch.add_document(
                            parsed.parsed() if isinstance(parsed, DocumentRecords) else parsed
                        )
                del parsed
        except IngestError as e:
            refused[i] = RefusedFile(path=e.path, reason=str(e))
    if pending:
        _add_store_view(batch, store, location)
        outcomes = resolve_batch(
            [parsed for _, parsed in pending], batch, lenient=lenient, check=checked
        )
        for (i, _), outcome in zip(pending, outcomes, strict=True):
            try:
                if isinstance(outcome, IngestError):
                    raise outcome
                documents[i] = _store(outcome, store)
                distinct.add(outcome)
            except IngestError as e:
                refused[i] = RefusedFile(path=e.path, reason=str(e))
    return IngestReport(
        store=_store_name(store),
        documents=[documents[i] for i in sorted(documents)],
        refused=[refused[i] for i in sorted(refused)],
        totals=_totals(list(documents.values()), list(refused.values()), distinct),
    )


def check_strict(parsed: ParsedDocument) -> None:
    """``--strict``: refuse documents with data-quality findings of medium or worse."""
    serious = [f for f in parsed.findings if f.severity.rank <= Severity.MEDIUM.rank]
    if serious:
        raise IngestError(
            parsed.info.path,
            f"--strict: {len(serious)} data-quality findings, first: {serious[0].message}",
        )


def _name(item: BatchItem) -> str:
    return item.path.name if isinstance(item, Candidate) else Path(item.path).name


def _parse(item: BatchItem, max_bytes: int) -> Loaded:
    if isinstance(item, Candidate):
        return load_file(item.path, max_bytes=max_bytes)
    if len(item.data) > max_bytes:
        raise IngestError(
            item.path, f"file is {len(item.data):,} bytes, over the {max_bytes:,}-byte cap"
        )
    return load_raw(item)


def _add_store_view(index: ReferenceIndex, store: GraphStore | None, location: str | None) -> None:
    """What the store holds (after phase 1, so with this batch's SBOMs); ``validate``
    reads the store only if it exists, and never creates one."""
    known = store if store is not None else _existing_store(location)
    if known is None:
        return
    try:
        if isinstance(known, SqliteStore):  # rows, not a whole view: stays cheap at 1M nodes
            index.add_rows(known.node_rows(), known.documents())
        else:
            index.add_view(known.view(), known.documents())
    finally:
        if known is not store:
            known.close()


def _existing_store(location: str | None) -> GraphStore | None:
    try:
        return open_store(location, must_exist=True)
    except StoreMissing:
        return None


def _store(parsed: Loaded, store: GraphStore | None) -> IngestedDocument:
    outcome, superseded = "validated", tuple[str, ...]()
    if store is not None:
        result = _upsert(store, parsed)
        outcome, superseded = result.outcome.value, result.superseded
    return _summarise(parsed, outcome, list(superseded))


def _upsert(store: GraphStore, document: Loaded) -> UpsertResult:
    """Store a document with the cyclic GC paused (hundreds of thousands of small rows).

    The SQLite store writes storage rows as they come; other stores take the records.
    """
    with paused_gc():
        if isinstance(document, DocumentRecords):
            if isinstance(store, SqliteStore):
                return store.upsert_document(document)
            document = document.parsed()
        return store.upsert_document(document)


def _summarise(parsed: Loaded, outcome: str, superseded: list[str]) -> IngestedDocument:
    if isinstance(parsed, DocumentRecords):
        kinds = parsed.kind_counts()
        nodes, edges = len(parsed.node_rows), len(parsed.edge_rows)
    else:
        kinds = Counter(node.kind.value for node in parsed.nodes)
        nodes, edges = len(parsed.nodes), len(parsed.edges)
    info = parsed.info
    return IngestedDocument(
        id=info.id,
        path=info.path,
        format=info.format.value,
        spec_version=info.spec_version,
        name=info.name,
        outcome=outcome,
        superseded=superseded,
        nodes=nodes,
        edges=edges,
        components=kinds[NodeKind.COMPONENT.value],
        vendors=kinds[NodeKind.VENDOR.value],
        findings=len(parsed.findings),
    )


class _Distinct:
    """Component and vendor keys of the batch: a vendor named by 20 documents counts once."""

    def __init__(self) -> None:
        self.components: set[str] = set()
        self.vendors: set[str] = set()

    def add(self, parsed: Loaded) -> None:
        wanted = {NodeKind.COMPONENT.value: self.components, NodeKind.VENDOR.value: self.vendors}
        if isinstance(parsed, DocumentRecords):
            for row in parsed.node_rows:
                keys = wanted.get(row[1])
                if keys is not None:
                    keys.add(row[0])
        else:
            for node in parsed.nodes:
                keys = wanted.get(node.kind.value)
                if keys is not None:
                    keys.add(node.key)


def _totals(
    documents: list[IngestedDocument], refused: list[RefusedFile], distinct: _Distinct
) -> dict[str, int]:
    outcomes = Counter(d.outcome for d in documents)
    return {
        "documents": len(documents),
        "inserted": outcomes["inserted"],
        "unchanged": outcomes["unchanged"],
        "validated": outcomes["validated"],
        "superseded": sum(len(d.superseded) for d in documents),
        "refused": len(refused),
        "components": len(distinct.components),
        "vendors": len(distinct.vendors),
        "data_quality_findings": sum(d.findings for d in documents),
    }


def _store_name(store: GraphStore | None) -> str | None:
    if store is None:
        return None
    path = getattr(store, "path", None)
    return str(path) if path is not None else type(store).__name__
