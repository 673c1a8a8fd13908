"""The SQLite store's on-disk layout (schema version 2) and the migration from version 1.

A document's nodes and edges are one row of ``records``: two JSON arrays (orjson) of the
document's storage rows (:mod:`graph.records`), nodes sorted by key and edges by
identity. Every reader wants whole documents (the view, a snapshot, a round trip,
supersede and remove), so one row per document replaces the 244,000 indexed rows a
50,000-component SBOM took in version 1 (one per node and per edge, in ``WITHOUT
ROWID`` tables whose 1-4 KiB node bodies each spilled into an overflow page), which was
most of the ingest's store time and the WAL checkpoint's I/O.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import orjson

from graph.records import EdgeRow, NodeRow

__all__ = [
    "MIGRATES_FROM",
    "SCHEMA",
    "SCHEMA_VERSION",
    "migrate",
    "pack",
    "unpack_edges",
    "unpack_nodes",
]

SCHEMA_VERSION = "2"
MIGRATES_FROM = frozenset({"1"})

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    lineage TEXT NOT NULL,
    status TEXT NOT NULL,
    superseded_by TEXT,
    info BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_lineage ON documents(lineage);
CREATE TABLE IF NOT EXISTS records (
    document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    nodes BLOB NOT NULL,
    edges BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS findings (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    severity TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    location TEXT,
    PRIMARY KEY (document_id, seq)
) WITHOUT ROWID;
"""


def pack(rows: Sequence[NodeRow] | Sequence[EdgeRow]) -> bytes:
    """One document's node or edge rows as stored."""
    return orjson.dumps(rows)


def unpack_nodes(blob: bytes) -> list[NodeRow]:
    return [(k, kind, loc, body) for k, kind, loc, body in orjson.loads(blob)]


def unpack_edges(blob: bytes) -> list[EdgeRow]:
    return [(s, kind, t, role, loc) for s, kind, t, role, loc in orjson.loads(blob)]


def migrate(db: sqlite3.Connection) -> None:
    """Rewrite a version-1 store as version 2, inside the caller's transaction."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    for (doc_id,) in db.execute("SELECT id FROM documents ORDER BY id").fetchall():
        nodes = db.execute(
            "SELECT key, kind, location, body FROM nodes WHERE document_id = ? ORDER BY key",
            (doc_id,),
        ).fetchall()
        edges = db.execute(
            "SELECT source, kind, target, role, location FROM edges WHERE document_id = ? "
            "ORDER BY source, kind, target, role",
            (doc_id,),
        ).fetchall()
        db.execute("INSERT INTO records VALUES (?, ?, ?)", (doc_id, pack(nodes), pack(edges)))
    db.execute("DROP TABLE nodes")
    db.execute("DROP TABLE edges")
    db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (SCHEMA_VERSION,))
