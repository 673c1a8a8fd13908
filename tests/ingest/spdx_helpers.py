"""Shared helpers of the SPDX ingest tests."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from graph.model import ComponentNode, ParsedDocument, ProductNode
from ingest import spdx
from ingest.detect import detect
from ingest.source import RawDocument

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
