"""Golden files: the normalised records of three corpus files, byte-for-byte stable.

Regenerate after an intended mapping change with
``RISKGRAPH_UPDATE_GOLDEN=1 .venv/bin/pytest tests/ingest/test_cyclonedx_golden.py``
and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ingest import cyclonedx
from ingest.detect import detect
from ingest.source import RawDocument

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
GOLDEN = REPO / "tests" / "golden" / "cyclonedx"

GOLDEN_FILES = [
    "cyclonedx/json/laravel-7.12.0.cdx12.json",
    "cyclonedx/spec-valid/valid-bom-1.6.json",
    "cyclonedx/xml/guac-vex.cdx15.xml",
]


def normalised(relative: str) -> str:
    """The document's records as sorted, indented JSON (paths relative to the corpus)."""
    raw = RawDocument.of(relative, (CORPUS / relative).read_bytes())
    detected = detect(raw)
    doc = cyclonedx.parse(raw, detected.format, detected.payload)
    return json.dumps(doc.model_dump(mode="json"), indent=1, sort_keys=True) + "\n"


@pytest.mark.parametrize("relative", GOLDEN_FILES)
def test_records_match_the_golden_file(relative: str) -> None:
    actual = normalised(relative)
    golden = GOLDEN / f"{Path(relative).name}.json"
    if os.environ.get("RISKGRAPH_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"{golden} missing: run with RISKGRAPH_UPDATE_GOLDEN=1"
    assert golden.read_text(encoding="utf-8") == actual
