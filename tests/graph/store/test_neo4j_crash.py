"""Neo4j killed (kill -9) in the middle of a large document's write: all or nothing.

Runs its own server, since killing the worker's shared one would disturb other tests.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from graph.model import ParsedDocument
from graph.store import StoreError
from graph.store.interface import UpsertOutcome
from tests.factories import FIXED, make_document
from tests.neo4j_server import Neo4jServer, start_server

COMPONENTS = 20_000


def _wait_for_a_write_in_flight(server: Neo4jServer, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        while time.monotonic() < deadline:
            records, _, _ = driver.execute_query(
                "SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery CONTAINS 'ASSERTED_IN' "
                "RETURN count(*) AS n",
                database_="neo4j",
            )
            if records[0]["n"]:
                return
            time.sleep(0.05)
    pytest.fail("the large document's write transaction never showed up")


def _entity_count(server: Neo4jServer) -> int:
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (e:Entity) RETURN count(e) AS n", database_="neo4j"
        )
        return int(records[0]["n"])


@pytest.mark.slow
def test_kill_9_mid_ingest_leaves_the_document_whole_or_absent(tmp_path: Path) -> None:
    try:
        server = start_server(tmp_path / "crash-neo4j")
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    try:
        small = make_document("os", "1", ["kernel"])
        libs = [f"lib{i}" for i in range(COMPONENTS)]
        big = make_document("monolith", "1", libs, deps=[(i, i + 1) for i in range(COMPONENTS)])
        expected = big.model_copy(
            update={"info": big.info.model_copy(update={"ingested_at": FIXED})}
        )
        writer = server.store(clock=FIXED, batch_size=2_000, retry_seconds=1.0)
        writer.upsert_document(small)
        entities_before = _entity_count(server)
        outcome: dict[str, object] = {}

        def ingest(document: ParsedDocument) -> None:
            try:
                outcome["result"] = writer.upsert_document(document)
            except StoreError as e:
                outcome["error"] = e

        thread = threading.Thread(target=ingest, args=(big,))
        thread.start()
        _wait_for_a_write_in_flight(server)
        os.kill(server.pid(), signal.SIGKILL)
        thread.join(120)
        assert not thread.is_alive()
        writer.close()
        if "error" in outcome:  # the usual case: the write died with the server
            assert str(outcome["error"]).startswith(server.uri), outcome["error"]

        restarted = server.script("up")
        assert restarted.returncode == 0, restarted.stderr + server.log_tail()
        store = server.store(clock=FIXED)
        try:
            ids = [d.id for d in store.documents()]
            if big.info.id in ids:  # committed just before the kill: then it is whole
                assert store.document(big.info.id) == expected
            else:
                assert ids == [small.info.id]
                assert _entity_count(server) == entities_before  # no partial leftovers
            again = store.upsert_document(big)  # re-running the ingest completes it
            assert again.outcome in (UpsertOutcome.INSERTED, UpsertOutcome.UNCHANGED)
            assert store.document(big.info.id) == expected
            assert store.document(small.info.id).nodes == small.nodes
            stats = store.stats()
            assert stats.nodes_by_kind["Component"] == COMPONENTS + 1
            assert stats.edges_by_kind["DEPENDS_ON"] == COMPONENTS - 1
        finally:
            store.close()
    finally:
        server.script("wipe")
