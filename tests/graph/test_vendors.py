"""Vendors as legal entities: merges by rule, aliases files, purl namespaces, groups."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.keys import component_key, product_key, vendor_key
from graph.model import (
    ComponentNode,
    DocumentInfo,
    Edge,
    Node,
    ParsedDocument,
    ProductNode,
    Provenance,
    VendorNode,
)
from graph.store.sqlite import SqliteStore
from graph.vendor_report import asserted_records, explain_vendor, summarise_vendor
from graph.vendor_rules import AliasEntry, MergeRule
from graph.vendors import (
    DERIVED_ROLE,
    VendorResolution,
    alias_entries,
    canonical_view,
    resolve_store,
    resolve_vendors,
    vendor_group,
)
from graph.vocabulary import DocumentFormat, EdgeKind, NodeKind
from ingest.pipeline import parse_raw
from ingest.source import RawDocument
from tests.factories import FIXED, make_document

AEGIS_ALIASES = """\
version: 1
updated: 2024-07-01T00:00:00Z
vendors:
  - id: aegis-security
    name: Aegis Security, Inc.
    aliases: [aegis, pkg:generic/aegis]
    lei: 984500D7D570A4089075
    country: US
  - id: bastion-endpoint
    name: Bastion Endpoint GmbH
    parent: bastion-holding
  - id: bastion-holding
    name: Bastion Holding AG
  - id: apache-software-foundation
    name: The Apache Software Foundation
    aliases: [pkg:maven/org.apache]
  - id: google
    name: Google LLC
    aliases: ["pkg:npm/@angular"]
"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path / "store.sqlite", clock=lambda: FIXED)
    yield s
    s.close()


def aliases_document(text: str, path: str = "vendors/aliases.yaml") -> ParsedDocument:
    return parse_raw(RawDocument.of(path, text.encode()))


def sbom(product: str, vendor: str | None, components: dict[str, str | None]) -> ParsedDocument:
    """A product SBOM whose components each name a supplier (or none)."""
    sha = hashlib.sha256(f"{product}|{vendor}|{sorted(components.items())}".encode()).hexdigest()
    doc_id = f"doc-{sha[:16]}"

    def prov(location: str) -> Provenance:
        return Provenance(document_id=doc_id, sha256=sha, location=location)

    pkey = product_key(f"pkg:generic/{product}@1.0", product, "1.0")
    nodes: dict[str, Node] = {
        pkey: ProductNode(key=pkey, name=product, version="1.0", provenance=prov("/metadata"))
    }
    edges: list[Edge] = []
    suppliers = [(pkey, vendor, "/metadata/supplier")] if vendor else []
    for i, (purl, supplier) in enumerate(sorted(components.items())):
        ckey = component_key(purl)
        nodes[ckey] = ComponentNode(
            key=ckey, name=purl.rsplit("/", 1)[-1], purl=purl, provenance=prov(f"/components/{i}")
        )
        edges.append(
            Edge(source=pkey, target=ckey, kind=EdgeKind.CONTAINS, provenance=prov(f"/c/{i}"))
        )
        if supplier:
            suppliers.append((ckey, supplier, f"/components/{i}/supplier"))
    for subject, name, location in suppliers:
        vkey = vendor_key(name)
        nodes.setdefault(vkey, VendorNode(key=vkey, name=name, provenance=prov(location)))
        edges.append(
            Edge(
                source=subject,
                target=vkey,
                kind=EdgeKind.SUPPLIED_BY,
                role="supplier",
                provenance=prov(location),
            )
        )
    info = DocumentInfo(
        id=doc_id,
        sha256=sha,
        path=f"sboms/{product}.cdx.json",
        size=1,
        format=DocumentFormat.CYCLONEDX_JSON,
        spec_version="1.6",
        name=product,
        lineage=f"cdx:{product}",
    )
    return ParsedDocument(
        info=info,
        nodes=tuple(sorted(nodes.values(), key=lambda n: n.key)),
        edges=tuple(sorted(edges, key=lambda e: e.identity)),
    )


