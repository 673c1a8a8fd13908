"""A hand-written EDR product BOM (boot-start kernel driver, content update channel).

The JSON and XML assets describe the same BOM; both must give exactly these records.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graph.model import (
    ComponentNode,
    Hash,
    ParsedDocument,
    ProductNode,
    ServiceNode,
    UpdateChannelNode,
    VendorNode,
    VulnerabilityNode,
)
from graph.vocabulary import (
    BootStart,
    ChannelKind,
    ComponentType,
    CustomerDeferral,
    DocumentFormat,
    EdgeKind,
    HealthGate,
    Privilege,
    ProductCategory,
    Rollback,
)
from ingest import cyclonedx
from ingest.detect import detect
from ingest.source import RawDocument

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "cyclonedx"
JSON_ASSET = "edr-sensor.cdx16.json"
XML_ASSET = "edr-sensor.cdx16.xml"

PRODUCT = "product:pkg:generic/acme/acme-sentinel@7.11.0"
AGENT = "component:pkg:generic/acme/sentinel-agent@7.11.0"
DRIVER = "component:pkg:generic/acme/sentinel-kd@7.11.0.18303"
CHANNEL = "channel:acme-rapid-content"
ACME = "vendor:acme-security"


def ingest(name: str) -> ParsedDocument:
    raw = RawDocument.of(f"tests/assets/cyclonedx/{name}", (ASSETS / name).read_bytes())
    detected = detect(raw)
    return cyclonedx.parse(raw, detected.format, detected.payload)


@pytest.fixture(scope="module", params=[JSON_ASSET, XML_ASSET])
def doc(request: pytest.FixtureRequest) -> ParsedDocument:
    return ingest(request.param)


def node(doc: ParsedDocument, key: str) -> Any:
    (found,) = [n for n in doc.nodes if n.key == key]
    return found


def test_document_info(doc: ParsedDocument) -> None:
    info = doc.info
    assert info.spec_version == "1.6"
    assert info.name == "acme-sentinel 7.11.0"
    assert info.serial == "urn:uuid:5b0c6f3e-2d41-4c8a-9e57-1f2a3b4c5d6e"
    assert info.bom_version == 3
    assert info.lineage == "cdx:pkg:generic/acme/acme-sentinel"
    assert info.created is not None
    assert info.created.isoformat() == "2024-07-18T04:09:00+00:00"
    assert info.ingested_at is None
    assert doc.findings == ()


def test_the_driver_is_a_boot_start_kernel_component(doc: ParsedDocument) -> None:
    driver = node(doc, DRIVER)
    assert isinstance(driver, ComponentNode)
    assert driver.name == "sentinel-kd.sys"
    assert driver.version == "7.11.0.18303"
    assert driver.component_type is ComponentType.DEVICE_DRIVER
    assert driver.privilege is Privilege.KERNEL
    assert driver.boot_start is BootStart.BOOT
    assert driver.platforms == ("windows",)
    assert driver.crash_loop_guard is False
    assert driver.hashes == (
        Hash(
            algorithm="SHA-256",
            value="3b2f6c0d8e1a4f5b9c7d2e0a1b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e",
        ),
    )
    assert driver.licenses == ("Acme EULA",)


def test_the_product_carries_its_category_and_privilege(doc: ParsedDocument) -> None:
    product = node(doc, PRODUCT)
    assert isinstance(product, ProductNode)
    assert product.category is ProductCategory.EDR
    assert product.privilege is Privilege.SYSTEM_SERVICE
    assert product.platforms == ("windows",)
    assert product.description == "Endpoint detection and response sensor"
    agent = node(doc, AGENT)
    assert (agent.privilege, agent.crash_loop_guard) == (Privilege.SYSTEM_SERVICE, True)


def test_the_content_service_becomes_an_update_channel(doc: ParsedDocument) -> None:
    channel = node(doc, CHANNEL)
    assert isinstance(channel, UpdateChannelNode)
    assert channel.model_dump(exclude={"provenance"}) == {
        "key": CHANNEL,
        "name": "Rapid Response Content",
        "kind": "UpdateChannel",
        "vendor": ACME,
        "channel_kind": ChannelKind.CONTENT,
        "privilege": Privilege.KERNEL,
        "platforms": ("windows", "macos"),
        "cadence_per_day": 12.0,
        "rollout_stages": 1,
        "internal_ring": False,
        "canary_share": 0.0,
        "bake_time_hours": 0.0,
        "health_gate": HealthGate.NONE,
        "auto_halt": False,
        "rollback": Rollback.VENDOR_PUSH,
        "rollback_tested": False,
        "customer_deferral": CustomerDeferral.NONE,
        "customer_pin_versions": 0,
        "release_notes": None,
        "signed": True,
        "signature_verified_on_host": None,
        "schema_validated": True,
        "runtime_bounds_checked": False,
        "fuzzed": None,
        "coverage_all_fields": None,
        "e2e_tested_in_interpreter": None,
        "emergency_path_documented": None,
        "sdp_attested": None,
        "targeting_rule": "all sensors 7.11+",
    }
    telemetry = [n for n in doc.nodes if isinstance(n, ServiceNode)]
    assert [
        (s.name, s.endpoints, s.authenticated, s.crosses_trust_boundary) for s in telemetry
    ] == [("Telemetry Cloud", ("https://telemetry.acme-security.example/ingest",), True, True)]


def test_vendor_spellings_merge_into_one_vendor(doc: ParsedDocument) -> None:
    acme = node(doc, ACME)
    assert isinstance(acme, VendorNode)
    assert acme.name == "Acme Security, Inc."
    assert acme.aliases == ("ACME SECURITY INC.", "Acme Security", "Acme Security Inc")
    assert acme.urls == ("https://acme-security.example",)


def test_the_exact_edges(doc: ParsedDocument) -> None:
    service = next(n.key for n in doc.nodes if isinstance(n, ServiceNode))
    ui = next(n.key for n in doc.nodes if n.key.endswith("/agent-ui"))
    assert [(e.source, e.kind, e.target, e.role) for e in doc.edges] == [
        (CHANNEL, EdgeKind.OPERATED_BY, ACME, ""),
        (AGENT, EdgeKind.CONTAINS, ui, ""),
        (AGENT, EdgeKind.DEPENDS_ON, DRIVER, ""),
        (AGENT, EdgeKind.DEPENDS_ON, service, ""),
        (AGENT, EdgeKind.SUPPLIED_BY, ACME, "publisher"),
        (AGENT, EdgeKind.UPDATED_VIA, "channel:acme-sensor-release", ""),
        (DRIVER, EdgeKind.SUPPLIED_BY, "vendor:acme-kernel-team", "author"),
        (DRIVER, EdgeKind.SUPPLIED_BY, ACME, "manufacturer"),
        (DRIVER, EdgeKind.SUPPLIED_BY, ACME, "publisher"),
        (DRIVER, EdgeKind.SUPPLIED_BY, ACME, "supplier"),
        (DRIVER, EdgeKind.UPDATED_VIA, CHANNEL, ""),
        (PRODUCT, EdgeKind.CONTAINS, AGENT, ""),
        (PRODUCT, EdgeKind.CONTAINS, DRIVER, ""),
        (PRODUCT, EdgeKind.DEPENDS_ON, AGENT, ""),
        (PRODUCT, EdgeKind.DEPENDS_ON, DRIVER, ""),
        (PRODUCT, EdgeKind.SUPPLIED_BY, ACME, "supplier"),
        (service, EdgeKind.OPERATED_BY, ACME, ""),
        ("vuln:CVE-2099-0001", EdgeKind.AFFECTS, DRIVER, ""),
    ]
    vuln = node(doc, "vuln:CVE-2099-0001")
    assert isinstance(vuln, VulnerabilityNode)
    assert (vuln.source, vuln.severity, vuln.score) == ("NVD", "high", 7.8)


PROVENANCE = {
    # (record, JSON pointer, XML path)
    "driver node": ("/components/1", "/bom/components/component[2]"),
    "nested ui node": (
        "/components/0/components/0",
        "/bom/components/component[1]/components/component[1]",
    ),
    "product node": ("/metadata/component", "/bom/metadata/component"),
    "channel node": ("/services/0", "/bom/services/service[1]"),
    "driver UPDATED_VIA channel": (
        "/dependencies/2/dependsOn/0",
        "/bom/dependencies/dependency[3]/dependency[1]",
    ),
    "agent UPDATED_VIA property": (
        "/components/0/properties/3",
        "/bom/components/component[1]/properties/property[4]",
    ),
    "driver manufacturer": (
        "/components/1/manufacturer",
        "/bom/components/component[2]/manufacturer",
    ),
    "channel OPERATED_BY": ("/services/0/provider", "/bom/services/service[1]/provider"),
    "vuln AFFECTS": (
        "/vulnerabilities/0/affects/0",
        "/bom/vulnerabilities/vulnerability[1]/affects/target[1]",
    ),
}


def locations(doc: ParsedDocument) -> dict[str, str | None]:
    by_edge = {(e.source, e.kind, e.target, e.role): e.provenance.location for e in doc.edges}
    by_node = {n.key: n.provenance.location for n in doc.nodes}
    ui = next(k for k in by_node if k.endswith("/agent-ui"))
    return {
        "driver node": by_node[DRIVER],
        "nested ui node": by_node[ui],
        "product node": by_node[PRODUCT],
        "channel node": by_node[CHANNEL],
        "driver UPDATED_VIA channel": by_edge[(DRIVER, EdgeKind.UPDATED_VIA, CHANNEL, "")],
        "agent UPDATED_VIA property": by_edge[
            (AGENT, EdgeKind.UPDATED_VIA, "channel:acme-sensor-release", "")
        ],
        "driver manufacturer": by_edge[(DRIVER, EdgeKind.SUPPLIED_BY, ACME, "manufacturer")],
        "channel OPERATED_BY": by_edge[(CHANNEL, EdgeKind.OPERATED_BY, ACME, "")],
        "vuln AFFECTS": by_edge[("vuln:CVE-2099-0001", EdgeKind.AFFECTS, DRIVER, "")],
    }


def test_provenance_points_at_the_asserting_element(doc: ParsedDocument) -> None:
    column = 1 if doc.info.format is DocumentFormat.CYCLONEDX_XML else 0
    assert locations(doc) == {name: where[column] for name, where in PROVENANCE.items()}
    assert {r.provenance.document_id for r in (*doc.nodes, *doc.edges)} == {doc.info.id}


def test_json_and_xml_give_the_same_nodes_and_edges() -> None:
    from_json, from_xml = ingest(JSON_ASSET), ingest(XML_ASSET)
    assert from_json.info.id != from_xml.info.id

    def comparable(doc: ParsedDocument) -> tuple[list[Any], list[Any]]:
        def clean(record: Any) -> Any:
            text = record.model_dump_json(exclude={"provenance"})
            return json.loads(text.replace(doc.info.id, "DOC"))

        return [clean(n) for n in doc.nodes], [clean(e) for e in doc.edges]

    assert comparable(from_json) == comparable(from_xml)
    assert from_json.info.model_dump(exclude={"id", "sha256", "path", "size", "format"}) == (
        from_xml.info.model_dump(exclude={"id", "sha256", "path", "size", "format"})
    )
