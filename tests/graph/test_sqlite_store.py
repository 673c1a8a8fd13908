"""What only the embedded store does: WAL readers, its file, its layout versions, its
location strings.

The store-agnostic contract (atomic documents, idempotence, supersede, remove, order
independence) is tests/graph/store/test_conformance.py, run against every store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from graph.model import ParsedDocument
from graph.records import edge_rows_of, node_rows_of
from graph.store import StoreError, open_store
from graph.store.sqlite import SCHEMA_VERSION, SqliteStore
from tests.factories import FIXED, make_document


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path / "store.sqlite", clock=lambda: FIXED)
    yield s
    s.close()


def test_readers_read_while_a_writer_holds_the_lock(store: SqliteStore, tmp_path: Path) -> None:
    store.upsert_document(make_document("os", "1", ["kernel"]))
    writer = sqlite3.connect(store.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM records")
    try:
        reader = SqliteStore(store.path)
        assert "component:pkg:generic/kernel@1.0" in reader.view()
        reader.close()
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_not_a_store_file_is_refused_clearly(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a riskgraph store"):
        open_store(str(bogus))


def test_unsupported_scheme_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="unsupported store scheme 'ftp'"):
        open_store("ftp://example/x")


def test_locations_name_sqlite_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for location in (str(tmp_path / "a.sqlite"), f"sqlite://{tmp_path / 'b.sqlite'}"):
        s = open_store(location)
        assert isinstance(s, SqliteStore)
        s.close()
    monkeypatch.setenv("RISKGRAPH_STORE", str(tmp_path / "c.sqlite"))
    s = open_store(None)
    assert isinstance(s, SqliteStore) and s.path == tmp_path / "c.sqlite"
    s.close()


# The version-1 layout (one indexed row per node and per edge), as riskgraph wrote it.
_V1_RECORDS = """
CREATE TABLE nodes (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    key TEXT NOT NULL, kind TEXT NOT NULL, location TEXT, body BLOB NOT NULL,
    PRIMARY KEY (document_id, key)
) WITHOUT ROWID;
CREATE INDEX nodes_key ON nodes(key, document_id);
CREATE TABLE edges (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    source TEXT NOT NULL, kind TEXT NOT NULL, target TEXT NOT NULL, role TEXT NOT NULL,
    location TEXT,
    PRIMARY KEY (document_id, source, kind, target, role)
) WITHOUT ROWID;
"""


def _downgrade_to_v1(path: Path, documents: list[ParsedDocument]) -> None:
    """Rewrite a version-2 store file in the version-1 layout, with the same records."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    for statement in _V1_RECORDS.split(";"):
        if statement.strip():
            db.execute(statement)
    for doc in documents:
        for key, kind, location, body in node_rows_of(doc.nodes):
            db.execute(
                "INSERT INTO nodes VALUES (?, ?, ?, ?, ?)", (doc.info.id, key, kind, location, body)
            )
        for row in edge_rows_of(doc.edges):
            db.execute("INSERT INTO edges VALUES (?, ?, ?, ?, ?, ?)", (doc.info.id, *row))
    db.execute("DROP TABLE records")
    db.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
    db.execute("COMMIT")
    db.close()


def _observable(store: SqliteStore) -> tuple[object, ...]:
    return (
        list(store.node_rows()),
        list(store.edge_rows()),
        store.document_shas(),
        store.stats(),
        store.documents(),
        [store.document(d.id) for d in store.documents()],
        store.findings(),
        store.revision(),
    )


def test_a_version_1_store_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    store = SqliteStore(path, clock=lambda: FIXED)
    docs = [
        make_document("os", "1", ["kernel", "libc"], deps=[(0, 1)]),
        make_document("os", "2", ["kernel"], created=FIXED),  # supersedes os 1
        make_document("db", "7", ["libc", "zlib"], vendor="Other Inc."),
    ]
    for doc in docs:
        store.upsert_document(doc)
    expected = _observable(store)
    stored = [store.document(d.info.id) for d in docs]
    store.close()
    _downgrade_to_v1(path, stored)

    migrated = SqliteStore(path)
    assert _observable(migrated) == expected
    tables = {r[0] for r in migrated._db.execute("SELECT name FROM sqlite_master")}
    assert "nodes" not in tables and "edges" not in tables
    assert migrated._schema_version() == SCHEMA_VERSION
    migrated.close()


def test_a_store_of_an_unknown_version_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    SqliteStore(path).close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("UPDATE meta SET value = '9' WHERE key = 'schema'")
    db.close()
    with pytest.raises(StoreError) as caught:
        SqliteStore(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message == (
        f"{path}: store schema version 9, this riskgraph reads {SCHEMA_VERSION} "
        "(and migrates 1); re-ingest into a new store"
    )


def test_packs_are_the_rows_one_active_document_at_a_time(store: SqliteStore) -> None:
    store.upsert_document(make_document("os", "1", ["kernel", "libc"], deps=[(0, 1)]))
    store.upsert_document(make_document("os", "2", ["kernel"], created=FIXED))  # supersedes 1
    store.upsert_document(make_document("db", "7", ["libc", "zlib"], vendor="Other Inc."))
    node_packs, edge_packs = list(store.node_packs()), list(store.edge_packs())
    active = sorted(d.id for d in store.documents() if d.status == "active")
    assert [doc for doc, _ in node_packs] == [doc for doc, _ in edge_packs] == active
    assert len(active) == 2
    nodes = [
        (key, kind, doc, loc, body)
        for doc, blob in node_packs
        for key, kind, loc, body in orjson.loads(blob)
    ]
    edges = [
        (s, kind, t, role, doc, loc)
        for doc, blob in edge_packs
        for s, kind, t, role, loc in orjson.loads(blob)
    ]
    assert sorted(nodes, key=lambda r: (r[0], r[2])) == list(store.node_rows())
    assert sorted(edges, key=lambda r: r[:5]) == list(store.edge_rows())