def vendors_of(graph: nx.MultiDiGraph) -> list[str]:
    return sorted(k for k, d in graph.nodes(data=True) if d["kind"] == NodeKind.VENDOR.value)


def suppliers_of(graph: nx.MultiDiGraph, key: str) -> list[tuple[str, str]]:
    return sorted(
        (v, d["role"]) for _, v, d in graph.out_edges(key, data=True) if d["kind"] == "SUPPLIED_BY"
    )


def merge_of(resolution: VendorResolution, key: str) -> MergeRule:
    return next(m.rule for m in resolution.merges if m.key == key)


# -- normalisation --------------------------------------------------------------------


def test_microsoft_spellings_collapse_by_normalised_name(store: SqliteStore) -> None:
    docs = [
        make_document("word", "1", ["a"], vendor="Microsoft Corporation"),
        make_document("excel", "1", ["b"], vendor="Microsoft Corp."),
        make_document("teams", "1", ["c"], vendor="microsoft"),
    ]
    for doc in docs:
        store.upsert_document(doc)
    resolution = resolve_store(store)
    assert vendors_of(resolution.graph) == ["vendor:microsoft"]
    assert summarise_vendor(resolution, "vendor:microsoft").products == 3

    records = asserted_records(resolution, "vendor:microsoft", store.document)
    explanation = explain_vendor(resolution, "Microsoft Corp.", records, {})
    assert explanation is not None
    assert {(r.spelling, r.document_id) for r in explanation.spellings} == {
        ("Microsoft Corporation", docs[0].info.id),
        ("Microsoft Corp.", docs[1].info.id),
        ("microsoft", docs[2].info.id),
    }
    assert {r.rule for r in explanation.spellings} == {MergeRule.NORMALISED_NAME}


def test_raw_spelling_keys_merge_by_normalised_name() -> None:
    """A view whose vendor keys kept the raw spelling still gets one vendor."""
    view = nx.MultiDiGraph()
    prov = [Provenance(document_id=f"doc-{i}", sha256="0" * 64) for i in range(3)]
    for i, name in enumerate(["Microsoft Corporation", "Microsoft Corp.", "microsoft"]):
        view.add_node(f"vendor:{name}", kind="Vendor", name=name, provenance=(prov[i],))
        view.add_node(f"product:p{i}", kind="Product", name=f"p{i}", provenance=(prov[i],))
        view.add_edge(
            f"product:p{i}",
            f"vendor:{name}",
            key="SUPPLIED_BY|supplier",
            kind="SUPPLIED_BY",
            role="supplier",
            provenance=(prov[i],),
        )
    resolution = resolve_vendors(view, [])
    assert vendors_of(resolution.graph) == ["vendor:microsoft"]
    assert merge_of(resolution, "vendor:Microsoft Corp.") is MergeRule.NORMALISED_NAME
    assert resolution.graph.nodes["vendor:microsoft"]["provenance"] == tuple(prov)
    for i in range(3):
        assert suppliers_of(resolution.graph, f"product:p{i}") == [("vendor:microsoft", "supplier")]
    assert "vendor:Microsoft Corp." in view  # the input view is left alone
    assert view.has_edge("product:p1", "vendor:Microsoft Corp.")


def test_different_names_stay_apart_without_aliases(store: SqliteStore) -> None:
    store.upsert_document(make_document("sensor", "1", ["a"], vendor="Aegis Security, Inc."))
    store.upsert_document(make_document("agent", "1", ["b"], vendor="aegis"))
    assert vendors_of(canonical_view(store)) == ["vendor:aegis", "vendor:aegis-security"]


# -- aliases files --------------------------------------------------------------------


