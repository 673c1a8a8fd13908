"""SPDX 3.0 / 3.0.1 JSON-LD ingest: the corpus, the mapping and the refusals."""

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
from graph.vocabulary import ComponentType, DocumentFormat, EdgeKind, NodeKind
from ingest import spdx3
from ingest.detect import detect
from ingest.source import RawDocument, Refused

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
ASSETS = REPO / "tests" / "assets" / "spdx"


def ingest(path: Path) -> ParsedDocument:
    """Detect then parse, exactly as the pipeline does."""
    raw = RawDocument.read(path, 1 << 28)
    detected = detect(raw)
    assert detected.format is DocumentFormat.SPDX3_JSONLD
    return spdx3.parse(raw, detected.format, detected.payload)


def corpus_entries() -> list[dict[str, Any]]:
    manifest = CORPUS / "manifest.json"
    if not manifest.exists():
        return []
    return [e for e in json.loads(manifest.read_text()) if e["file"].startswith("spdx3/")]


def software(doc: ParsedDocument) -> list[ProductNode | ComponentNode]:
    return [n for n in doc.nodes if isinstance(n, ProductNode | ComponentNode)]


def findings(doc: ParsedDocument) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in doc.findings]


@pytest.mark.parametrize("entry", corpus_entries(), ids=lambda e: e["file"])
def test_corpus_file_ingests_with_every_package(entry: dict[str, Any]) -> None:
    doc = ingest(CORPUS / entry["file"])

    assert len(software(doc)) == entry["components"]
    assert doc.info.format is DocumentFormat.SPDX3_JSONLD
    keys = [n.key for n in doc.nodes]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert [e.identity for e in doc.edges] == sorted(e.identity for e in doc.edges)
    assert all(e.source in keys and e.target in keys for e in doc.edges)
    assert all(r.provenance.location for r in (*doc.nodes, *doc.edges))
    assert sum(n.kind is NodeKind.PRODUCT for n in doc.nodes) == 1


def test_corpus_is_present() -> None:
    if not CORPUS.exists():
        pytest.fail(f"the SBOM corpus must be beside the checkout at {CORPUS}")
    assert len(corpus_entries()) == 3


def test_sbom_tool_30_deviations_are_findings() -> None:
    path = CORPUS / "spdx3" / "msft-sbom-tool-sample.spdx30.jsonld"
    if not path.exists():
        pytest.fail(f"the SBOM corpus must be beside the checkout at {CORPUS}")
    doc = ingest(path)

    assert doc.info.spec_version == "3.0"
    messages = dict(Counter(code for code, _ in findings(doc)))
    assert messages["DQ-SPDX-RELATIONSHIP"] >= 3  # upper-case types + describes from nowhere
    assert (
        "DQ-SPDX-FIELD",
        "externalIdentifierType 'purl' should be 'packageUrl' (267 times, first shown)",
    ) in findings(doc)
    assert any(c == "DQ-SPDX-ACTOR" and "'Organization: Microsoft'" in m for c, m in findings(doc))
    assert {n.key for n in doc.nodes if n.kind is NodeKind.VENDOR} == {"vendor:microsoft"}
    assert sum(e.kind is EdgeKind.DEPENDS_ON for e in doc.edges) == 266
    assert doc.info.lineage == "spdx:pkg:swid/Microsoft/spdx.org/sbom-tool%20sample"


def test_cavil_subject_is_found_through_the_sbom_root() -> None:
    path = CORPUS / "spdx3" / "perl-Mojolicious.suse-cavil.spdx301.jsonld"
    if not path.exists():
        pytest.fail(f"the SBOM corpus must be beside the checkout at {CORPUS}")
    doc = ingest(path)

    (product,) = software(doc)
    assert product.key == "product:pkg:generic/perl-Mojolicious@9.470.0"
    assert product.component_type is ComponentType.SOURCE
    assert product.hashes[0].algorithm == "SHA-512"
    assert doc.info.serial == "http://legaldb.suse.de/spdx/535531#document"
    assert doc.info.spec_version == "3.0.1"
    assert ("DQ-SPDX-FILES", "411 files/snippets are not nodes") in findings(doc)


