"""What only the embedded store does: WAL readers, its file, its location strings.

The store-agnostic contract (atomic documents, idempotence, supersede, remove, order
independence) is tests/graph/store/test_conformance.py, run against every store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store import StoreError, open_store
from graph.store.sqlite import SqliteStore
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
    writer.execute("DELETE FROM nodes")
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
