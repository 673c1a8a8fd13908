"""Small ParsedDocument builders for store and property tests (no parser involved)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from graph.keys import component_key, product_key, vendor_key
from graph.model import (
    ComponentNode,
    DataQualityFinding,
    DocumentInfo,
    Edge,
    ParsedDocument,
    ProductNode,
    Provenance,
    VendorNode,
)
from graph.vocabulary import DocumentFormat, EdgeKind, NodeKind, Privilege, Severity

FIXED = datetime(2024, 7, 19, 4, 9, tzinfo=UTC)


def make_document(
    product: str,
    version: str,
    libraries: list[str],
    *,
    vendor: str = "Acme Corp.",
    created: datetime | None = None,
    deps: list[tuple[int, int]] | None = None,
    salt: str = "",
) -> ParsedDocument:
    """A product SBOM: product CONTAINS each library, SUPPLIED_BY vendor, plus deps."""
    body = f"{product}|{version}|{','.join(libraries)}|{vendor}|{created}|{deps}|{salt}"
    sha = hashlib.sha256(body.encode()).hexdigest()
    doc_id = f"doc-{sha[:16]}"

    def prov(loc: str) -> Provenance:
        return Provenance(document_id=doc_id, sha256=sha, location=loc)

    pkey = product_key(f"pkg:generic/{product}@{version}", product, version)
    vkey = vendor_key(vendor)
    nodes: list = [
        ProductNode(
            key=pkey, name=product, version=version, provenance=prov("/metadata/component")
        ),
        VendorNode(key=vkey, name=vendor, aliases=(vendor,), provenance=prov("/metadata/supplier")),
    ]
    edges = [
        Edge(
            source=pkey,
            target=vkey,
            kind=EdgeKind.SUPPLIED_BY,
            role="supplier",
            provenance=prov("/metadata/supplier"),
        )
    ]
    ckeys = []
    for i, lib in enumerate(libraries):
        ckey = component_key(f"pkg:generic/{lib}@1.0")
        ckeys.append(ckey)
        nodes.append(
            ComponentNode(
                key=ckey,
                name=lib,
                version="1.0",
                purl=f"pkg:generic/{lib}@1.0",
                privilege=Privilege.KERNEL if lib.endswith(".sys") else None,
                provenance=prov(f"/components/{i}"),
            )
        )
        edges.append(
            Edge(
                source=pkey,
                target=ckey,
                kind=EdgeKind.CONTAINS,
                provenance=prov(f"/components/{i}"),
            )
        )
    for a, b in deps or []:
        if a < len(ckeys) and b < len(ckeys) and a != b:
            edges.append(
                Edge(
                    source=ckeys[a],
                    target=ckeys[b],
                    kind=EdgeKind.DEPENDS_ON,
                    provenance=prov(f"/dependencies/{a}"),
                )
            )
    unique_nodes = {n.key: n for n in nodes}
    unique_edges = {e.identity: e for e in edges}
    info = DocumentInfo(
        id=doc_id,
        sha256=sha,
        path=f"{product}-{version}.cdx.json",
        size=len(body),
        format=DocumentFormat.CYCLONEDX_JSON,
        spec_version="1.6",
        name=f"{product} {version}",
        lineage=f"cdx:pkg:generic/{product}",
        created=created,
    )
    findings = (
        DataQualityFinding(
            document_id=doc_id,
            severity=Severity.LOW,
            code="DQ-TEST",
            message=f"{product} test finding",
            location="/",
        ),
    )
    return ParsedDocument(
        info=info,
        nodes=tuple(sorted(unique_nodes.values(), key=lambda n: n.key)),
        edges=tuple(sorted(unique_edges.values(), key=lambda e: e.identity)),
        findings=findings,
    )


def snapshot(store) -> tuple:
    """Everything observable about a store's content, for equality checks."""
    view = store.view()
    nodes = sorted((k, repr(sorted(d.items()))) for k, d in view.nodes(data=True))
    edges = sorted(
        (u, v, k, repr(sorted(d.items()))) for u, v, k, d in view.edges(keys=True, data=True)
    )
    docs = [(d.id, d.status, d.superseded_by) for d in store.documents()]
    return docs, nodes, edges, store.findings()


__all__ = ["FIXED", "NodeKind", "make_document", "snapshot"]
