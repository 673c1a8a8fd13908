"""The storage-row fast path (``load_file``) asserts exactly what ``parse_file`` does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.model import ComponentNode, Hash, Provenance
from graph.records import BodyTemplate, DocumentRecords, edge_rows_of, node_body, node_rows_of
from graph.vocabulary import BootStart, ComponentType, Privilege
from ingest.pipeline import load_file, parse_file
from ingest.source import IngestError

PROVENANCE = Provenance(document_id="doc-1", sha256="ab" * 32, location="/components/0")
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
CDX = sorted((CORPUS / "cyclonedx").rglob("*.json")) + sorted((CORPUS / "cyclonedx").rglob("*.xml"))


@pytest.mark.parametrize("path", CDX, ids=lambda p: p.name)
def test_rows_are_the_rows_of_the_parsed_records(path: Path) -> None:
    try:
        loaded = load_file(path)
    except IngestError as e:  # refused files are refused by both paths alike
        with pytest.raises(IngestError, match=re.escape(str(e))):
            parse_file(path)
        return
    assert isinstance(loaded, DocumentRecords)
    parsed = parse_file(path)
    assert loaded.parsed() == parsed
    assert sorted(loaded.node_rows) == node_rows_of(parsed.nodes)  # parsed: sorted records
    assert sorted(loaded.edge_rows) == edge_rows_of(parsed.edges)
    assert dict(loaded.kind_counts()) == {
        k: sum(1 for n in parsed.nodes if n.kind.value == k) for k in loaded.kind_counts()
    }


def test_body_template_writes_what_pydantic_writes() -> None:
    fields = {
        "name": 'Ünïcode "quoted" \\ \t\n\x01 name',
        "version": "1.0",
        "cpes": ("cpe:2.3:a:x:y:1:*:*:*:*:*:*:*",),
        "component_type": ComponentType.DEVICE_DRIVER,
        "hashes": ({"algorithm": "SHA-256", "value": "ab"},),
        "licenses": ("MIT", "Apache-2.0"),
        "privilege": Privilege.KERNEL,
        "boot_start": BootStart.BOOT,
        "platforms": ("windows",),
        "crash_loop_guard": False,
    }
    node = ComponentNode.model_validate(
        {
            **fields,
            "key": "component:x",
            "provenance": PROVENANCE,
            "hashes": (Hash(algorithm="SHA-256", value="ab"),),
        }
    )
    assert BodyTemplate(ComponentNode).body(fields) == node_body(node)
    assert BodyTemplate(ComponentNode).body({"name": "bare"}) == node_body(
        ComponentNode(key="component:y", name="bare", provenance=PROVENANCE)
    )
