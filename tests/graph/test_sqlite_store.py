"""The embedded store: atomic documents, idempotence, supersede, remove, readers."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.model import ParsedDocument
from graph.store import StoreError, open_store
from graph.store.interface import UpsertOutcome
from graph.store.sqlite import SqliteStore
from graph.vocabulary import DocumentStatus
from tests.factories import FIXED, make_document, snapshot


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    s = SqliteStore(tmp_path / "store.sqlite", clock=lambda: FIXED)
    yield s
    s.close()


def test_round_trip_returns_exactly_what_was_ingested(store: SqliteStore) -> None:
    doc = make_document("sensor", "7.11", ["csagent.sys", "libfoo"], deps=[(0, 1)])
    store.upsert_document(doc)
    back = store.document(doc.info.id)
    assert back.nodes == doc.nodes
    assert back.edges == doc.edges
    assert back.findings == doc.findings
    assert back.info == doc.info.model_copy(update={"ingested_at": FIXED})


def test_same_bytes_twice_is_a_no_op(store: SqliteStore) -> None:
    doc = make_document("sensor", "7.11", ["a", "b"])
    assert store.upsert_document(doc).outcome is UpsertOutcome.INSERTED
    before, revision = snapshot(store), store.revision()
    assert store.upsert_document(doc).outcome is UpsertOutcome.UNCHANGED
    assert snapshot(store) == before
    assert store.revision() == revision


def test_newer_version_supersedes_older_in_either_order(tmp_path: Path) -> None:
    old = make_document("sensor", "7.10", ["old-lib"], created=FIXED)
    new = make_document("sensor", "7.11", ["new-lib"], created=FIXED + timedelta(days=30))
    results = []
    for name, order in (("a", [old, new]), ("b", [new, old])):
        s = SqliteStore(tmp_path / f"{name}.sqlite", clock=lambda: FIXED)
        for d in order:
            s.upsert_document(d)
        status = {d.id: (d.status, d.superseded_by) for d in s.documents()}
        assert status[old.info.id] == (DocumentStatus.SUPERSEDED, new.info.id)
        assert status[new.info.id] == (DocumentStatus.ACTIVE, None)
        view = s.view()
        assert "component:pkg:generic/new-lib@1.0" in view
        assert "component:pkg:generic/old-lib@1.0" not in view
        results.append(snapshot(s))
        s.close()
    assert results[0] == results[1]


def test_removing_the_active_document_reactivates_the_previous(store: SqliteStore) -> None:
    old = make_document("sensor", "7.10", ["old-lib"], created=FIXED)
    new = make_document("sensor", "7.11", ["new-lib"], created=FIXED + timedelta(days=1))
    store.upsert_document(old)
    result = store.upsert_document(new)
    assert result.superseded == (old.info.id,)
    store.remove_document(new.info.id)
    assert [(d.id, d.status) for d in store.documents()] == [(old.info.id, DocumentStatus.ACTIVE)]


def test_remove_unknown_document_is_a_clear_error(store: SqliteStore) -> None:
    with pytest.raises(StoreError, match="no document 'doc-nope'"):
        store.remove_document("doc-nope")


def test_a_failing_document_leaves_the_store_untouched(store: SqliteStore) -> None:
    store.upsert_document(make_document("os", "1", ["kernel"]))
    before, revision = snapshot(store), store.revision()
    good = make_document("sensor", "7.11", ["a", "b", "c"])
    # An edge that explodes while the transaction is half written (nodes already in).
    broken = ParsedDocument.model_construct(
        info=good.info, nodes=good.nodes, edges=(*good.edges, object()), findings=good.findings
    )
    with pytest.raises(AttributeError):
        store.upsert_document(broken)
    assert snapshot(store) == before
    assert store.revision() == revision


def test_provenance_names_every_asserting_document(store: SqliteStore) -> None:
    a = make_document("app-a", "1", ["shared-lib"])
    b = make_document("app-b", "1", ["shared-lib"])
    store.upsert_document(a)
    store.upsert_document(b)
    node = store.view().nodes["component:pkg:generic/shared-lib@1.0"]
    assert sorted(p.document_id for p in node["provenance"]) == sorted([a.info.id, b.info.id])
    assert {p.location for p in node["provenance"]} == {"/components/0"}


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


# -- properties ------------------------------------------------------------------------

_libs = st.lists(
    st.sampled_from(["a", "b", "c", "d.sys", "e", "f"]), min_size=1, max_size=5, unique=True
)
_docs = st.lists(
    st.tuples(
        st.sampled_from(["p", "q", "r"]),
        st.sampled_from(["1", "2"]),
        _libs,
        st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), max_size=4),
        st.integers(0, 3),
    ),
    min_size=1,
    max_size=5,
)


def _build(specs: list) -> list[ParsedDocument]:
    out = {}
    for product, version, libs, deps, day in specs:
        d = make_document(product, version, libs, deps=deps, created=FIXED + timedelta(days=day))
        out[d.info.id] = d
    return list(out.values())


_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(specs=_docs, data=st.data())
def test_ingest_order_does_not_change_the_graph(tmp_path_factory, specs, data) -> None:
    docs = _build(specs)
    shuffled = data.draw(st.permutations(docs))
    snaps = []
    for order in (docs, shuffled):
        s = SqliteStore(tmp_path_factory.mktemp("o") / "s.sqlite", clock=lambda: FIXED)
        for d in order:
            s.upsert_document(d)
        snaps.append(snapshot(s))
        s.close()
    assert snaps[0] == snaps[1]


@_SETTINGS
@given(specs=_docs)
def test_ingesting_twice_changes_nothing(tmp_path_factory, specs) -> None:
    s = SqliteStore(tmp_path_factory.mktemp("t") / "s.sqlite", clock=lambda: FIXED)
    docs = _build(specs)
    for d in docs:
        s.upsert_document(d)
    once = snapshot(s)
    for d in docs:
        s.upsert_document(d)
    assert snapshot(s) == once
    s.close()


@_SETTINGS
@given(base=_docs, extra=_docs)
def test_ingest_then_remove_restores_the_store(tmp_path_factory, base, extra) -> None:
    s = SqliteStore(tmp_path_factory.mktemp("r") / "s.sqlite", clock=lambda: FIXED)
    base_docs = _build(base)
    for d in base_docs:
        s.upsert_document(d)
    before = snapshot(s)
    known = {d.info.id for d in base_docs}
    added = [d for d in _build([(f"x{p}", *rest) for p, *rest in extra]) if d.info.id not in known]
    for d in added:
        s.upsert_document(d)
    for d in added:
        s.remove_document(d.info.id)
    assert snapshot(s) == before
    s.close()