def test_minimal_document_maps_every_field() -> None:
    doc = ingest(ASSETS / "spdx3-minimal.spdx3.jsonld")

    app = next(n for n in software(doc) if n.name == "tiny-app")
    lib = next(n for n in software(doc) if n.name == "left-pad")
    assert isinstance(app, ProductNode) and isinstance(lib, ComponentNode)
    assert app.key == "product:pkg:npm/tiny-app@2.0"
    assert app.component_type is ComponentType.APPLICATION
    assert [(h.algorithm, h.value) for h in app.hashes] == [("SHA-256", "abcdef")]
    assert lib.key == "component:pkg:npm/left-pad@1.3.0"
    assert lib.cpes == ("cpe:2.3:a:left-pad:left-pad:1.3.0:*:*:*:*:*:*:*",)
    assert lib.licenses == ("MIT",)
    assert {e.identity for e in doc.edges} == {
        (app.key, "CONTAINS", lib.key, ""),
        (app.key, "DEPENDS_ON", lib.key, "runtime"),
        (app.key, "SUPPLIED_BY", "vendor:acme", "supplier"),
        (lib.key, "SUPPLIED_BY", "vendor:azer-koculu", "originator"),
    }
    assert doc.info.created == datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert doc.info.name == "tiny-3" and doc.info.lineage == "spdx:pkg:npm/tiny-app"
    assert app.provenance.location == "/@graph/4"
    codes = [code for code, _ in findings(doc)]
    assert "DQ-DANGLING-REF" in codes and "DQ-SPDX-RELATIONSHIP" in codes
    assert ingest(ASSETS / "spdx3-minimal.spdx3.jsonld") == doc


REFUSALS = [
    ("spdx3-no-graph.spdx3.jsonld", "no '@graph' list: not an SPDX 3 JSON-LD serialisation"),
    ("spdx3-no-spec-version.spdx3.jsonld", "no CreationInfo has a specVersion"),
    ("spdx3-spec-version-2.spdx3.jsonld", "specVersion '2.3' is not SPDX 3.x"),
    ("spdx3-package-without-id.spdx3.jsonld", "package 'left-pad' at /@graph/5 has no spdxId"),
    ("spdx3-no-packages.spdx3.jsonld", "no software_Package and no software_File"),
]


@pytest.mark.parametrize(("name", "reason"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_unusable_document_is_refused(name: str, reason: str) -> None:
    with pytest.raises(Refused) as caught:
        ingest(ASSETS / name)

    assert caught.value.reason.startswith(reason), caught.value.reason
    assert "\n" not in str(caught.value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = [
    "type", "spdxId", "@id", "name", "specVersion", "created", "rootElement", "from", "to",
    "relationshipType", "suppliedBy", "originatedBy", "externalIdentifier", "verifiedUsing",
    "software_packageUrl", "software_primaryPurpose", "software_packageVersion", "scope",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.sampled_from(FIELDS), json_values), max_size=4))
def test_any_values_give_records_or_a_refusal(changes: list[tuple[int, str, Any]]) -> None:
    payload = json.loads((ASSETS / "spdx3-minimal.spdx3.jsonld").read_text())
    for index, field, value in changes:
        payload["@graph"][index][field] = value
    raw = RawDocument.of("fuzz.jsonld", json.dumps(payload).encode())
    try:
        doc = spdx3.parse(raw, DocumentFormat.SPDX3_JSONLD, payload)
    except Refused as refused:
        assert "\n" not in str(refused)
    else:
        keys = {n.key for n in doc.nodes}
        assert all(e.source in keys and e.target in keys for e in doc.edges)
