"""A stand-in for tests/assets/estate/good/sensor.cdx.json, built without any SBOM parser.

Estate unit tests resolve references against it, so they test inventories, channels and
resolution alone; the CLI tests ingest the real CycloneDX file.
"""

from __future__ import annotations

import hashlib

from graph.keys import component_key, product_key, vendor_key
from graph.model import (
    ComponentNode,
    DocumentInfo,
    Edge,
    ParsedDocument,
    ProductNode,
    Provenance,
    VendorNode,
)
from graph.vocabulary import DocumentFormat, EdgeKind, Privilege

SENSOR_PURL = "pkg:generic/acme/acme-sensor@1.0"
SENSOR_SERIAL = "urn:uuid:5d0a6d2e-4c1b-4a39-9a77-0c7c3c1b2f10"


def sensor_sbom(serial: str | None = SENSOR_SERIAL, salt: str = "") -> ParsedDocument:
    """acme-sensor 1.0 CONTAINS acmedrv.sys (kernel) and acme-rules (user)."""
    sha = hashlib.sha256(f"sensor-standin{serial}{salt}".encode()).hexdigest()
    doc_id = f"doc-{sha[:16]}"

    def prov(location: str) -> Provenance:
        return Provenance(document_id=doc_id, sha256=sha, location=location)

    product = product_key(SENSOR_PURL, "acme-sensor", "1.0")
    driver = component_key("pkg:generic/acme/acmedrv.sys@1.0")
    rules = component_key("pkg:generic/acme/acme-rules@2.0")
    vendor = vendor_key("Acme Security Ltd")
    nodes = (
        ComponentNode(
            key=driver,
            name="acmedrv.sys",
            version="1.0",
            purl="pkg:generic/acme/acmedrv.sys@1.0",
            privilege=Privilege.KERNEL,
            provenance=prov("/components/0"),
        ),
        ComponentNode(
            key=rules,
            name="acme-rules",
            version="2.0",
            purl="pkg:generic/acme/acme-rules@2.0",
            privilege=Privilege.USER,
            provenance=prov("/components/1"),
        ),
        ProductNode(
            key=product,
            name="acme-sensor",
            version="1.0",
            purl=SENSOR_PURL,
            provenance=prov("/metadata/component"),
        ),
        VendorNode(key=vendor, name="Acme Security Ltd", provenance=prov("/metadata/supplier")),
    )
    edges = (
        Edge(source=product, target=driver, kind=EdgeKind.CONTAINS, provenance=prov("/c/0")),
        Edge(source=product, target=rules, kind=EdgeKind.CONTAINS, provenance=prov("/c/1")),
        Edge(
            source=product,
            target=vendor,
            kind=EdgeKind.SUPPLIED_BY,
            role="supplier",
            provenance=prov("/metadata/supplier"),
        ),
    )
    info = DocumentInfo(
        id=doc_id,
        sha256=sha,
        path="sensor.cdx.json",
        size=1,
        format=DocumentFormat.CYCLONEDX_JSON,
        spec_version="1.6",
        name="acme-sensor 1.0",
        serial=serial,
        lineage=f"cdx:pkg:generic/acme/acme-sensor{salt}",
    )
    return ParsedDocument(info=info, nodes=nodes, edges=edges)