def test_aliases_file_merges_what_normalisation_cannot(store: SqliteStore) -> None:
    sensor = make_document("sensor", "1", ["a"], vendor="Aegis Security Inc.")
    agent = make_document("agent", "1", ["b"], vendor="aegis")
    aliases = aliases_document(AEGIS_ALIASES)
    for doc in (sensor, agent, aliases):
        store.upsert_document(doc)
    resolution = resolve_store(store)
    graph = resolution.graph

    assert "vendor:aegis" not in graph
    merge = next(m for m in resolution.merges if m.key == "vendor:aegis")
    assert (merge.canonical, merge.rule) == ("vendor:aegis-security", MergeRule.ALIAS)
    assert merge.reason == "alias 'aegis' listed in vendors/aliases.yaml:4"
    assert merge.source is not None and merge.source.document_id == aliases.info.id

    agent_product = product_key("pkg:generic/agent@1", "agent", "1")
    [(_, _, edge)] = [
        e for e in graph.out_edges(agent_product, data=True) if e[2]["kind"] == "SUPPLIED_BY"
    ]
    assert edge["provenance"][0].document_id == agent.info.id  # origin kept on rewiring
    vendor = graph.nodes["vendor:aegis-security"]
    assert (vendor["name"], vendor["lei"], vendor["country"]) == (
        "Aegis Security, Inc.",
        "984500D7D570A4089075",
        "US",
    )
    assert vendor["merged_from"] == ("vendor:aegis", "vendor:aegis-security")
    assert summarise_vendor(resolution, "vendor:aegis-security").products == 2


def test_only_the_active_version_of_an_aliases_file_applies(store: SqliteStore) -> None:
    store.upsert_document(make_document("agent", "1", ["b"], vendor="aegis"))
    store.upsert_document(aliases_document(AEGIS_ALIASES))
    assert "vendor:aegis" not in canonical_view(store)
    newer = AEGIS_ALIASES.replace("2024-07-01", "2024-08-01")
    store.upsert_document(aliases_document(newer.replace("[aegis, pkg:generic/aegis]", "[]")))
    assert "vendor:aegis" in canonical_view(store)


def test_parent_group_is_the_top_of_the_chain(store: SqliteStore) -> None:
    store.upsert_document(make_document("edr", "5", ["a"], vendor="BASTION ENDPOINT GMBH"))
    store.upsert_document(aliases_document(AEGIS_ALIASES))
    resolution = resolve_store(store)
    assert vendor_group(resolution.graph, "vendor:bastion-endpoint") == "vendor:bastion-holding"
    summary = summarise_vendor(resolution, "vendor:bastion-endpoint")
    assert (summary.parent_name, summary.group, summary.products) == (
        "Bastion Holding AG",
        "vendor:bastion-holding",
        1,
    )
    assert vendor_group(resolution.graph, "vendor:aegis-security") == "vendor:aegis-security"
    holding = summarise_vendor(resolution, "vendor:bastion-holding")
    assert holding.subsidiaries == ["vendor:bastion-endpoint"]


def test_conflicting_claims_keep_the_first_canonical_in_any_order() -> None:
    prov = Provenance(document_id="doc-a", sha256="0" * 64, location="line 1")

    def entry(vid: str) -> AliasEntry:
        return AliasEntry(
            canonical=f"vendor:{vid}",
            name=vid.title(),
            aliases=("Shared Name",),
            path="a.yaml",
            provenance=prov,
        )

    view = nx.MultiDiGraph()
    view.add_node("vendor:shared-name", kind="Vendor", name="Shared Name", provenance=(prov,))
    for order in ([entry("alpha"), entry("beta")], [entry("beta"), entry("alpha")]):
        resolution = resolve_vendors(view, order)
        assert resolution.canonical_of("vendor:shared-name") == "vendor:alpha"
        [conflict] = resolution.conflicts
        assert (conflict.kept, conflict.ignored) == ("vendor:alpha", "vendor:beta")


# -- purl namespaces ------------------------------------------------------------------

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
ANGULAR = "pkg:npm/%40angular/core@17.3.0"
LOOKALIKE = "pkg:maven/org.apachex/tool@1.0"
SUPPLIED = "pkg:maven/org.apache.commons/commons-text@1.10.0"


