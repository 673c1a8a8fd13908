"""Reference resolution: against a store's view and a batch, strict and lenient."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import HostGroupNode, ParsedDocument, ProductNode, ProductRing
from graph.store.sqlite import SqliteStore
from graph.vocabulary import DocumentStatus, EdgeKind, NodeKind, Severity
from ingest.pipeline import parse_file, parse_raw
from ingest.resolve import UNRESOLVED_CODE, ReferenceIndex, resolve, resolve_batch
from ingest.source import RawDocument, Refused
from tests.conftest import ASSETS, REPO
from tests.estate_fixtures import SENSOR_PURL, sensor_sbom
from tests.factories import FIXED

GOOD = ASSETS / "estate" / "good"
BAD = ASSETS / "estate" / "bad"
SENSOR = "product:pkg:generic/acme/acme-sensor@1.0"


def _runs(doc: ParsedDocument) -> set[tuple[str, str]]:
    return {(e.source, e.target) for e in doc.edges if e.kind is EdgeKind.RUNS}


def _batch(*docs: ParsedDocument) -> ReferenceIndex:
    index = ReferenceIndex()
    for doc in docs:
        index.add_document(doc)
    return index


def test_purl_name_version_and_serial_all_resolve_against_a_store_view(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite", clock=lambda: FIXED)
    try:
        store.upsert_document(sensor_sbom())
        store.upsert_document(
            parse_file(GOOD / "channels.yaml").model_copy(update={"references": ()})
        )
        index = ReferenceIndex()
        index.add_view(store.view(), store.documents())
    finally:
        store.close()
    resolved = resolve(parse_file(GOOD / "inventory.yaml"), index, lenient=False)
    assert _runs(resolved) == {
        ("hostgroup:op-a/desktops", SENSOR),  # by purl
        ("hostgroup:op-a/servers", SENSOR),  # by name and version
        ("hostgroup:op-b/kiosks", SENSOR),  # by SBOM serial number
    }
    runs_on = {(e.source, e.target) for e in resolved.edges if e.kind is EdgeKind.RUNS_ON}
    assert runs_on == {
        ("hostgroup:op-a/desktops", "platform:acme-os"),
        ("hostgroup:op-a/servers", "platform:acme-os"),
    }
    assert resolved.references == ()
    assert resolved.findings == ()


def test_reverse_references_point_from_the_referenced_node() -> None:
    index = _batch(sensor_sbom(), parse_file(GOOD / "inventory.yaml"))
    index.add_document(parse_file(GOOD / "channels.yaml"))
    resolved = resolve(parse_file(GOOD / "hostgroups.csv"), index, lenient=False)
    edges = {(e.source, e.kind, e.target) for e in resolved.edges}
    assert edges == {
        ("operator:op-a", EdgeKind.OPERATES, "hostgroup:op-a/control-room"),
        ("hostgroup:op-a/control-room", EdgeKind.SUPPORTS, "function:op-a/dispatch"),
        ("hostgroup:op-a/control-room", EdgeKind.RUNS_ON, "platform:acme-os"),
        ("hostgroup:op-a/control-room", EdgeKind.RUNS, SENSOR),
    }


def test_strict_refuses_naming_every_failed_reference() -> None:
    path = BAD / "inv-dangling-product.yaml"
    with pytest.raises(Refused) as caught:
        resolve(parse_file(path), _batch(sensor_sbom()), lenient=False)
    assert str(caught.value) == (
        f"{path}: 2 unresolved references: operators[0].host_groups[0].deployments[0]: product "
        "'pkg:generic/nobody/ghost@1' (no SBOM describes it); operators[0].host_groups[0]."
        "platform: platform 'platform:no-such-os' (nothing in the store or this batch declares it)"
    )


def test_lenient_drops_only_the_failed_edges_and_records_each() -> None:
    doc = parse_file(BAD / "inv-dangling-product.yaml")
    resolved = resolve(doc, _batch(sensor_sbom()), lenient=True)
    assert _runs(resolved) == {("hostgroup:op-a/hg", SENSOR)}
    unresolved = [f for f in resolved.findings if f.code == UNRESOLVED_CODE]
    assert [(f.severity, f.location, f.message) for f in unresolved] == [
        (
            Severity.MEDIUM,
            "operators[0].host_groups[0].deployments[0]",
            "unresolved reference dropped: product 'pkg:generic/nobody/ghost@1' "
            "(no SBOM describes it)",
        ),
        (
            Severity.MEDIUM,
            "operators[0].host_groups[0].platform",
            "unresolved reference dropped: platform 'platform:no-such-os' "
            "(nothing in the store or this batch declares it)",
        ),
    ]
    assert {n.key for n in resolved.nodes} == {n.key for n in doc.nodes}
    assert resolved.references == ()


def _inventory(deployment: str, extra: str = "") -> ParsedDocument:
    text = f"""
