"""The write side of the Neo4j store: one document per managed transaction.

Every function here runs inside ``session.execute_write``. It first takes the store's
lock (the meta node) and checks the document id, so running it again after a lost commit
answer finds the document and does nothing: the driver's retries are safe. Shared entity
nodes are ``MERGE``d on their unique key; a document's own assertions are ``CREATE``d
(under the lock they cannot exist yet, and ``MERGE`` would cost an extra check per row).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import orjson
from neo4j import ManagedTransaction

from graph.keys import kind_of_key
from graph.model import DocumentInfo, Edge, Node, ParsedDocument
from graph.store import neo4j_queries as q
from graph.store.interface import (
    StoreError,
    UpsertOutcome,
    UpsertResult,
    resolve_active,
)
from graph.vocabulary import DocumentStatus, EdgeKind, NodeKind

__all__ = ["SCHEMA_VERSION", "DocumentWriter", "info_from", "info_json", "with_status"]

SCHEMA_VERSION = "3"  # 2: the reach layer (neo4j_queries.LAYER_EDGE_KINDS); 3: its two
# relationship types (neo4j_queries.LAYER_TYPES); 1 and 2 migrate
_LAYER = frozenset(q.LAYER_EDGE_KINDS)
_NODE_EXCLUDE = {"key", "kind", "provenance"}
_ACTIVE = DocumentStatus.ACTIVE.value


class DocumentWriter:
    """Writes and removes documents in batches of ``batch_size`` rows per query."""

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size

    def _batches(self, rows: Sequence[Sequence[str | None]]) -> Iterator[dict[str, Any]]:
        for start in range(0, len(rows), self.batch_size):
            yield q.columns(rows[start : start + self.batch_size])

    def upsert(
        self, tx: ManagedTransaction, document: ParsedDocument, stored: DocumentInfo
    ) -> UpsertResult:
        existing = tx.run(q.DOCUMENT_STATE, id=stored.id).single()
        if existing is None:
            tx.run(q.BUMP_REVISION, schema=SCHEMA_VERSION).consume()  # takes the store lock
            existing = tx.run(q.DOCUMENT_STATE, id=stored.id).single()
        if existing is not None:  # the same bytes (or a retry after a lost commit answer)
            return UpsertResult(with_status(*existing), UpsertOutcome.UNCHANGED)
        lineage = list(tx.run(q.LINEAGE, lineage=stored.lineage))
        winners = resolve_active([info_from(r[1]) for r in lineage] + [stored])
        by = winners[stored.id]
        status = DocumentStatus.ACTIVE if by is None else DocumentStatus.SUPERSEDED
        findings = [[f.severity.value, f.code, f.message, f.location] for f in document.findings]
        tx.run(
            q.CREATE_DOCUMENT,
            id=stored.id,
            lineage=stored.lineage,
            status=status.value,
            superseded_by=by,
            sha256=stored.sha256,
            name=stored.name,
            path=stored.path,
            format=stored.format.value,
            info=info_json(stored),
            findings=orjson.dumps(findings).decode(),
            finding_count=len(findings),
        ).consume()
        asserted = self._nodes(tx, stored.id, document.nodes)
        pairs = self._edges(tx, stored.id, document.edges, asserted, active=by is None)
        if by is None:
            self.sync_layer(tx, pairs)
        superseded = self._apply_lineage(tx, lineage, winners)
        final = stored.model_copy(update={"status": status, "superseded_by": by})
        return UpsertResult(final, UpsertOutcome.INSERTED, superseded)

    def _nodes(self, tx: ManagedTransaction, doc: str, nodes: Sequence[Node]) -> set[str]:
        by_kind: dict[NodeKind, list[Node]] = {}
        seen: set[str] = set()
        for node in nodes:
            if node.key not in seen:  # first assertion of a key wins, as in the SQLite store
                seen.add(node.key)
                by_kind.setdefault(node.kind, []).append(node)
        for kind, kind_nodes in by_kind.items():
            for start in range(0, len(kind_nodes), self.batch_size):
                rows = [
                    (n.key, n.provenance.location, n.model_dump_json(exclude=_NODE_EXCLUDE))
                    for n in kind_nodes[start : start + self.batch_size]
                ]
                # not consumed here: the server runs this batch while the next one is built
                tx.run(q.ASSERT_NODES[kind], doc=doc, kind=kind.value, **q.columns(rows))
        return seen

    def _edges(
        self,
        tx: ManagedTransaction,
        doc: str,
        edges: Sequence[Edge],
        asserted: set[str],
        *,
        active: bool,
    ) -> dict[EdgeKind, set[tuple[str, str]]]:
        """Write the edges; returns the reach-layer pairs among them."""
        unique: dict[tuple[str, str, str, str], Edge] = {}
        for edge in edges:
            unique.setdefault(edge.identity, edge)
        # endpoints this document does not assert: merge them (placeholders until asserted)
        missing: dict[NodeKind | None, list[tuple[str]]] = {}
        for key in sorted({k for e in unique.values() for k in (e.source, e.target)} - asserted):
            try:
                kind: NodeKind | None = kind_of_key(key)
            except ValueError:
                kind = None
            missing.setdefault(kind, []).append((key,))
        for maybe_kind, keys in missing.items():
            query = q.ENSURE_ENTITIES[maybe_kind] if maybe_kind else q.ENSURE_PLAIN_ENTITIES
            value = maybe_kind.value if maybe_kind else None
            for params in self._batches(keys):
                tx.run(query, kind=value, **params)
        rows: dict[EdgeKind, list[tuple[str, str, str, str | None]]] = {}
        for e in unique.values():
            rows.setdefault(e.kind, []).append((e.source, e.target, e.role, e.provenance.location))
        for edge_kind, kind_rows in rows.items():
            for params in self._batches(kind_rows):
                tx.run(q.WRITE_EDGES[edge_kind], doc=doc, active=active, **params)
        return {
            k: {(r[0], r[1]) for r in kind_rows} for k, kind_rows in rows.items() if k in _LAYER
        }

    def sync_layer(
        self, tx: ManagedTransaction, pairs: dict[EdgeKind, set[tuple[str, str]]]
    ) -> None:
        """Recount the reach-layer relationships of ``pairs`` (created, updated or deleted
        to match the active documents' relationships; running it twice changes nothing)."""
        for kind, kind_pairs in pairs.items():
            ordered = sorted(kind_pairs)
            for start in range(0, len(ordered), self.batch_size):
                rows = [list(p) for p in ordered[start : start + self.batch_size]]
                tx.run(q.SYNC_LAYER[kind], pairs=rows, kind=kind.value).consume()

    def layer_pairs(
        self, tx: ManagedTransaction, document_ids: Sequence[str]
    ) -> dict[EdgeKind, set[tuple[str, str]]]:
        """The reach-layer pairs the documents ``document_ids`` assert."""
        pairs: dict[EdgeKind, set[tuple[str, str]]] = {}
        for start in range(0, len(document_ids), self.batch_size):
            ids = list(document_ids[start : start + self.batch_size])
            for kind, s, t in tx.run(q.LAYER_PAIRS_OF, ids=ids):
                pairs.setdefault(EdgeKind(kind), set()).add((s, t))
        return pairs

    def set_active(self, tx: ManagedTransaction, rows: list[list[Any]]) -> None:
        """Mark documents' relationships active or not (rows of [id, bool]), layer kept."""
        tx.run(q.SET_EDGES_ACTIVE, rows=rows).consume()
        self.sync_layer(tx, self.layer_pairs(tx, [r[0] for r in rows]))

    def remove(self, tx: ManagedTransaction, document_id: str, where: str) -> DocumentInfo:
        """Delete a document, its assertions and the entities left with no relationship."""
        tx.run(q.BUMP_REVISION, schema=SCHEMA_VERSION).consume()
        state = tx.run(q.DOCUMENT_STATE, id=document_id).single()
        if state is None:
            raise StoreError(f"no document {document_id!r} in {where}")
        info = with_status(*state)
        keys = {r[0] for r in tx.run(q.ASSERTED_KEYS, id=document_id)}
        pairs = self.layer_pairs(tx, [document_id])
        keys |= {r[0] for r in tx.run(q.DELETE_DOCUMENT_EDGES, id=document_id)}
        tx.run(q.DELETE_DOCUMENT, id=document_id).consume()
        self.sync_layer(tx, pairs)  # before the orphans: a layer relationship keeps its ends
        ordered = sorted(keys)
        for start in range(0, len(ordered), self.batch_size):
            tx.run(q.DELETE_ORPHANS, keys=ordered[start : start + self.batch_size]).consume()
        lineage = list(tx.run(q.LINEAGE, lineage=info.lineage))
        self._apply_lineage(tx, lineage, resolve_active([info_from(r[1]) for r in lineage]))
        return info

    def _apply_lineage(
        self, tx: ManagedTransaction, lineage: Sequence[Any], winners: dict[str, str | None]
    ) -> tuple[str, ...]:
        """Status changes of the lineage's other documents; returns the newly superseded."""
        status_rows, active_rows, superseded = [], [], []
        for doc_id, _, status, old_by in lineage:
            by = winners[doc_id]
            new = _ACTIVE if by is None else DocumentStatus.SUPERSEDED.value
            if (new, by) != (status, old_by):
                status_rows.append([doc_id, new, by])
            if (new == _ACTIVE) != (status == _ACTIVE):
                active_rows.append([doc_id, new == _ACTIVE])
                if new != _ACTIVE:
                    superseded.append(doc_id)
        if status_rows:
            tx.run(q.SET_STATUS, rows=status_rows).consume()
        if active_rows:
            self.set_active(tx, active_rows)
        return tuple(sorted(superseded))


def info_json(info: DocumentInfo) -> str:
    """Document info as stored: status lives in its own properties."""
    return info.model_dump_json(exclude={"status", "superseded_by"})


def info_from(text: str) -> DocumentInfo:
    return DocumentInfo.model_validate_json(text)


def with_status(text: str, status: str, by: str | None) -> DocumentInfo:
    return info_from(text).model_copy(
        update={"status": DocumentStatus(status), "superseded_by": by}
    )
