"""SPDX 2.x ingest: the corpus, refusals, format equivalence, one asset per failure mode."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.model import ComponentNode, ParsedDocument, ProductNode
from graph.vocabulary import ComponentType, DocumentFormat, EdgeKind, NodeKind, Severity
from ingest import spdx
from ingest.detect import detect
from ingest.source import RawDocument, Refused

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
ASSETS = REPO / "tests" / "assets" / "spdx"
MAX_BYTES = 1 << 28


def ingest(path: Path) -> ParsedDocument:
    """Detect then parse, exactly as the pipeline does."""
    raw = RawDocument.read(path, MAX_BYTES)
    detected = detect(raw)
    return spdx.parse(raw, detected.format, detected.payload)


def ingest_dict(document: dict[str, Any]) -> ParsedDocument:
    raw = RawDocument.of("inline.spdx.json", json.dumps(document).encode())
    detected = detect(raw)
    return spdx.parse(raw, detected.format, detected.payload)


def corpus_entries(prefix: str) -> list[dict[str, Any]]:
    manifest = CORPUS / "manifest.json"
    if not manifest.exists():
        return []
    entries = json.loads(manifest.read_text())
    return [e for e in entries if e["file"].startswith(prefix)]


def software(doc: ParsedDocument) -> list[ProductNode | ComponentNode]:
    return [n for n in doc.nodes if isinstance(n, ProductNode | ComponentNode)]


def codes(doc: ParsedDocument) -> Counter[str]:
    return Counter(f.code for f in doc.findings)


def assert_well_formed(doc: ParsedDocument) -> None:
    """Invariants every parsed document keeps, whatever its input."""
    keys = [n.key for n in doc.nodes]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys), "node keys must be unique"
    identities = [e.identity for e in doc.edges]
    assert identities == sorted(identities)
    assert len(set(identities)) == len(identities), "edges must be de-duplicated"
    for edge in doc.edges:
        assert edge.source in set(keys) and edge.target in set(keys), edge.identity
        assert edge.source != edge.target
    for record in (*doc.nodes, *doc.edges):
        assert record.provenance.document_id == doc.info.id
        assert record.provenance.sha256 == doc.info.sha256
        assert record.provenance.location, record
    assert all(f.document_id == doc.info.id for f in doc.findings)


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


# --- mapping rules on inline documents --------------------------------------------------------


def document(
    packages: list[dict[str, Any]], relationships: list[tuple[str, str, str]], **extra: Any
) -> dict[str, Any]:
    return {
        "spdxVersion": "SPDX-2.3",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "inline",
        "dataLicense": "CC0-1.0",
        "documentNamespace": "https://example.com/inline",
        "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: test"]},
        "packages": [
            {"SPDXID": f"SPDXRef-{name}", "name": name, "downloadLocation": "NOASSERTION", **fields}
            for name, fields in ((p.pop("name"), p) for p in packages)
        ],
        "relationships": [
            {
                "spdxElementId": f"SPDXRef-{a}",
                "relationshipType": t,
                "relatedSpdxElement": f"SPDXRef-{b}",
            }
            for a, t, b in relationships
        ],
        **extra,
    }


def edges_of(doc: ParsedDocument, kind: EdgeKind) -> set[tuple[str, str, str]]:
    short = {n.key: n.name for n in doc.nodes}
    return {(short[e.source], short[e.target], e.role) for e in doc.edges if e.kind is kind}


def test_reverse_relationship_types_point_from_dependant_to_dependency() -> None:
    doc = ingest_dict(
        document(
            [{"name": "app"}, {"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}],
            [
                ("DOCUMENT", "DESCRIBES", "app"),
                ("a", "DEPENDENCY_OF", "app"),
                ("b", "RUNTIME_DEPENDENCY_OF", "app"),
                ("app", "STATIC_LINK", "c"),
                ("d", "CONTAINED_BY", "c"),
            ],
        )
    )

    assert edges_of(doc, EdgeKind.DEPENDS_ON) == {
        ("app", "a", ""),
        ("app", "b", "runtime"),
        ("app", "c", "static-link"),
    }
    assert ("c", "d", "") in edges_of(doc, EdgeKind.CONTAINS)
    assert {t for s, t, _ in edges_of(doc, EdgeKind.CONTAINS) if s == "app"} == {"a", "b", "c", "d"}


def test_several_products_contain_what_they_reach_and_share_the_rest() -> None:
    doc = ingest_dict(
        document(
            [
                {"name": "one"},
                {"name": "two"},
                {"name": "lib1"},
                {"name": "lib2"},
                {"name": "stray"},
            ],
            [("one", "DEPENDS_ON", "lib1"), ("two", "DEPENDS_ON", "lib2")],
            documentDescribes=["SPDXRef-one", "SPDXRef-two"],
        )
    )

    contains = edges_of(doc, EdgeKind.CONTAINS)
    assert contains == {
        ("one", "lib1", ""),
        ("two", "lib2", ""),
        ("one", "stray", ""),
        ("two", "stray", ""),
    }
    assert doc.info.lineage == "spdx:one"


def test_relationships_through_files_map_to_the_owning_package() -> None:
    spec = document(
        [{"name": "app", "hasFiles": ["SPDXRef-main.c"]}, {"name": "zlib"}],
        [
            ("DOCUMENT", "DESCRIBES", "app"),
            ("main.c", "STATIC_LINK", "zlib"),
            ("app", "CONTAINS", "main.c"),
        ],
        files=[{"SPDXID": "SPDXRef-main.c", "fileName": "./main.c", "checksums": []}],
    )
    doc = ingest_dict(spec)

    assert edges_of(doc, EdgeKind.DEPENDS_ON) == {("app", "zlib", "static-link")}
    assert codes(doc)["DQ-DANGLING-REF"] == 0


def test_duplicate_purls_merge_into_one_node() -> None:
    purl = [
        {
            "referenceCategory": "PACKAGE_MANAGER",
            "referenceType": "purl",
            "referenceLocator": "pkg:pypi/six@1.16.0",
        }
    ]
    doc = ingest_dict(
        document(
            [
                {"name": "app"},
                {"name": "six", "externalRefs": purl},
                {"name": "six2", "externalRefs": purl},
            ],
            [("DOCUMENT", "DESCRIBES", "app"), ("app", "DEPENDS_ON", "six2")],
        )
    )

    assert [n.key for n in software(doc)] == ["component:pkg:pypi/six@1.16.0", "product:app"]
    assert ("app", "six", "") in edges_of(doc, EdgeKind.DEPENDS_ON)
    assert codes(doc)["DQ-SPDX-DUPLICATE"] == 1


def test_noassertion_suppliers_and_licences_are_not_data() -> None:
    doc = ingest_dict(
        document(
            [
                {
                    "name": "app",
                    "supplier": "NOASSERTION",
                    "licenseConcluded": "NOASSERTION",
                    "licenseDeclared": "NONE",
                }
            ],
            [("DOCUMENT", "DESCRIBES", "app")],
        )
    )

    (product,) = software(doc)
    assert product.licenses == ()
    assert not any(n.kind is NodeKind.VENDOR for n in doc.nodes)
    assert not any(f.code == "DQ-SPDX-ACTOR" for f in doc.findings)


def test_a_7346_package_document_maps_completely() -> None:
    packages: list[dict[str, Any]] = [{"name": "image"}]
    relationships = [("DOCUMENT", "DESCRIBES", "image")]
    for i in range(1, 7346):
        ref = {
            "referenceCategory": "PACKAGE-MANAGER",
            "referenceType": "purl",
            "referenceLocator": f"pkg:npm/p{i}@1.{i}",
        }
        packages.append(
            {
                "name": f"p{i}",
                "versionInfo": f"1.{i}",
                "externalRefs": [ref],
                "supplier": f"Organization: V{i % 40}",
            }
        )
        relationships.append(("image" if i < 50 else f"p{i // 50}", "DEPENDS_ON", f"p{i}"))
    raw = RawDocument.of("big.spdx.json", json.dumps(document(packages, relationships)).encode())
    detected = detect(raw)

    doc = spdx.parse(raw, detected.format, detected.payload)

    assert len(software(doc)) == 7346


# --- robustness: whatever the values, a result or a one-line refusal ----------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
PATHS = [
    ("spdxVersion",), ("SPDXID",), ("name",), ("creationInfo",), ("creationInfo", "created"),
    ("documentDescribes",), ("packages",), ("packages", 0), ("packages", 0, "SPDXID"),
    ("packages", 0, "name"), ("packages", 0, "versionInfo"), ("packages", 0, "supplier"),
    ("packages", 0, "externalRefs"), ("packages", 0, "checksums"), ("packages", 0, "hasFiles"),
    ("packages", 1, "primaryPackagePurpose"), ("packages", 1, "licenseConcluded"),
    ("relationships",), ("relationships", 0), ("relationships", 0, "relationshipType"),
    ("relationships", 0, "relatedSpdxElement"), ("files",),
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PATHS), json_values), min_size=1, max_size=4))
def test_any_values_give_records_or_a_refusal(changes: list[tuple[tuple[Any, ...], Any]]) -> None:
    doc = json.loads((ASSETS / "valid-minimal.spdx.json").read_text())
    for path, value in changes:
        target: Any = doc
        for step in path[:-1]:
            try:
                target = target[step]
            except (KeyError, IndexError, TypeError):
                break
        else:
            last = path[-1]
            settable = isinstance(target, dict) and isinstance(last, str)
            settable |= isinstance(target, list) and isinstance(last, int) and last < len(target)
            if settable:
                target[last] = value
    try:
        parsed = ingest_dict(doc)
    except Refused as refused:
        assert "\n" not in str(refused)
    else:
        assert_well_formed(parsed)
