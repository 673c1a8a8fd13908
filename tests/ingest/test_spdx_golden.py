"""Golden files of the normalised records for one SPDX JSON, one tag-value, one SPDX 3 file.

Regenerate after an intended mapping change with ``RISKGRAPH_UPDATE_GOLDEN=1 pytest ...``
and review the diff like code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from graph.vocabulary import DocumentFormat
from ingest import spdx, spdx3
from ingest.detect import detect
from ingest.source import RawDocument

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
GOLDEN = REPO / "tests" / "golden" / "spdx"
CASES = [
    "spdx/json/spdx-ex14-maven-enriched.spdx23.json",
    "spdx/formats/SPDXTagExample-v2.3.spdx",
    "spdx3/spdx-ex11-rust.spdx30.jsonld",
]


def normalised(relative: str) -> dict[str, Any]:
    """The parsed records as JSON, with the machine-specific path made corpus-relative."""
    raw = RawDocument.read(CORPUS / relative, 1 << 28)
    detected = detect(raw)
    parser = spdx3.parse if detected.format is DocumentFormat.SPDX3_JSONLD else spdx.parse
    data: dict[str, Any] = parser(raw, detected.format, detected.payload).model_dump(mode="json")
    data["info"]["path"] = relative
    return data


@pytest.mark.parametrize("relative", CASES)
def test_records_match_the_golden_file(relative: str) -> None:
    if not (CORPUS / relative).exists():
        pytest.fail(f"the SBOM corpus must be beside the checkout at {CORPUS}")
    actual = json.dumps(normalised(relative), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    golden = GOLDEN / f"{Path(relative).name}.json"
    if os.environ.get("RISKGRAPH_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"{golden} missing: run with RISKGRAPH_UPDATE_GOLDEN=1"
    assert json.loads(golden.read_text(encoding="utf-8")) == json.loads(actual)
