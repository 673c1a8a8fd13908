"""Fixtures of the store conformance suite: every test runs once per store kind."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from graph.store.interface import GraphStore
from graph.store.sqlite import SqliteStore
from tests.factories import FIXED
from tests.neo4j_server import Neo4jServer


@pytest.fixture(params=["sqlite", "neo4j"])
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], GraphStore]]:
    """A factory of fresh, empty stores of one kind (each call replaces the last one's
    content for Neo4j, which has one database). Small Neo4j batches exercise batching."""
    opened: list[GraphStore] = []
    counter = itertools.count()

    def make() -> GraphStore:
        store: GraphStore
        if request.param == "sqlite":
            store = SqliteStore(tmp_path / f"store{next(counter)}.sqlite", clock=lambda: FIXED)
        else:
            server: Neo4jServer = request.getfixturevalue("neo4j_server")
            server.wipe()
            store = server.store(clock=FIXED, batch_size=3)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(new_store: Callable[[], GraphStore]) -> GraphStore:
    """One fresh store, once per store kind (the conformance suite's subject)."""
    return new_store()
