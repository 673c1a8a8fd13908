"""The embedded store: one SQLite file, one transaction per document, WAL for readers.

Tables keep what each document asserted (not a merged graph), so removing or
superseding a document is a delete or a status flip, and provenance is exact. The
layout (one row of packed records per document) is :mod:`graph.store.sqlite_layout`.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from graph.model import (
    DataQualityFinding,
    DocumentInfo,
    ParsedDocument,
)
from graph.records import (
    DocumentRecords,
    edge_rows_of,
    materialise_edges,
    materialise_nodes,
    node_rows_of,
)
from graph.store.interface import (
    Clock,
    StoreError,
    StoreStats,
    UpsertOutcome,
    UpsertResult,
    resolve_active,
    system_clock,
)
from graph.store.sqlite_layout import (
    MIGRATES_FROM,
    SCHEMA,
    SCHEMA_VERSION,
    migrate,
    pack,
    unpack_edges,
    unpack_nodes,
)
from graph.store.view import EdgeAssertion, NodeAssertion, build_view, provenance_record
from graph.vocabulary import DocumentStatus, Severity

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["SCHEMA_VERSION", "SqliteStore"]


class SqliteStore:
    """A :class:`~graph.store.interface.GraphStore` in a single SQLite file."""

    def __init__(self, path: Path, *, clock: Clock = system_clock) -> None:
        self.path = path
        self._clock = clock
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30.0)
            self._db.execute("PRAGMA foreign_keys = ON")
            # A new file only (an existing one keeps its page size): a document is one row
            # of 0.1-60 MiB packed records, written as overflow pages; 16 KiB pages write
            # it in a quarter of the page operations (keycloak's commit 2.1 -> 1.4 ms).
            self._db.execute("PRAGMA page_size = 16384")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA cache_size = -65536")  # 64 MiB: big documents, few evictions
            self._init_schema()
        except sqlite3.OperationalError as e:
            if "locked" in str(e) or "busy" in str(e):
                raise StoreError(f"{path}: store is busy (another process is writing)") from e
            raise StoreError(f"{path}: cannot open store ({e})") from e
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{path}: not a riskgraph store ({e})") from e
        except OSError as e:
            raise StoreError(f"{path}: cannot open store ({e.strerror or e})") from e

    def _init_schema(self) -> None:
        # Readers must not need the write lock: only a new file gets the schema written,
        # and only a store of an older layout is migrated (once).
        found = self._schema_version()
        if found is None or found in MIGRATES_FROM:
            with self._transaction():
                found = self._schema_version()
                if found is None:
                    for statement in SCHEMA.split(";"):
                        if statement.strip():
                            self._db.execute(statement)
                    self._db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
                    self._db.execute("INSERT INTO meta VALUES ('revision', '0')")
                elif found in MIGRATES_FROM:
                    migrate(self._db)
        found = self._schema_version()
        if found != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema version {found}, this riskgraph reads "
                f"{SCHEMA_VERSION} (and migrates {', '.join(sorted(MIGRATES_FROM))}); "
                "re-ingest into a new store"
            )

    def _schema_version(self) -> str | None:
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.OperationalError as e:
            if "no such table" in str(e):
                return None
            raise
        return None if row is None else str(row[0])

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- writes ---------------------------------------------------------------------

    def upsert_document(self, document: ParsedDocument | DocumentRecords) -> UpsertResult:
        """Store ``document`` in one transaction; storage rows are written as they come."""
        info = document.info
        with self._transaction():
            existing = self._db.execute(
                "SELECT info FROM documents WHERE id = ?", (info.id,)
            ).fetchone()
            if existing is not None:
                return UpsertResult(self._info_from(existing[0]), UpsertOutcome.UNCHANGED)
            stored = info.model_copy(update={"ingested_at": info.ingested_at or self._clock()})
            self._db.execute(
                "INSERT INTO documents VALUES (?, ?, ?, NULL, ?)",
                (stored.id, stored.lineage, DocumentStatus.ACTIVE.value, _info_blob(stored)),
            )
            if isinstance(document, DocumentRecords):
                node_rows, edge_rows = document.node_rows, document.edge_rows
            else:
                node_rows, edge_rows = node_rows_of(document.nodes), edge_rows_of(document.edges)
            self._db.execute(
                "INSERT INTO records VALUES (?, ?, ?)", (info.id, pack(node_rows), pack(edge_rows))
            )
            self._db.executemany(
                "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (info.id, i, f.severity.value, f.code, f.message, f.location)
                    for i, f in enumerate(document.findings)
                ],
            )
            superseded = self._resolve_lineage(stored.lineage, newcomer=stored.id)
            self._bump_revision()
            final = self._load_info(stored.id)
        return UpsertResult(final, UpsertOutcome.INSERTED, superseded)

    def remove_document(self, document_id: str) -> DocumentInfo:
        with self._transaction():
            info = self._load_info(document_id)
            self._db.execute("DELETE FROM documents WHERE id = ?", (document_id,))
            self._resolve_lineage(info.lineage, newcomer=None)
            self._bump_revision()
        return info

    def _resolve_lineage(self, lineage: str, newcomer: str | None) -> tuple[str, ...]:
        rows = self._db.execute(
            "SELECT id, info, status FROM documents WHERE lineage = ?", (lineage,)
        ).fetchall()
        infos = [self._info_from(blob) for _, blob, _ in rows]
        winners = resolve_active(infos)
        newly_superseded = []
        for doc_id, _, status in rows:
            by = winners[doc_id]
            new_status = DocumentStatus.ACTIVE if by is None else DocumentStatus.SUPERSEDED
            if new_status.value != status or by is not None:
                self._db.execute(
                    "UPDATE documents SET status = ?, superseded_by = ? WHERE id = ?",
                    (new_status.value, by, doc_id),
                )
            if (
                new_status is DocumentStatus.SUPERSEDED
                and status == "active"
                and doc_id != newcomer
            ):
                newly_superseded.append(doc_id)
        return tuple(sorted(newly_superseded))

    def _bump_revision(self) -> None:
        self._db.execute(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
            "WHERE key = 'revision'"
        )

    # -- reads ----------------------------------------------------------------------

    def revision(self) -> str:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        return str(row[0])

    def documents(self) -> list[DocumentInfo]:
        rows = self._db.execute(
            "SELECT info, status, superseded_by FROM documents ORDER BY id"
        ).fetchall()
        return [self._with_status(blob, status, by) for blob, status, by in rows]

    def _load_info(self, document_id: str) -> DocumentInfo:
        row = self._db.execute(
            "SELECT info, status, superseded_by FROM documents WHERE id = ?", (document_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no document {document_id!r} in {self.path}")
        return self._with_status(*row)

    def _with_status(self, blob: bytes, status: str, by: str | None) -> DocumentInfo:
        return self._info_from(blob).model_copy(
            update={"status": DocumentStatus(status), "superseded_by": by}
        )

    @staticmethod
    def _info_from(blob: bytes | str) -> DocumentInfo:
        return DocumentInfo.model_validate_json(blob)

    def document(self, document_id: str) -> ParsedDocument:
        info = self._load_info(document_id)
        row = self._db.execute(
            "SELECT nodes, edges FROM records WHERE document_id = ?", (document_id,)
        ).fetchone()
        node_rows, edge_rows = (unpack_nodes(row[0]), unpack_edges(row[1])) if row else ([], [])
        nodes = materialise_nodes(info, node_rows)
        edges = materialise_edges(info, edge_rows)
        return ParsedDocument(
            info=info,
            nodes=nodes,
            edges=edges,
            findings=tuple(self.findings(document_id)),
        )

    def findings(self, document_id: str | None = None) -> list[DataQualityFinding]:
        query = "SELECT document_id, severity, code, message, location FROM findings"
        args: tuple[str, ...] = ()
        if document_id is not None:
            query += " WHERE document_id = ?"
            args = (document_id,)
        query += " ORDER BY document_id, seq"
        return [
            DataQualityFinding(document_id=d, severity=Severity(s), code=c, message=m, location=loc)
            for d, s, c, m, loc in self._db.execute(query, args)
        ]

    def stats(self) -> StoreStats:
        total, active = self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(status = 'active'), 0) FROM documents"
        ).fetchone()
        node_keys: set[tuple[str, str]] = set()
        edge_keys: set[tuple[str, str, str, str]] = set()
        for _, blob in self._active_packs("nodes"):
            node_keys.update((kind, key) for key, kind, _, _ in orjson.loads(blob))
        for _, blob in self._active_packs("edges"):
            edge_keys.update((k, s, t, r) for s, k, t, r, _ in orjson.loads(blob))
        nodes = dict(sorted(Counter(kind for kind, _ in node_keys).items()))
        edges = dict(sorted(Counter(e[0] for e in edge_keys).items()))
        (findings,) = self._db.execute("SELECT COUNT(*) FROM findings").fetchone()
        return StoreStats(int(total), int(active), nodes, edges, int(findings))

    def view(self) -> nx.MultiDiGraph:
        shas = self.document_shas()
        return build_view(self._node_assertions(shas), self._edge_assertions(shas))

    def node_rows(self) -> Iterator[tuple[str, str, str, str | None, str]]:
        """Active node assertions as ``(key, kind, document_id, location, body)``.

        ``body`` is the node's JSON without key, kind and provenance; rows come sorted
        by ``(key, document_id)``. This and :meth:`edge_rows` are the storage-layout
        contract the view and the fast snapshot read; a layout change keeps them.
        """
        rows = [
            (key, kind, doc_id, location, body)
            for doc_id, blob in self._active_packs("nodes")
            for key, kind, location, body in orjson.loads(blob)
        ]
        rows.sort(key=itemgetter(0))  # stable: documents came in id order
        return iter(rows)

    def edge_rows(self) -> Iterator[tuple[str, str, str, str, str, str | None]]:
        """Active edge assertions as ``(source, kind, target, role, document_id, location)``.

        Sorted by ``(source, kind, target, role, document_id)``.
        """
        rows = [
            (source, kind, target, role, doc_id, location)
            for doc_id, blob in self._active_packs("edges")
            for source, kind, target, role, location in orjson.loads(blob)
        ]
        rows.sort(key=itemgetter(0, 1, 2, 3))  # stable: documents came in id order
        return iter(rows)

    def node_packs(self) -> Iterator[tuple[str, bytes]]:
        """``(document_id, packed node rows)`` of each active document, by document id.

        A pack is the JSON array of the document's ``[key, kind, location, body]`` rows
        sorted by key (:func:`graph.store.sqlite_layout.pack`): :meth:`node_rows` one
        document at a time, for readers that must not hold every row at once. Read
        lazily: only the current document's pack is in memory.
        """
        yield from self._active_cursor("nodes")

    def edge_packs(self) -> Iterator[tuple[str, bytes]]:
        """``(document_id, packed edge rows)`` of each active document, by document id.

        A pack is the JSON array of the document's ``[source, kind, target, role,
        location]`` rows sorted by identity: :meth:`edge_rows` unsorted across documents
        and one document at a time (read lazily, like :meth:`node_packs`).
        """
        yield from self._active_cursor("edges")

    def _active_cursor(self, column: str) -> sqlite3.Cursor:
        return self._db.execute(
            f"SELECT r.document_id, r.{column} FROM records r JOIN documents d "
            "ON d.id = r.document_id WHERE d.status = 'active' ORDER BY r.document_id"
        )

    def _active_packs(self, column: str) -> list[tuple[str, bytes]]:
        """``(document_id, packed rows)`` of the active documents, by id; ``column`` is
        ``nodes`` or ``edges``."""
        return self._active_cursor(column).fetchall()

    def document_shas(self) -> dict[str, str]:
        """sha256 of every stored document by id (active or not)."""
        return dict(self._db.execute("SELECT id, json_extract(info, '$.sha256') FROM documents"))

    def _node_assertions(self, shas: dict[str, str]) -> Iterator[NodeAssertion]:
        for key, kind, doc_id, location, body in self.node_rows():
            yield NodeAssertion(
                key,
                kind,
                orjson.loads(body),
                provenance_record(doc_id, shas[doc_id], location),
            )

    def _edge_assertions(self, shas: dict[str, str]) -> Iterator[EdgeAssertion]:
        for source, kind, target, role, doc_id, location in self.edge_rows():
            yield EdgeAssertion(
                source,
                kind,
                target,
                role,
                provenance_record(doc_id, shas[doc_id], location),
            )

    def close(self) -> None:
        self._db.close()


def _info_blob(info: DocumentInfo) -> str:
    """Document info as stored: status lives in its own columns."""
    return info.model_dump_json(exclude={"status", "superseded_by"})


def default_store_path() -> Path:
    """``$RISKGRAPH_STORE``, else ``$XDG_DATA_HOME/riskgraph/riskgraph.sqlite``."""
    explicit = os.environ.get("RISKGRAPH_STORE")
    if explicit:
        return Path(explicit)
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "riskgraph" / "riskgraph.sqlite"