as_of: 2024-07-01
operators:
  - id: op
    name: Op
    sector: energy
    cii: true
    host_groups:
      - id: hg
        host_count: 3
        environment: kiosk
        deployments:
          - {deployment}
{extra}"""
    return parse_file_text(text)


def parse_file_text(text: str) -> ParsedDocument:
    return parse_raw(RawDocument.of("inline.yaml", text.encode()))


def _group(doc: ParsedDocument) -> HostGroupNode:
    (group,) = [n for n in doc.nodes if isinstance(n, HostGroupNode)]
    return group


def test_rings_follow_their_product_to_the_resolved_key() -> None:
    doc = _inventory("{name: acme-sensor, version: '1.0', ring: 2, pinned_version: '0.9'}")
    assert _group(doc).rings[0].product == "product:acme-sensor@1.0"  # provisional
    resolved = resolve(doc, _batch(sensor_sbom()), lenient=False)
    assert _group(resolved).rings == (ProductRing(product=SENSOR, ring=2, pinned_version="0.9"),)


def test_a_ring_of_an_unresolved_product_is_dropped_with_its_edge() -> None:
    doc = _inventory("{purl: 'pkg:generic/nobody/ghost@1', ring: 1}")
    resolved = resolve(doc, _batch(sensor_sbom()), lenient=True)
    assert _group(resolved).rings == ()
    assert _runs(resolved) == set()


def test_unknown_channel_in_a_ring_is_an_unresolved_reference() -> None:
    doc = _inventory(f"{{purl: '{SENSOR_PURL}', channels: [acme-content, no-such-channel]}}")
    index = _batch(sensor_sbom(), parse_file(GOOD / "channels.yaml"))
    with pytest.raises(
        Refused,
        match=r"1 unresolved reference: operators\[0\]\.host_groups\[0\]: "
        r"channel 'channel:no-such-channel' \(no channel declaration names it\)",
    ):
        resolve(doc, index, lenient=False)
    lenient = resolve(doc, index, lenient=True)
    assert _group(lenient).rings[0].takes_channels == ("channel:acme-content",)


def test_name_without_version_must_be_unambiguous() -> None:
    doc = _inventory("{name: acme-sensor}")
    assert _runs(resolve(doc, _batch(sensor_sbom()), lenient=False)) == {
        ("hostgroup:op/hg", SENSOR)
    }
    other = sensor_sbom(serial=None, salt="-2")
    newer = ProductNode(
        key="product:pkg:generic/acme/acme-sensor@2.0",
        name="acme-sensor",
        version="2.0",
        purl="pkg:generic/acme/acme-sensor@2.0",
        provenance=other.nodes[0].provenance,
    )
    index = _batch(sensor_sbom(), other.model_copy(update={"nodes": (newer,)}))
    with pytest.raises(Refused, match="ambiguous: 2 entries have this name; give version or purl"):
        resolve(doc, index, lenient=False)


def test_a_purl_naming_a_component_resolves_to_the_component() -> None:
    doc = _inventory("{purl: 'pkg:generic/acme/acmedrv.sys@1.0?arch=x64'}")
    resolved = resolve(doc, _batch(sensor_sbom()), lenient=False)
    assert _runs(resolved) == {("hostgroup:op/hg", "component:pkg:generic/acme/acmedrv.sys@1.0")}


def test_a_refusal_lists_ten_failures_and_counts_the_rest() -> None:
    lines = "\n".join(f"          - {{purl: 'pkg:generic/ghost/g{i}@1'}}" for i in range(1, 13))
    doc = _inventory("{purl: 'pkg:generic/ghost/g0@1'}", lines)
    with pytest.raises(Refused) as caught:
        resolve(doc, ReferenceIndex(), lenient=False)
    text = str(caught.value)
    assert text.startswith("inline.yaml: 13 unresolved references: ")
    assert text.endswith("; and 3 more")
    assert text.count("(no SBOM describes it)") == 10


def test_batch_documents_resolve_each_other_and_a_refused_one_drops_out() -> None:
    channels = parse_file(GOOD / "channels.yaml")  # declares platform:acme-os
    inventory = parse_file_text(
        "operators: [{id: op, name: Op, sector: energy, cii: true, host_groups: "
        "[{id: hg, host_count: 1, environment: kiosk, platform: acme-os}]}]"
    )
    ok = resolve_batch([inventory, channels], _batch(sensor_sbom()), lenient=False)
    assert [type(r).__name__ for r in ok] == ["ParsedDocument", "ParsedDocument"]
    # without the SBOM the channels file is refused, so its platform is gone for the inventory
    outcomes = resolve_batch([inventory, channels], ReferenceIndex(), lenient=False)
    assert [type(r).__name__ for r in outcomes] == ["Refused", "Refused"]
    assert str(outcomes[0]) == (
        "inline.yaml: 1 unresolved reference: operators[0].host_groups[0].platform: platform "
        "'platform:acme-os' (nothing in the store or this batch declares it)"
    )

    # a check (e.g. --strict) refusing a document takes it out of the batch the same way
    def refuse_channels(doc: ParsedDocument) -> None:
        if doc is not inventory and doc.info.path.endswith("channels.yaml"):
            raise Refused(doc.info.path, "refused by check")

    checked = resolve_batch(
        [inventory, channels], _batch(sensor_sbom()), lenient=False, check=refuse_channels
    )
    assert [type(r).__name__ for r in checked] == ["Refused", "Refused"]


def test_resolving_a_document_without_references_is_the_identity() -> None:
    doc = sensor_sbom()
    assert resolve(doc, ReferenceIndex(), lenient=False) is doc


def test_a_sqlite_store_s_rows_index_exactly_what_its_view_indexes(tmp_path: Path) -> None:
    """``add_rows`` (used by ingest, so a 1M-node store is never built as a view) must see
    what ``add_view`` sees, including a node two documents assert with different fields."""
    store = SqliteStore(tmp_path / "s.sqlite", clock=lambda: FIXED)
    try:
        for path in sorted((REPO / "sample_sboms").rglob("*")):
            if path.is_file() and path.suffix in {".json", ".xml", ".spdx"}:
                store.upsert_document(parse_file(path).model_copy(update={"references": ()}))
        store.upsert_document(sensor_sbom())
        other = sensor_sbom(serial="urn:uuid:other", salt="other")
        renamed = tuple(  # same keys, other names: the view keeps the first document's
            n.model_copy(update={"name": f"{n.name}-as-named-elsewhere", "version": None})
            if n.kind is NodeKind.COMPONENT
            else n
            for n in other.nodes
        )
        store.upsert_document(other.model_copy(update={"nodes": renamed}))
        assert sum(d.status is DocumentStatus.ACTIVE for d in store.documents()) >= 2 + 10
        from_view, from_rows = ReferenceIndex(), ReferenceIndex()
        from_view.add_view(store.view(), store.documents())
        from_rows.add_rows(store.node_rows(), store.documents())
    finally:
        store.close()
    assert len(from_view.keys) > 100
    assert from_view.by_serial and from_view.by_purl
    assert from_rows == from_view
