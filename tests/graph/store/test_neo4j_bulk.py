"""Offline bulk import (graph/store/neo4j_bulk.py + `scripts/neo4j.sh import` then `up`, or
`scripts/neo4j.sh load`: both in one JVM): the imported database answers exactly as a store
the same documents were upserted into."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from graph.model import ParsedDocument
from graph.store import StoreError
from graph.store import neo4j_queries as q
from graph.store.neo4j_bulk import BulkImportFiles, complete_import
from graph.store.reachability import reachable_host_groups_in_view
from graph.store.sqlite import SqliteStore
from ingest.pipeline import collect, parse_file
from ingest.resolve import ReferenceIndex, resolve_batch
from tests.conftest import ASSETS
from tests.factories import FIXED, make_document
from tests.graph.store.test_conformance import hostile_document
from tests.neo4j_server import (
    PASSWORD,
    SCRIPT,
    Neo4jServer,
    free_port,
    layer_of_view,
    reach_layer,
    server_env,
    start_server,
)
from tests.store_parity import assert_same_answers


def _estate() -> list[ParsedDocument]:
    """The demo estate as `riskgraph ingest` stores it: references resolved."""
    parsed = [parse_file(c.path) for c in collect([ASSETS / "estate" / "good"])]
    index = ReferenceIndex()
    for doc in parsed:
        if not doc.references:
            index.add_document(doc)
    resolved = resolve_batch([d for d in parsed if d.references], index, lenient=False)
    assert all(isinstance(d, ParsedDocument) for d in resolved)
    return [d for d in parsed if not d.references] + [
        d for d in resolved if isinstance(d, ParsedDocument)
    ]


def _documents() -> list[ParsedDocument]:
    old = make_document("sensor", "1", ["a", "b.sys", "c"], deps=[(0, 1)], created=FIXED)
    return [
        hostile_document(),
        hostile_document("-2"),
        make_document("sensor", "2", ["a", "d"], created=FIXED + timedelta(days=1)),
        old,  # older, later: superseded on arrival, its relationships inactive
        old,  # the same document twice is stored once
        make_document("app", "1", ["a", "z"], deps=[(1, 0)], vendor="Other Ltd"),
        *_estate(),
    ]


def _script(home: Path, *command: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *command],
        env=server_env(home, free_port()),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _schema(uri: str, password: str = PASSWORD) -> list[tuple[object, ...]]:
    """The store's indexes (state included) and constraints, as SHOW lists them."""
    with GraphDatabase.driver(uri, auth=("neo4j", password)) as driver:
        indexes = driver.execute_query(
            "SHOW INDEXES YIELD name, state, type, entityType, labelsOrTypes, properties, "
            "indexProvider, owningConstraint"
        ).records
        constraints = driver.execute_query(
            "SHOW CONSTRAINTS YIELD name, type, entityType, labelsOrTypes, properties, ownedIndex"
        ).records
    return sorted(
        ("index" if i < len(indexes) else "constraint", *r.values())
        for i, r in enumerate([*indexes, *constraints])
        if r["name"].startswith("riskgraph_")
    )


