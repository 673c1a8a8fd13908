"""Equality of everything two stores answer (the Neo4j and SQLite parity checks)."""

from __future__ import annotations

from graph.store.interface import GraphStore
from tests.factories import snapshot


def assert_same_answers(a: GraphStore, b: GraphStore) -> None:
    """Same documents, statuses, view (nodes, edges, provenance), findings, stats, and
    the same ParsedDocument read back for every document."""
    assert a.documents() == b.documents()
    assert snapshot(a) == snapshot(b)
    assert a.stats() == b.stats()
    for info in a.documents():
        assert a.document(info.id) == b.document(info.id), info.id
        assert a.findings(info.id) == b.findings(info.id), info.id
