"""CycloneDX ingest over the shared corpus: real files ingest, invalid ones are refused."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from graph.model import ComponentNode, ParsedDocument, ProductNode
from graph.vocabulary import DocumentFormat, EdgeKind, NodeKind
from ingest import cyclonedx
from ingest.detect import detect
from ingest.source import RawDocument, Refused

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"


def _manifest() -> dict[str, dict[str, Any]]:
    path = CORPUS / "manifest.json"
    if not path.exists():
        return {}
    return {entry["file"]: entry for entry in json.loads(path.read_text(encoding="utf-8"))}


MANIFEST = _manifest()
CYCLONEDX_FILES = sorted(f for f in MANIFEST if f.startswith("cyclonedx/"))

# Files whose component entries repeat an identity (the same purl listed at several
# paths, as npm and syft do, or differing only in qualifiers such as ?type=jar): the
# graph holds one node per identity. Counted once from the raw files (distinct purls
# without qualifiers; bom-ref for entries without a purl).
DISTINCT_COMPONENTS = {
    "cyclonedx/json/juice-shop-16.0.0.cyclonedx-npm.cdx14.json": 975,
    "cyclonedx/json/juice-shop-npm-bare.cdx13.json": 978,
    "cyclonedx/json/juice-shop-npm-flat.cdx14.json": 978,
    "cyclonedx/json/keycloak-10.0.2.cdx12.json": 902,
    "cyclonedx/json/mongo.syft.cdx14.json": 174,
    "cyclonedx/json/obom-keycloak-with-os.cdx14.json": 903,
    "cyclonedx/xml/juice-shop-16.0.0.cyclonedx-npm.cdx14.xml": 975,
    "cyclonedx/xml/juice-shop-npm-flat.cdx14.xml": 978,
    "cyclonedx/xml/keycloak-10.0.2.cdx12.xml": 902,
}

# Every CycloneDX-ish file under invalid/, with what its one-line refusal must say.
INVALID = {
    "invalid/cyclonedx-spec/invalid-bomformat-1.6.json": "bomFormat is 'AnotherFormat'",
    "invalid/cyclonedx-spec/invalid-component-type-1.6.json": (
        "components[0].type 'foo' is not a CycloneDX 1.6 component type"
    ),
    "invalid/cyclonedx-spec/invalid-dependency-1.6.json": "dependencies[0] has no ref",
    "invalid/cyclonedx-spec/invalid-hash-sha256-1.6.json": (
        "components[0].hashes[2].content 'foo' is not a valid SHA-256 digest"
    ),
    "invalid/cyclonedx-spec/invalid-metadata-timestamp-1.6.json": (
        "metadata.timestamp '2020-04-13' is not an RFC 3339 date-time"
    ),
    "invalid/cyclonedx-spec/invalid-namespace-1.6.xml": "is not in a CycloneDX namespace",
    "invalid/cyclonedx-spec/invalid-properties-1.6.xml": (
        "/bom/metadata/properties/property[1] has no name (and 7 more structural schema errors)"
    ),
    "invalid/cyclonedx-spec/invalid-serialnumber-1.6.json": (
        "serialNumber 'urn:uuid:3e671687-395b-41f5-a30f' is not a urn:uuid"
    ),
    "invalid/guac/invalid-cyclonedx.bomformat-CDX.json": "bomFormat is 'CDX'",
    "invalid/guac/invalid-cyclonedx.truncated.xml": "invalid XML",
    "invalid/real-world/sbomqs-cdx14-invalid.syft.cdx14.json": (
        "components[22].licenses[0].license has neither an SPDX licence id nor a name"
    ),
}


def ingest(relative: str) -> ParsedDocument:
    """Detect then parse, as the pipeline does; the path is shown relative to the corpus."""
    raw = RawDocument.of(relative, (CORPUS / relative).read_bytes())
    detected = detect(raw)
    return cyclonedx.parse(raw, detected.format, detected.payload)


def test_the_corpus_is_there() -> None:
    assert MANIFEST, f"the SBOM corpus must be beside the checkout at {CORPUS}"
    assert len(CYCLONEDX_FILES) >= 39


@pytest.mark.parametrize("relative", CYCLONEDX_FILES)
def test_every_cyclonedx_file_ingests(relative: str) -> None:
    entry = MANIFEST[relative]
    doc = ingest(relative)

    expected_format = {
        "CycloneDX-JSON": DocumentFormat.CYCLONEDX_JSON,
        "CycloneDX-XML": DocumentFormat.CYCLONEDX_XML,
    }[entry["format"]]
    assert doc.info.format is expected_format
    assert doc.info.spec_version == entry["spec"]
    assert doc.info.sha256 == entry["sha256"]
    components = [n for n in doc.nodes if isinstance(n, ComponentNode)]
    assert len(components) == DISTINCT_COMPONENTS.get(relative, entry["components"])
    assert_well_formed(doc, xml=expected_format is DocumentFormat.CYCLONEDX_XML)


def assert_well_formed(doc: ParsedDocument, *, xml: bool) -> None:
    """Invariants of every mapped document."""
    keys = [n.key for n in doc.nodes]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    identities = [e.identity for e in doc.edges]
    assert identities == sorted(identities)
    assert len(set(identities)) == len(identities)
    prefix = "/bom" if xml else "/"
    for record in (*doc.nodes, *doc.edges):
        assert record.provenance.document_id == doc.info.id
        assert record.provenance.sha256 == doc.info.sha256
        assert record.provenance.location is not None
        assert record.provenance.location.startswith(prefix)
    products = [n for n in doc.nodes if isinstance(n, ProductNode)]
    assert len(products) <= 1
    contained = {e.target for e in doc.edges if e.kind is EdgeKind.CONTAINS}
    if products:  # every component hangs off the product, directly or through a parent
        assert contained == {n.key for n in doc.nodes if n.kind is NodeKind.COMPONENT}


@pytest.mark.parametrize(("relative", "expected"), sorted(INVALID.items()))
def test_every_invalid_cyclonedx_file_is_refused_with_a_specific_line(
    relative: str, expected: str
) -> None:
    with pytest.raises(Refused) as caught:
        ingest(relative)
    line = str(caught.value)
    assert line.startswith(f"{relative}: ")
    assert expected in line
    assert "\n" not in line


def test_the_invalid_list_covers_every_cyclonedx_file_under_invalid() -> None:
    cyclonedx_ish = {
        f
        for f, entry in MANIFEST.items()
        if f.startswith("invalid/") and "spdx" not in f and "SPDX" not in entry["format"]
    }
    assert cyclonedx_ish == set(INVALID) | {_DISTROLESS}


_DISTROLESS = "invalid/guac/distroless.invalid-version.cdx14.json"


def test_a_container_named_by_a_mutable_tag_is_refused() -> None:
    # Schema-valid, but the subject (a container image) is named only by the tag 'nonroot':
    # no digest, purl or hash ties the SBOM to an image, so nothing can be deployed from it.
    with pytest.raises(Refused) as caught:
        ingest(_DISTROLESS)
    line = str(caught.value)
    assert line.startswith(
        f"{_DISTROLESS}: metadata.component is a container named by the mutable tag 'nonroot'"
    )


def test_a_container_versioned_by_digest_ingests() -> None:
    doc = ingest("cyclonedx/json/mongo.syft.cdx14.json")
    assert doc.nodes


@pytest.mark.parametrize(
    ("relative", "codes"),
    [
        ("cyclonedx/json/obom-keycloak-with-os.cdx14.json", {"DQ-SCHEMA": 51}),
        ("cyclonedx/json/guac-test.cdx17.json", {"DQ-SCHEMA": 1}),
        ("cyclonedx/xml/laravel.composer.cdx13.xml", {"DQ-SCHEMA": 1}),
        ("cyclonedx/xml/guac-vex.cdx15.xml", {"DQ-NO-SUBJECT": 1, "DQ-DANGLING-REF": 1}),
        ("cyclonedx/xml/laravel-7.12.0.cdx11.xml", {"DQ-NO-SUBJECT": 1}),
        ("cyclonedx/json/juice-shop-npm-flat.cdx14.json", {}),
        ("cyclonedx/xml/keycloak-10.0.2.cdx12.xml", {}),
    ],
)
def test_real_deviations_become_findings(relative: str, codes: dict[str, int]) -> None:
    doc = ingest(relative)
    assert Counter(f.code for f in doc.findings) == Counter(codes)


def test_iri_reference_failures_are_advisory_and_located() -> None:
    doc = ingest("cyclonedx/json/obom-keycloak-with-os.cdx14.json")
    first = doc.findings[0]
    assert first.location == "/components/5/externalReferences/3/url"
    assert 'is not a "iri-reference"' in first.message
    # 55 errors, 50 listed, one summary line for the rest
    assert doc.findings[-1].message == "5 more DQ-SCHEMA findings not listed"


def test_xml_1_1_without_metadata_ingests() -> None:
    doc = ingest("cyclonedx/xml/laravel-7.12.0.cdx11.xml")
    assert doc.info.spec_version == "1.1"
    assert doc.info.lineage == doc.info.id  # no subject, no serial number
    assert doc.info.name == "laravel-7.12.0.cdx11.xml"


def test_vex_affects_a_bom_link_into_another_document() -> None:
    doc = ingest("cyclonedx/xml/guac-vex.cdx15.xml")
    (vuln,) = doc.nodes
    assert vuln.key == "vuln:CVE-2018-7489"
    assert doc.edges == ()
    (dangling,) = [f for f in doc.findings if f.code == "DQ-DANGLING-REF"]
    assert "BOM-Link" in dangling.message
    assert dangling.location == "/bom/vulnerabilities/vulnerability[1]/affects/target[1]"


@pytest.mark.parametrize(
    ("json_file", "xml_file"),
    [
        ("cyclonedx/spec-valid/valid-bom-1.6.json", "cyclonedx/spec-valid/valid-bom-1.6.xml"),
        (
            "cyclonedx/spec-valid/valid-component-types-1.6.json",
            "cyclonedx/spec-valid/valid-component-types-1.6.xml",
        ),
        (
            "cyclonedx/json/juice-shop-npm-flat.cdx14.json",
            "cyclonedx/xml/juice-shop-npm-flat.cdx14.xml",
        ),
    ],
)
def test_the_same_bom_as_json_and_xml_maps_to_the_same_records(
    json_file: str, xml_file: str
) -> None:
    from_json, from_xml = ingest(json_file), ingest(xml_file)
    assert without_provenance(from_json) == without_provenance(from_xml)


def without_provenance(doc: ParsedDocument) -> tuple[list[Any], list[Any]]:
    def clean(record: Any) -> Any:
        return json.loads(
            record.model_dump_json(exclude={"provenance"}).replace(doc.info.id, "DOC")
        )

    return [clean(n) for n in doc.nodes], [clean(e) for e in doc.edges]


def test_ingesting_twice_gives_identical_records() -> None:
    relative = "cyclonedx/json/quarkus.maven.cdx14.json"
    assert ingest(relative) == ingest(relative)
