"""SPDX 2.x ingest: the corpus, refusals, format equivalence, one asset per failure mode."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from graph.model import ParsedDocument, ProductNode
from graph.vocabulary import ComponentType, DocumentFormat, EdgeKind, NodeKind, Severity
from ingest.source import Refused
from tests.ingest.spdx_helpers import (
    ASSETS,
    CORPUS,
    assert_well_formed,
    codes,
    corpus_entries,
    ingest,
    software,
)

# --- the corpus -------------------------------------------------------------------------


@pytest.mark.parametrize("entry", corpus_entries("spdx/"), ids=lambda e: e["file"])
def test_corpus_file_ingests_with_every_package(entry: dict[str, Any]) -> None:
    doc = ingest(CORPUS / entry["file"])

    assert len(software(doc)) == entry["components"]
    assert doc.info.spec_version == entry["spec"]
    assert doc.info.size == entry["size"] and doc.info.sha256 == entry["sha256"]
    assert_well_formed(doc)


def test_corpus_is_present() -> None:
    if not CORPUS.exists():
        pytest.fail(f"the SBOM corpus must be beside the checkout at {CORPUS}")
    assert len(corpus_entries("spdx/")) >= 13


@pytest.mark.parametrize("name", ["alpine.syft.spdx22.json", "kubectl-arm-v7.syft.spdx22.json"])
def test_syft_deviations_become_findings(name: str) -> None:
    doc = ingest(CORPUS / "spdx" / "json" / name)

    messages = {(f.code, f.message) for f in doc.findings}
    assert any(c == "DQ-SPDX-TIMESTAMP" and "fractional seconds" in m for c, m in messages)
    assert any(
        c == "DQ-SPDX-MISSING-FIELD" and m.startswith("checksums is missing on")
        for c, m in messages
    )
    assert any(
        c == "DQ-SPDX-MISSING-FIELD" and m.startswith("copyrightText is missing")
        for c, m in messages
    )
    assert any("hasFiles but say filesAnalyzed: false" in m for _, m in messages)
    assert codes(doc)["DQ-NO-SUBJECT"] == 1
    assert doc.info.created is not None and doc.info.created.microsecond > 0
    assert doc.info.lineage == doc.info.id  # nothing described: its own lineage


def test_syft_originators_become_vendors() -> None:
    doc = ingest(CORPUS / "spdx" / "json" / "alpine.syft.spdx22.json")

    copa = [e for e in doc.edges if e.target == "vendor:natanael-copa"]
    assert copa and all(e.kind is EdgeKind.SUPPLIED_BY and e.role == "originator" for e in copa)
    assert {n.name for n in doc.nodes if n.kind is NodeKind.VENDOR} >= {"Natanael Copa"}


def test_msft_sbom_tool_subject_contains_and_depends() -> None:
    doc = ingest(CORPUS / "spdx" / "json" / "msft-sbom-tool-sample.spdx22.json")

    (product,) = [n for n in doc.nodes if n.kind is NodeKind.PRODUCT]
    contained = {e.target for e in doc.edges if e.kind is EdgeKind.CONTAINS}
    components = {n.key for n in doc.nodes if n.kind is NodeKind.COMPONENT}
    assert contained == components  # nothing floats
    assert sum(e.kind is EdgeKind.DEPENDS_ON for e in doc.edges) == 266
    assert doc.info.lineage == "spdx:pkg:swid/Microsoft/spdx.org/sbom-tool%20sample"
    assert product.key.startswith("product:pkg:swid/Microsoft/")


INVALID = [
    ("guac/invalid-spdx-identifier.json", "document SPDXID is '': it must be 'SPDXRef-DOCUMENT'"),
    ("guac/invalid-spdx.version-int.json", "spdxVersion is 2 (int), expected a string"),
    (
        "real-world/vmware-log-intelligence-fluentd.trivy.invalid.spdx22.json",
        "'downloadLocation' is missing from all 514 packages: not written to the SPDX 2",
    ),
]


@pytest.mark.parametrize(("name", "reason"), INVALID, ids=[n for n, _ in INVALID])
def test_invalid_corpus_file_is_refused(name: str, reason: str) -> None:
    path = CORPUS / "invalid" / name
    if not path.exists():
        pytest.fail(f"the SBOM corpus must be beside the checkout at {CORPUS}")
    with pytest.raises(Refused) as caught:
        ingest(path)

    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"{path}: ")
    assert "\n" not in str(caught.value)


# --- the same document in every SPDX 2 syntax ---------------------------------------------

FORMATS = {
    DocumentFormat.SPDX_JSON: "SPDXJSONExample-v2.3.spdx.json",
    DocumentFormat.SPDX_YAML: "SPDXYAMLExample-v2.3.spdx.yaml",
    DocumentFormat.SPDX_XML: "SPDXXMLExample-v2.3.spdx.xml",
    DocumentFormat.SPDX_TAG_VALUE: "SPDXTagExample-v2.3.spdx",
    DocumentFormat.SPDX_RDF: "SPDXRdfExample-v2.3.spdx.rdf.xml",
}


@pytest.fixture(scope="module")
def by_format() -> dict[DocumentFormat, ParsedDocument]:
    if not (CORPUS / "spdx" / "formats").exists():
        pytest.fail(f"the SBOM corpus must be beside the checkout at {CORPUS}")
    return {fmt: ingest(CORPUS / "spdx" / "formats" / name) for fmt, name in FORMATS.items()}


def test_every_format_is_detected_as_itself(
    by_format: dict[DocumentFormat, ParsedDocument],
) -> None:
    assert {fmt: doc.info.format for fmt, doc in by_format.items()} == {f: f for f in FORMATS}


def unscoped(doc: ParsedDocument, text: str) -> str:
    """Document-scoped keys embed the document id, which differs between the files."""
    return text.replace(f"{doc.info.id}/", "doc/")


def test_every_format_yields_the_same_graph(
    by_format: dict[DocumentFormat, ParsedDocument],
) -> None:
    shapes = {
        fmt: (
            sorted((n.kind.value, unscoped(doc, n.key)) for n in doc.nodes),
            sorted(tuple(unscoped(doc, part) for part in e.identity) for e in doc.edges),
            (doc.info.name, doc.info.serial, doc.info.lineage, doc.info.created),
        )
        for fmt, doc in by_format.items()
    }
    reference = shapes[DocumentFormat.SPDX_JSON]
    assert all(shape == reference for shape in shapes.values()), shapes
    assert ("Product", "product:glibc@2.11.1") in reference[0]
    assert ("product:glibc@2.11.1", "DEPENDS_ON", reference[1][0][2], "dynamic-link") in [
        e for e in reference[1] if e[1] == "DEPENDS_ON"
    ]


def test_text_formats_agree_on_every_field(by_format: dict[DocumentFormat, ParsedDocument]) -> None:
    # RDF is left out: spdx-tools re-orders licence expressions ("A OR B" -> "B OR A").
    def content(doc: ParsedDocument) -> list[str]:
        dumps = (n.model_dump_json(exclude={"provenance"}) for n in doc.nodes)
        return sorted(unscoped(doc, text) for text in dumps)

    reference = content(by_format[DocumentFormat.SPDX_JSON])
    for fmt in (DocumentFormat.SPDX_YAML, DocumentFormat.SPDX_XML, DocumentFormat.SPDX_TAG_VALUE):
        assert content(by_format[fmt]) == reference, fmt
    glibc = next(n for n in by_format[DocumentFormat.SPDX_JSON].nodes if n.name == "glibc")
    assert isinstance(glibc, ProductNode)
    assert glibc.component_type is ComponentType.SOURCE
    assert glibc.licenses == ("(LGPL-2.0-only OR LicenseRef-3)", "(LGPL-2.0-only AND LicenseRef-3)")
    assert [h.algorithm for h in glibc.hashes] == ["BLAKE2B-384", "MD5", "SHA-1", "SHA-256"]
    assert glibc.cpes == ("cpe:2.3:a:pivotal_software:spring_framework:4.1.0:*:*:*:*:*:*:*",)


def test_locations_follow_the_syntax(by_format: dict[DocumentFormat, ParsedDocument]) -> None:
    def where(fmt: DocumentFormat) -> str | None:
        node = next(n for n in by_format[fmt].nodes if n.name == "Saxon")
        return node.provenance.location

    assert where(DocumentFormat.SPDX_JSON) == "/packages/3"
    assert where(DocumentFormat.SPDX_XML) == "/Document/packages[4]"
    assert where(DocumentFormat.SPDX_TAG_VALUE) == "line 189"
    assert str(where(DocumentFormat.SPDX_RDF)).endswith("#SPDXRef-Saxon>")


# --- one small asset per failure mode -------------------------------------------------------

FINDINGS = [
    ("missing-created.spdx.json", "DQ-SPDX-MISSING-FIELD", "creationInfo.created is missing"),
    (
        "fractional-timestamp.spdx.json",
        "DQ-SPDX-TIMESTAMP",
        "created '2022-11-17T10:26:31.274708288Z' has fractional seconds",
    ),
    ("timestamp-no-zone.spdx.json", "DQ-SPDX-TIMESTAMP", "has no time zone (read as UTC)"),
    (
        "dangling-relationship.spdx.json",
        "DQ-DANGLING-REF",
        "SPDXRef-app DEPENDS_ON SPDXRef-ghost: 'SPDXRef-ghost' is not in this document; dropped",
    ),
    (
        "lowercase-describes.spdx21.spdx",
        "DQ-SPDX-RELATIONSHIP",
        "relationship type 'describes' is not spelled as in the spec; read as DESCRIBES",
    ),
    (
        "versioninfo-number.spdx.yaml",
        "DQ-SPDX-FIELD",
        "versionInfo is a number (2), not a string; read as '2'",
    ),
    (
        "originator-without-prefix.spdx.json",
        "DQ-SPDX-ACTOR",
        "originator 'Georg Brandl <georg@python.org>' has no 'Person:' or 'Organization:' prefix",
    ),
    (
        "unknown-relationship-type.spdx.json",
        "DQ-SPDX-RELATIONSHIP",
        "unknown relationship type 'DESCRIBE' (SPDXRef-DOCUMENT -> SPDXRef-app); ignored",
    ),
    (
        "one-download-location-missing.spdx.json",
        "DQ-SPDX-MISSING-FIELD",
        "downloadLocation is missing on 1 of 2 packages (mandatory in SPDX-2.3)",
    ),
    ("no-subject.spdx.json", "DQ-NO-SUBJECT", "no package is described"),
    ("unclosed-text.spdx", "DQ-SPDX-TAG", "PackageDescription: <text> is never closed"),
]


@pytest.mark.parametrize(("name", "code", "message"), FINDINGS, ids=[f[0] for f in FINDINGS])
def test_deviation_is_a_finding(name: str, code: str, message: str) -> None:
    doc = ingest(ASSETS / name)

    matching = [f for f in doc.findings if f.code == code and message in f.message]
    assert matching, [(f.code, f.message) for f in doc.findings]
    assert matching[0].severity is Severity.MEDIUM
    assert_well_formed(doc)


REFUSALS = [
    (
        "missing-document-spdxid.spdx.json",
        "document has no SPDXID: it must be 'SPDXRef-DOCUMENT'",
    ),
    (
        "missing-package-spdxid.spdx.json",
        "packages[1] ('left-pad') has no SPDXID, so relationships cannot refer to it",
    ),
    ("spdx-version-int.spdx.json", "spdxVersion is 2 (int), expected a string like 'SPDX-2.3'"),
    ("spdx-version-1.2.spdx.json", "spdxVersion 'SPDX-1.2' is not SPDX 2.x"),
    ("no-download-location.spdx.json", "'downloadLocation' is missing from all 2 packages"),
    ("no-packages-no-files.spdx.json", "no packages and no files: nothing to ingest"),
    ("packages-not-a-list.spdx.json", "packages is a dict, expected a list"),
]


@pytest.mark.parametrize(("name", "reason"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_unusable_document_is_refused(name: str, reason: str) -> None:
    with pytest.raises(Refused) as caught:
        ingest(ASSETS / name)

    assert caught.value.reason.startswith(reason), caught.value.reason
    assert "\n" not in str(caught.value)


def test_lowercase_describes_still_finds_the_subject() -> None:
    doc = ingest(ASSETS / "lowercase-describes.spdx21.spdx")

    assert doc.info.spec_version == "SPDX-2.1"
    (product,) = software(doc)
    assert product.key == "product:usbutils@013" and product.provenance.location == "line 10"
    assert "DQ-NO-SUBJECT" not in codes(doc)


def test_unknown_relationship_type_leaves_no_subject() -> None:
    doc = ingest(ASSETS / "unknown-relationship-type.spdx.json")

    assert {n.kind for n in software(doc)} == {NodeKind.COMPONENT}
    assert codes(doc)["DQ-NO-SUBJECT"] == 1


def test_minimal_document_maps_to_the_expected_records() -> None:
    doc = ingest(ASSETS / "valid-minimal.spdx.json")

    assert [(n.kind, n.key) for n in doc.nodes] == [
        (NodeKind.COMPONENT, "component:pkg:npm/left-pad@1.3.0"),
        (NodeKind.PRODUCT, "product:pkg:npm/tiny-app@1.0"),
        (NodeKind.VENDOR, "vendor:tiny"),
    ]
    assert [(e.identity, e.provenance.location) for e in doc.edges] == [
        (
            ("product:pkg:npm/tiny-app@1.0", "CONTAINS", "component:pkg:npm/left-pad@1.3.0", ""),
            "/packages/1",
        ),
        (
            ("product:pkg:npm/tiny-app@1.0", "DEPENDS_ON", "component:pkg:npm/left-pad@1.3.0", ""),
            "/relationships/0",
        ),
        (
            ("product:pkg:npm/tiny-app@1.0", "SUPPLIED_BY", "vendor:tiny", "supplier"),
            "/packages/0/supplier",
        ),
    ]
    info = doc.info
    assert (info.format, info.spec_version, info.name) == (
        DocumentFormat.SPDX_JSON,
        "SPDX-2.3",
        "tiny-app",
    )
    assert info.serial == "https://example.com/spdx/tiny-app-1.0"
    assert info.lineage == "spdx:pkg:npm/tiny-app"
    assert info.created == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert info.ingested_at is None and info.path.endswith("valid-minimal.spdx.json")
    assert doc.findings == ()
    assert ingest(ASSETS / "valid-minimal.spdx.json") == doc  # deterministic


def test_single_package_xml_reads_lists_and_booleans() -> None:
    doc = ingest(ASSETS / "single-package.spdx.xml")

    (product,) = software(doc)
    assert product.key == "product:pkg:pypi/one-package@3.1"
    assert [(h.algorithm, h.value[:8]) for h in product.hashes] == [("SHA-256", "11b6d3ee")]
    assert doc.info.format is DocumentFormat.SPDX_XML