@pytest.fixture(params=["import, up", "load", "preload"])
def imported(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Neo4jServer, list[ParsedDocument], tuple[str, ...] | None]]:
    """A Neo4j server of its own whose database was bulk-imported from the documents:
    `neo4j.sh import` then `up` (two JVMs), `neo4j.sh load` (one), or `neo4j.sh preload`
    (one, started before the files are written: it warms up, then waits for them); and the
    superseded documents as `finish` listed them (one JVM) or None (`complete_import`
    finds them)."""
    docs = _documents()
    files = BulkImportFiles(tmp_path / "csv", clock=lambda: FIXED)
    home = tmp_path / "home"
    early = None
    if request.param == "preload":
        early = subprocess.Popen(
            [str(SCRIPT), "preload", str(files.directory)],
            env=server_env(home, free_port()),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    for doc in docs:
        files.add(doc)
    summary = files.finish()
    assert summary.documents == len(docs) - 1
    assert summary.superseded == (docs[3].info.id,)
    if request.param != "import, up":
        if early is None:
            result = _script(home, "load", str(summary.directory))
        else:
            out, err = early.communicate(timeout=600)
            result = subprocess.CompletedProcess(early.args, early.returncode, out, err)
            log = (home / "neo4j.log").read_text()
            assert "NEO4J WARMED" in log and "NEO4J AWAITED" in log, log
            assert not (home / "warm-up").exists()  # the warm-up's scratch home is gone
        assert result.returncode == 0, result.stderr
        uri = result.stdout.strip().splitlines()[-1]
        server = Neo4jServer(uri=uri, port=int(uri.rsplit(":", 1)[1]), home=home)
        # the launcher created the store's schema (core API) and waited for it before
        # answering: the same indexes and constraints a store creates with its Cypher
        schema = _schema(uri)
        reference: Neo4jServer = request.getfixturevalue("neo4j_server")
        reference.store().close()  # creates the schema if this worker's server lacks it
        assert schema == _schema(reference.uri, reference.password)
        assert {r[1] for r in schema} == {name for name, _ in q.SCHEMA}
        assert {r[2] for r in schema if r[0] == "index"} == {"ONLINE"}
    else:
        result = _script(home, "import", str(summary.directory))
        assert result.returncode == 0, result.stderr
        server = start_server(home)
    yield server, docs, summary.superseded if request.param != "import, up" else None
    server.script("wipe")


def test_imported_database_answers_like_upserted_documents(
    imported: tuple[Neo4jServer, list[ParsedDocument], tuple[str, ...] | None], tmp_path: Path
) -> None:
    server, docs, superseded = imported
    sqlite = SqliteStore(tmp_path / "same.sqlite", clock=lambda: FIXED)
    neo4j = server.store(clock=FIXED)
    try:
        assert complete_import(neo4j, superseded) == 1  # the superseded sensor 1
        for doc in docs:
            sqlite.upsert_document(doc)
        assert_same_answers(sqlite, neo4j)
        assert reach_layer(neo4j) == layer_of_view(sqlite.view())
        channel = next(k for k, d in sqlite.view().nodes(data=True) if d["kind"] == "UpdateChannel")
        groups = neo4j.reachable_host_groups([channel])
        assert groups and groups == reachable_host_groups_in_view(sqlite.view(), [channel])
        # the imported store takes ordinary writes: constraints, locks and supersedes work
        newest = make_document("sensor", "3", ["e"], created=FIXED + timedelta(days=2))
        revision = neo4j.revision()
        for store in (sqlite, neo4j):
            assert store.upsert_document(newest).superseded == (docs[2].info.id,)
            assert store.upsert_document(docs[0]).outcome.value == "unchanged"
        assert neo4j.revision() != revision
        assert_same_answers(sqlite, neo4j)
        assert reach_layer(neo4j) == layer_of_view(sqlite.view())
    finally:
        sqlite.close()
        neo4j.close()


def test_import_files_go_into_a_new_directory(tmp_path: Path) -> None:
    (tmp_path / "old.csv").write_text("x")
    with pytest.raises(StoreError, match="not empty"):
        BulkImportFiles(tmp_path)


@pytest.mark.parametrize("command", ["import", "load"])
def test_import_refuses_a_directory_without_import_args(tmp_path: Path, command: str) -> None:
    result = _script(tmp_path / "home", command, str(tmp_path), timeout=60)
    assert result.returncode == 1
    assert "has no import.args" in result.stderr


def test_preload_gives_up_when_its_directory_goes(tmp_path: Path) -> None:
    """A caller that fails before writing import.args (and removes its directory) does not
    leave a launcher waiting for it."""
    directory = tmp_path / "csv"
    directory.mkdir()
    home = tmp_path / "home"
    early = subprocess.Popen(
        [str(SCRIPT), "preload", str(directory)],
        env=server_env(home, free_port()),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    log = home / "neo4j.log"
    for _ in range(3000):  # the launcher is up and waiting (at most 5 min)
        if log.is_file() and "NEO4J WARMED" in log.read_text():
            break
        time.sleep(0.1)
    directory.rmdir()
    _, err = early.communicate(timeout=600)
    assert early.returncode == 1
    assert "csv is gone" in err
    assert _script(home, "status", timeout=60).returncode == 3  # stopped, no pid left


def test_a_failed_load_says_so_and_leaves_no_server(tmp_path: Path) -> None:
    files = BulkImportFiles(tmp_path / "csv", clock=lambda: FIXED)
    files.add(make_document("sensor", "1", ["a", "b"], deps=[(0, 1)], created=FIXED))
    summary = files.finish()
    with (summary.directory / "rels-edges.csv").open("a", encoding="utf-8") as f:
        f.write("0\x1f999999\x1f\x1eDEPENDS_ON\x1e\x1f\x1f\x1f\x1ftrue\n")  # no node 999999
    home = tmp_path / "home"
    result = _script(home, "load", str(summary.directory))
    assert result.returncode == 1
    assert "NEO4J IMPORT FAILED" in result.stderr
    assert "Error in input data" in (home / "import.log").read_text()
    assert _script(home, "status", timeout=60).returncode == 3  # stopped, no pid left