def test_purl_namespace_derives_a_supplier_for_unsupplied_components(
    store: SqliteStore,
) -> None:
    components = {LOG4J: None, ANGULAR: None, LOOKALIKE: None, SUPPLIED: "Repackager Ltd"}
    store.upsert_document(sbom("ehr", "Medibase Health Systems Ltd", components))
    aliases = aliases_document(AEGIS_ALIASES)
    store.upsert_document(aliases)
    resolution = resolve_store(store)
    graph = resolution.graph

    apache = "vendor:apache-software-foundation"
    assert suppliers_of(graph, component_key(LOG4J)) == [(apache, DERIVED_ROLE)]
    assert suppliers_of(graph, component_key(ANGULAR)) == [("vendor:google", DERIVED_ROLE)]
    assert suppliers_of(graph, component_key(LOOKALIKE)) == []
    assert suppliers_of(graph, component_key(SUPPLIED)) == [("vendor:repackager", "supplier")]
    [edge] = graph.get_edge_data(component_key(LOG4J), apache).values()
    assert edge["provenance"] == (aliases.nodes[1].provenance,)

    [derived] = [d for d in resolution.derived if d.canonical == apache]
    assert derived.reason == "purl namespace pkg:maven/org.apache mapped in vendors/aliases.yaml"
    explanation = explain_vendor(resolution, "pkg:maven/org.apache.logging.log4j", [], {})
    assert explanation is not None and explanation.vendor.key == apache
    assert explanation.vendor.derived == 1


def test_a_vendor_spelled_as_its_namespace_merges() -> None:
    prov = Provenance(document_id="doc-a", sha256="0" * 64, location="line 3")
    view = nx.MultiDiGraph()
    view.add_node("vendor:angular", kind="Vendor", name="@angular", provenance=(prov,))
    google = AliasEntry(
        canonical="vendor:google",
        name="Google LLC",
        aliases=("pkg:npm/@angular",),
        path="a.yaml",
        provenance=prov,
    )
    resolution = resolve_vendors(view, [google])
    assert merge_of(resolution, "vendor:angular") is MergeRule.PURL_NAMESPACE
    assert vendors_of(resolution.graph) == ["vendor:google"]


# -- determinism ----------------------------------------------------------------------


def _estate() -> tuple[nx.MultiDiGraph, tuple[AliasEntry, ...]]:
    with tempfile.TemporaryDirectory() as tmp:
        s = SqliteStore(Path(tmp) / "s.sqlite", clock=lambda: FIXED)
        try:
            s.upsert_document(make_document("sensor", "1", ["a.sys"], vendor="Aegis Security Inc."))
            s.upsert_document(make_document("agent", "1", ["a.sys", "b"], vendor="aegis"))
            s.upsert_document(make_document("edr", "5", ["c"], vendor="Bastion Endpoint"))
            s.upsert_document(sbom("ehr", "Medibase", {LOG4J: None, ANGULAR: None}))
            s.upsert_document(make_document("office", "1", ["d"], vendor="Microsoft Corp."))
            return s.view(), alias_entries(aliases_document(AEGIS_ALIASES))
        finally:
            s.close()


ESTATE, ENTRIES = _estate()


def _snapshot(resolution: VendorResolution) -> tuple[object, ...]:
    g = resolution.graph
    return (
        list(g.nodes(data=True)),
        list(g.edges(keys=True, data=True)),
        resolution.merges,
        resolution.derived,
        resolution.conflicts,
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    nodes=st.permutations(list(ESTATE.nodes(data=True))),
    edges=st.permutations(list(ESTATE.edges(keys=True, data=True))),
    entries=st.permutations(list(ENTRIES)),
)
def test_resolution_does_not_depend_on_input_order(
    nodes: list[tuple[str, dict[str, object]]],
    edges: list[tuple[str, str, str, dict[str, object]]],
    entries: list[AliasEntry],
) -> None:
    shuffled = nx.MultiDiGraph()
    shuffled.add_nodes_from(nodes)
    shuffled.add_edges_from(edges)
    assert _snapshot(resolve_vendors(shuffled, entries)) == _snapshot(
        resolve_vendors(ESTATE, ENTRIES)
    )
    assert len(vendors_of(resolve_vendors(shuffled, entries).graph)) == 7
