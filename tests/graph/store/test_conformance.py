"""The GraphStore contract: every store (SQLite, Neo4j) must pass every test here.

``store`` and ``new_store`` (tests/graph/store/conftest.py) run each test once per store
kind; ``both_stores`` (tests/conftest.py) loads the same documents into both and
:func:`tests.store_parity.assert_same_answers` compares everything they answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.model import (
    ComponentNode,
    DataQualityFinding,
    DocumentInfo,
    Edge,
    ParsedDocument,
    ProductNode,
    Provenance,
)
from graph.store import StoreError
from graph.store.interface import GraphStore, UpsertOutcome
from graph.vocabulary import DocumentFormat, DocumentStatus, EdgeKind, NodeKind, Severity
from tests.factories import FIXED, make_document, snapshot
from tests.store_parity import assert_same_answers

NewStore = Callable[[], GraphStore]
BothStores = Callable[[Sequence[ParsedDocument]], tuple[GraphStore, GraphStore]]


def test_round_trip_returns_exactly_what_was_ingested(store: GraphStore) -> None:
    doc = make_document("sensor", "7.11", ["csagent.sys", "libfoo"], deps=[(0, 1)])
    store.upsert_document(doc)
    back = store.document(doc.info.id)
    assert back.nodes == doc.nodes
    assert back.edges == doc.edges
    assert back.findings == doc.findings
    assert back.info == doc.info.model_copy(update={"ingested_at": FIXED})


def test_same_bytes_twice_is_a_no_op(store: GraphStore) -> None:
    doc = make_document("sensor", "7.11", ["a", "b"])
    assert store.upsert_document(doc).outcome is UpsertOutcome.INSERTED
    before, revision = snapshot(store), store.revision()
    assert store.upsert_document(doc).outcome is UpsertOutcome.UNCHANGED
    assert snapshot(store) == before
    assert store.revision() == revision


def test_newer_version_supersedes_older_in_either_order(new_store: NewStore) -> None:
    old = make_document("sensor", "7.10", ["old-lib"], created=FIXED)
    new = make_document("sensor", "7.11", ["new-lib"], created=FIXED + timedelta(days=30))
    results = []
    for order in ([old, new], [new, old]):
        s = new_store()
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


def test_upsert_reports_what_it_superseded(store: GraphStore) -> None:
    old = make_document("sensor", "7.10", ["a"], created=FIXED)
    new = make_document("sensor", "7.11", ["b"], created=FIXED + timedelta(days=1))
    first = store.upsert_document(new)
    late = store.upsert_document(old)  # older, ingested later: superseded on arrival
    assert first.superseded == () and late.superseded == ()
    assert (late.document.status, late.document.superseded_by) == (
        DocumentStatus.SUPERSEDED,
        new.info.id,
    )
    newest = make_document("sensor", "7.12", ["c"], created=FIXED + timedelta(days=2))
    assert store.upsert_document(newest).superseded == (new.info.id,)


def test_removing_the_active_document_reactivates_the_previous(store: GraphStore) -> None:
    old = make_document("sensor", "7.10", ["old-lib"], created=FIXED)
    new = make_document("sensor", "7.11", ["new-lib"], created=FIXED + timedelta(days=1))
    store.upsert_document(old)
    result = store.upsert_document(new)
    assert result.superseded == (old.info.id,)
    removed = store.remove_document(new.info.id)
    assert removed.id == new.info.id
    assert [(d.id, d.status) for d in store.documents()] == [(old.info.id, DocumentStatus.ACTIVE)]
    assert "component:pkg:generic/old-lib@1.0" in store.view()
    assert "component:pkg:generic/new-lib@1.0" not in store.view()


def test_remove_unknown_document_is_a_clear_error(store: GraphStore) -> None:
    with pytest.raises(StoreError, match="no document 'doc-nope'"):
        store.remove_document("doc-nope")
    with pytest.raises(StoreError, match="no document 'doc-nope'"):
        store.document("doc-nope")


def test_a_failing_document_leaves_the_store_untouched(store: GraphStore) -> None:
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
    assert store.upsert_document(good).outcome is UpsertOutcome.INSERTED


def test_provenance_names_every_asserting_document(store: GraphStore) -> None:
    a = make_document("app-a", "1", ["shared-lib"])
    b = make_document("app-b", "1", ["shared-lib"])
    store.upsert_document(a)
    store.upsert_document(b)
    node = store.view().nodes["component:pkg:generic/shared-lib@1.0"]
    assert sorted(p.document_id for p in node["provenance"]) == sorted([a.info.id, b.info.id])
    assert {p.location for p in node["provenance"]} == {"/components/0"}
    product = next(n.key for n in a.nodes if n.kind is NodeKind.PRODUCT)
    edge = store.view().edges[product, "vendor:acme", "SUPPLIED_BY|supplier"]
    assert [p.document_id for p in edge["provenance"]] == [a.info.id]


def test_revision_changes_with_every_write_and_only_then(store: GraphStore) -> None:
    seen = [store.revision()]
    doc = make_document("sensor", "1", ["a"])
    store.upsert_document(doc)
    seen.append(store.revision())
    store.upsert_document(doc)
    assert store.revision() == seen[-1]
    with pytest.raises(StoreError):
        store.remove_document("doc-nope")
    assert store.revision() == seen[-1]
    store.remove_document(doc.info.id)
    seen.append(store.revision())
    assert [int(r) for r in seen] == sorted(int(r) for r in seen)
    assert len(set(seen)) == 3


def test_listings_counts_and_findings(store: GraphStore) -> None:
    old = make_document("sensor", "1", ["a", "b.sys"], deps=[(0, 1)], created=FIXED)
    new = make_document("sensor", "2", ["a", "c"], created=FIXED + timedelta(days=1))
    other = make_document("app", "1", ["a", "z"], deps=[(1, 0)])
    for d in (old, new, other):
        store.upsert_document(d)
    assert [d.id for d in store.documents()] == sorted(d.info.id for d in (old, new, other))
    stats = store.stats()
    assert (stats.documents, stats.active_documents, stats.findings) == (3, 2, 3)
    assert stats.nodes_by_kind == {"Component": 3, "Product": 2, "Vendor": 1}
    assert stats.edges_by_kind == {"CONTAINS": 4, "DEPENDS_ON": 1, "SUPPLIED_BY": 2}
    assert store.findings(old.info.id) == list(old.findings)
    assert store.findings() == sorted(
        (f for d in (old, new, other) for f in d.findings), key=lambda f: f.document_id
    )
    assert store.findings("doc-nope") == []


def test_edges_to_keys_no_active_document_asserts_become_placeholders(
    store: GraphStore,
) -> None:
    doc = make_document("sensor", "1", ["a"])
    prov = Provenance(document_id=doc.info.id, sha256=doc.info.sha256, location="/x")
    edge = Edge(
        source=doc.nodes[0].key,
        target="channel:acme/content-updates",
        kind=EdgeKind.UPDATED_VIA,
        provenance=prov,
    )
    store.upsert_document(doc.model_copy(update={"edges": (*doc.edges, edge)}))
    view = store.view()
    node = view.nodes["channel:acme/content-updates"]
    assert (node["kind"], node["placeholder"], node["provenance"]) == ("UpdateChannel", True, ())
    assert edge in store.document(doc.info.id).edges


def test_duplicates_inside_a_document_keep_the_first(store: GraphStore) -> None:
    doc = make_document("sensor", "1", ["a", "b"])
    first, second = doc.nodes[0], doc.nodes[0].model_copy(update={"name": "other"})
    edge = doc.edges[0]
    again = edge.model_copy(
        update={"provenance": edge.provenance.model_copy(update={"location": "/again"})}
    )
    dup = doc.model_copy(update={"nodes": (*doc.nodes, second), "edges": (*doc.edges, again)})
    store.upsert_document(dup)
    back = store.document(doc.info.id)
    assert back.nodes == doc.nodes and back.nodes[0] == first
    assert back.edges == doc.edges


# -- hostile strings -----------------------------------------------------------------

HOSTILE = (
    "it's",
    'say "hi"',
    "back`tick` `Entity`",
    "'}) MATCH (n) DETACH DELETE n RETURN 1 //",
    "`) DETACH DELETE n; CALL dbms.shutdown() //",
    "$keys {key: $doc} MERGE CREATE DROP",
    "\\' \\\\ \\u0027 backslashes",
    "line\nbreak\ttab\rreturn",
    "nul\x00byte",
    "unit\x1fsep\x1erecord",
    "emoji \U0001f600 and \U0001d518\U0001d52b\U0001d526 \U0010ffff",
    "\uffff after BMP \U0001f600",
    "\u05e2\u05d1\u05e8\u05d9\u05ea \u200f rtl",
    "e\u0301 combining, \uff2d\uff21\uff34\uff23\uff28 fullwidth",
    "",
)


def hostile_document(salt: str = "") -> ParsedDocument:
    sha = hashlib.sha256(("hostile" + salt).encode()).hexdigest()
    doc_id = f"doc-{sha[:16]}"

    def prov(i: int) -> Provenance:
        return Provenance(document_id=doc_id, sha256=sha, location=HOSTILE[i % len(HOSTILE)])

    product = ProductNode(
        key=f"product:{HOSTILE[3]}", name=HOSTILE[4], version=HOSTILE[5], provenance=prov(0)
    )
    components = [
        ComponentNode(
            key=f"component:pkg:generic/{s}@1",
            name=s,
            version=s,
            description=s,
            licenses=(s, HOSTILE[-2]),
            provenance=prov(i) if i % 3 else prov(0).model_copy(update={"location": None}),
        )
        for i, s in enumerate(HOSTILE)
    ]
    edges = [
        Edge(source=product.key, target=c.key, kind=EdgeKind.CONTAINS, role=r, provenance=prov(i))
        for i, (c, r) in enumerate(zip(components, reversed(HOSTILE), strict=True))
    ]
    edges.append(  # to a key nobody asserts: a placeholder with a hostile name
        Edge(
            source=components[0].key,
            target=f"channel:{HOSTILE[4]}",
            kind=EdgeKind.UPDATED_VIA,
            provenance=prov(5),
        )
    )
    info = DocumentInfo(
        id=doc_id,
        sha256=sha,
        path=HOSTILE[7],
        size=1,
        format=DocumentFormat.CYCLONEDX_JSON,
        spec_version=HOSTILE[1],
        name=HOSTILE[10],
        serial=HOSTILE[2],
        lineage=HOSTILE[3] + salt,
        created=FIXED,
        ingested_at=FIXED,
    )
    findings = tuple(
        DataQualityFinding(
            document_id=doc_id, severity=Severity.HIGH, code=s or "DQ", message=s, location=s
        )
        for s in HOSTILE
    )
    return ParsedDocument(
        info=info,
        nodes=tuple(sorted([product, *components], key=lambda n: n.key)),
        edges=tuple(sorted(edges, key=lambda e: e.identity)),
        findings=findings,
    )


def test_hostile_strings_are_stored_and_returned_byte_exact(store: GraphStore) -> None:
    bystander = make_document("bystander", "1", ["a"])
    store.upsert_document(bystander)
    doc = hostile_document()
    store.upsert_document(doc)
    assert store.document(doc.info.id) == doc
    assert store.document(bystander.info.id).nodes == bystander.nodes
    assert store.findings(doc.info.id) == list(doc.findings)
    view = store.view()
    for node in doc.nodes:
        assert view.nodes[node.key]["name"] == node.name
    store.remove_document(doc.info.id)
    assert [d.id for d in store.documents()] == [bystander.info.id]


def test_both_stores_give_the_same_answers(both_stores: BothStores) -> None:
    docs = [
        hostile_document(),
        hostile_document("-2"),
        make_document("sensor", "1", ["a", "b.sys", "c"], deps=[(0, 1), (1, 2)], created=FIXED),
        make_document("sensor", "2", ["a", "d"], created=FIXED + timedelta(days=1)),
        make_document("app", "1", ["a", "z"], deps=[(1, 0)], vendor="Other Ltd"),
    ]
    assert_same_answers(*both_stores(docs))


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
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(specs=_docs, data=st.data())
def test_ingest_order_does_not_change_the_graph(new_store: NewStore, specs, data) -> None:
    docs = _build(specs)
    shuffled = data.draw(st.permutations(docs))
    snaps = []
    for order in (docs, shuffled):
        s = new_store()
        for d in order:
            s.upsert_document(d)
        snaps.append(snapshot(s))
        s.close()
    assert snaps[0] == snaps[1]


@_SETTINGS
@given(specs=_docs)
def test_ingesting_twice_changes_nothing(new_store: NewStore, specs) -> None:
    s = new_store()
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
def test_ingest_then_remove_restores_the_store(new_store: NewStore, base, extra) -> None:
    s = new_store()
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
