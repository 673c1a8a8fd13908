"""What only the Neo4j store does: queries where the data lives, configuration, faults."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from graph.keys import vendor_key
from graph.model import HostGroupNode, ParsedDocument, Provenance
from graph.store import StoreError, open_store
from graph.store import neo4j_queries as q
from graph.store.neo4j import Neo4jStore, _sorted_unique
from graph.store.reachability import reachable_host_groups_in_view, vendor_host_groups_in_view
from graph.vocabulary import DocumentStatus, EdgeKind, Environment
from tests.conftest import run_cli
from tests.factories import FIXED, make_document
from tests.neo4j_server import Neo4jServer, free_port, layer_of_view, own_driver, reach_layer


@pytest.fixture
def store(neo4j_server: Neo4jServer) -> Iterator[Neo4jStore]:
    neo4j_server.wipe()
    s = neo4j_server.store(clock=FIXED, batch_size=4)
    yield s
    s.close()


def _estate(product_key: str, host_groups: int = 2, salt: str = "") -> ParsedDocument:
    """An inventory-like document: host groups that RUN one product."""
    base = make_document("estate" + salt, "1", [], salt=salt)
    prov = Provenance(document_id=base.info.id, sha256=base.info.sha256, location="/hg")
    groups = [
        HostGroupNode(
            key=f"hostgroup:op/hg{i}{salt}",
            name=f"hg{i}",
            operator="operator:op",
            host_count=10,
            environment=Environment.ON_PREMISES,
            provenance=prov,
        )
        for i in range(host_groups)
    ]
    runs = [
        base.edges[0].model_copy(
            update={"source": g.key, "target": product_key, "kind": EdgeKind.RUNS, "role": ""}
        )
        for g in groups
    ]
    return base.model_copy(update={"nodes": (*base.nodes, *groups), "edges": (*base.edges, *runs)})


def _reach_both(store: Neo4jStore, keys: list[str]) -> list[str]:
    in_neo4j = store.reachable_host_groups(keys)
    view = store.view()
    assert in_neo4j == reachable_host_groups_in_view(view, keys)
    assert reach_layer(store) == layer_of_view(view)  # the walk's layer is kept in step
    return in_neo4j


@pytest.mark.parametrize(
    ("query", "params"),
    [
        (q.REACHABLE_HOST_GROUPS, {"keys": ["x", "y"]}),
        (q.VENDOR_HOST_GROUPS, {"key": "vendor:x"}),
    ],
)
def test_reachability_plan_is_the_pruning_breadth_first_expand(
    store: Neo4jStore, query: str, params: dict[str, object]
) -> None:
    store.upsert_document(make_document("sensor", "1", ["a", "b"], deps=[(0, 1)]))
    operators = store.plan_operators(query, **params)
    assert any(
        op.startswith("VarLengthExpand(Pruning") or op.startswith("BFSPruningVarExpand")
        for op in operators
    ), operators
    assert "NodeUniqueIndexSeek" in operators, operators


@pytest.mark.parametrize(
    "keys",
    [[], ["b"], ["b", "a", "c"], ["b", "a", "b", "a", "a"], ["x\u00e9", "x", "x\U0001f600", "x"]],
)
def test_walk_answers_are_sorted_and_unique(keys: list[str]) -> None:
    assert _sorted_unique(list(keys)) == sorted(set(keys))


def test_vendor_reach_matches_the_view(store: Neo4jStore) -> None:
    sensor = make_document("sensor", "1", ["a", "b"], deps=[(0, 1)])
    app = make_document("app", "1", ["b", "c"], vendor="Other Ltd")
    for doc in (sensor, app):
        store.upsert_document(doc)
        product = doc.nodes[-2]
        store.upsert_document(_estate(product.key, salt=product.name))
    acme, other = vendor_key("Acme Corp."), vendor_key("Other Ltd")
    view = store.view()
    for vendor, expected in (
        (acme, ["hostgroup:op/hg0sensor", "hostgroup:op/hg1sensor"]),
        (other, ["hostgroup:op/hg0app", "hostgroup:op/hg1app"]),
        ("vendor:nobody", []),
    ):
        assert store.vendor_host_groups(vendor) == expected, vendor
        assert vendor_host_groups_in_view(view, vendor) == expected, vendor


def test_reachability_matches_the_view_and_follows_supersede_and_remove(
    store: Neo4jStore,
) -> None:
    old = make_document("sensor", "7.10", ["old", "shared", "deep"], deps=[(1, 2)], created=FIXED)
    new = make_document("sensor", "7.11", ["shared"], created=FIXED + timedelta(days=1))
    old_product, new_product = old.nodes[-2].key, new.nodes[-2].key
    assert old_product.startswith("product:") and new_product.startswith("product:")
    groups = [f"hostgroup:op/hg{i}" for i in range(2)]
    store.upsert_document(old)
    store.upsert_document(_estate(old_product))
    deep, shared = "component:pkg:generic/deep@1.0", "component:pkg:generic/shared@1.0"
    assert _reach_both(store, [deep]) == groups
    assert _reach_both(store, [deep, shared, deep]) == groups
    assert _reach_both(store, [groups[0]]) == [groups[0]]
    assert _reach_both(store, ["component:pkg:generic/nowhere@1"]) == []
    store.upsert_document(new)  # 7.10's edges no longer count
    assert _reach_both(store, [deep]) == []
    store.upsert_document(_estate(new_product, salt="b"))
    assert _reach_both(store, [shared]) == ["hostgroup:op/hg0b", "hostgroup:op/hg1b"]
    store.remove_document(new.info.id)  # 7.10 is active again
    assert _reach_both(store, [deep]) == groups
    assert _reach_both(store, [shared]) == groups


def test_concurrent_writers_of_one_lineage_leave_one_active(
    neo4j_server: Neo4jServer, store: Neo4jStore
) -> None:
    docs = [
        make_document("sensor", str(v), [f"lib{v}"], created=FIXED + timedelta(days=v))
        for v in range(8)
    ]
    errors: list[BaseException] = []

    def write(part: list[ParsedDocument]) -> None:
        s = neo4j_server.store(clock=FIXED)
        try:
            for d in part:
                s.upsert_document(d)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            s.close()

    threads = [threading.Thread(target=write, args=(docs[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    statuses = {d.id: (d.status, d.superseded_by) for d in store.documents()}
    newest = docs[-1].info.id
    assert statuses.pop(newest) == (DocumentStatus.ACTIVE, None)
    assert set(statuses.values()) == {(DocumentStatus.SUPERSEDED, newest)}
    assert store.stats().edges_by_kind["CONTAINS"] == 1


def test_columns_fall_back_to_lists_when_a_value_holds_a_separator() -> None:
    assert q.columns([("a", None), ("b", "x")]) == {
        "cols": ["a\x1fb", "\x1e\x1fx"],
        "sep": "\x1f",
        "nul": "\x1e",
    }
    for hostile in ("a\x1fb", "\x1e"):
        assert q.columns([(hostile, None)]) == {
            "cols": [[hostile], [None]],
            "sep": None,
            "nul": None,
        }


# -- configuration and faults ------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["bolt", "neo4j", "neo4j+s"])
def test_no_server_is_one_clear_error_naming_the_uri(scheme: str) -> None:
    uri = f"{scheme}://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(StoreError, match=f"^{re.escape(uri)}: cannot reach Neo4j"):
        Neo4jStore(uri, password="whatever-it-is")
    assert time.monotonic() - started < 30
    result = run_cli("--store", uri, "stats")
    assert result.code == 3
    assert result.err.startswith(f"riskgraph: {uri}: cannot reach Neo4j")
    assert result.err.count("\n") == 1 and "Traceback" not in result.err


def test_wrong_credentials_are_a_clear_error(neo4j_server: Neo4jServer) -> None:
    with pytest.raises(StoreError, match="refused the credentials of user 'neo4j'"):
        Neo4jStore(neo4j_server.uri, password="not-the-password")
    with pytest.raises(StoreError, match="refused the credentials of user 'nobody'"):
        Neo4jStore(neo4j_server.uri, user="nobody", password=neo4j_server.password)
    with pytest.raises(StoreError, match="refused the credentials"):
        Neo4jStore(neo4j_server.uri)  # no password at all against a server with auth on


def test_bad_locations_and_settings_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(StoreError, match="put credentials in NEO4J_USER and NEO4J_PASSWORD") as e:
        Neo4jStore("neo4j://neo4j:s3cret@example.org:7687")
    assert "s3cret" not in str(e.value)
    with pytest.raises(StoreError, match="not a Neo4j URI"):
        Neo4jStore("http://127.0.0.1:7474")
    with pytest.raises(StoreError, match="batch size must be at least 1"):
        Neo4jStore("bolt://127.0.0.1:1", batch_size=0)
    monkeypatch.setenv("RISKGRAPH_NEO4J_BATCH_SIZE", "lots")
    with pytest.raises(StoreError, match="RISKGRAPH_NEO4J_BATCH_SIZE must be a whole number"):
        open_store("bolt://127.0.0.1:1")


def test_open_store_takes_uris_and_the_environment(
    neo4j_server: Neo4jServer, store: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.upsert_document(make_document("sensor", "1", ["a"]))
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_server.password)
    monkeypatch.setenv("RISKGRAPH_NEO4J_BATCH_SIZE", "7")
    neo4j_uri = neo4j_server.uri.replace("bolt://", "neo4j://")
    monkeypatch.setenv("NEO4J_URI", neo4j_uri)
    monkeypatch.setenv("RISKGRAPH_STORE", neo4j_server.uri)
    for location in (neo4j_server.uri, neo4j_uri, "neo4j", None):
        opened = open_store(location)
        try:
            assert isinstance(opened, Neo4jStore) and opened.batch_size == 7
            assert opened.path == (neo4j_uri if location == "neo4j" else location or store.uri)
            assert [d.id for d in opened.documents()] == [d.id for d in store.documents()]
        finally:
            opened.close()
    monkeypatch.setenv("NEO4J_DATABASE", "nosuchdb")
    with pytest.raises(StoreError, match=r"DatabaseNotFound.*nosuchdb"):
        open_store(neo4j_server.uri)


def test_a_store_of_another_schema_version_is_refused(
    neo4j_server: Neo4jServer, store: Neo4jStore
) -> None:
    with own_driver(store) as driver:
        driver.execute_query("MATCH (m:RiskgraphMeta) SET m.schema = '0'", database_="neo4j")
    with pytest.raises(StoreError, match="store schema version 0, this riskgraph needs 3"):
        neo4j_server.store()


@pytest.mark.parametrize("schema", ["1", "2"])
def test_a_store_of_an_older_schema_gets_its_reach_layer_on_open(
    neo4j_server: Neo4jServer, store: Neo4jStore, schema: str
) -> None:
    old = make_document("sensor", "7.10", ["old", "shared", "deep"], deps=[(1, 2)], created=FIXED)
    new = make_document("sensor", "7.11", ["shared"], created=FIXED + timedelta(days=1))
    for doc in (old, _estate(old.nodes[-2].key), new, _estate(new.nodes[-2].key, salt="b")):
        store.upsert_document(doc)
    expected = reach_layer(store)
    assert expected == layer_of_view(store.view()) and len(expected) > 3
    with own_driver(store) as driver:
        # schema 1: no layer relationships; schema 2: one REACH_<kind> type per kind
        for kind in q.LAYER_EDGE_KINDS if schema == "2" else ():
            driver.execute_query(
                f"MATCH (a)-[l:{q.layer_type(kind)} {{kind: $kind}}]->(b) "
                f"CREATE (a)-[:REACH_{kind.value} {{documents: l.documents}}]->(b)",
                kind=kind.value,
                database_="neo4j",
            )
        driver.execute_query(
            "MATCH ()-[l:REACH|REACH_VENDOR]->() DELETE l "
            "WITH count(*) AS n MATCH (m:RiskgraphMeta) SET m.schema = $schema",
            schema=schema,
            database_="neo4j",
        )
        old, _, _ = driver.execute_query(
            "MATCH ()-[l]->() WHERE type(l) STARTS WITH 'REACH_' RETURN count(l)"
        )
    assert old[0][0] == (len(expected) if schema == "2" else 0)
    reopened = neo4j_server.store()
    try:
        assert reach_layer(reopened) == expected  # and no relationship of the old types
        with own_driver(reopened) as driver:
            records, _, _ = driver.execute_query("MATCH (m:RiskgraphMeta) RETURN m.schema")
        assert records[0][0] == "3"
        shared = "component:pkg:generic/shared@1.0"
        # 7.10 is superseded: only the host groups running 7.11 are behind it
        assert reopened.reachable_host_groups([shared]) == [
            "hostgroup:op/hg0b",
            "hostgroup:op/hg1b",
        ]
    finally:
        reopened.close()
