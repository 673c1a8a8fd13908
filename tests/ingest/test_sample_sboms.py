"""The demo's vendor SBOMs stay schema-valid, ingest cleanly and keep the cast's contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from cyclonedx.validation.xml import XmlValidator

from graph.model import UpdateChannelNode
from graph.vocabulary import Severity
from ingest.pipeline import parse_file

SAMPLES = Path(__file__).resolve().parents[2] / "sample_sboms"
VENDORS = SAMPLES / "vendors"
CDX_JSON = sorted(VENDORS.glob("*.cdx.json"))
VERSIONS = {"1.5": SchemaVersion.V1_5, "1.6": SchemaVersion.V1_6}


def test_the_cast_is_all_there() -> None:
    names = {p.name for p in VENDORS.iterdir()}
    assert {
        "aegis-sensor-windows-7.11.18110.cdx.json",
        "aegis-sensor-linux-7.11.18110.cdx.json",
        "bastion-edr-5.2.0.cdx.xml",
        "fenestra-windows-11.23H2.cdx.json",
        "fenestra-server-2022.cdx.json",
        "penguin-linux-9.4.spdx.json",
        "medibase-ehr-client-12.3.spdx",
        "medibase-ehr-client-12.3.vex.cdx.json",
        "remoteops-agent-3.1.cdx.json",
        "aliases.yaml",
    } <= names


@pytest.mark.parametrize("path", CDX_JSON, ids=[p.name for p in CDX_JSON])
def test_cyclonedx_json_is_schema_valid(path: Path) -> None:
    text = path.read_text()
    version = VERSIONS[json.loads(text)["specVersion"]]
    assert JsonStrictValidator(version).validate_str(text) is None


def test_cyclonedx_xml_is_schema_valid() -> None:
    text = (VENDORS / "bastion-edr-5.2.0.cdx.xml").read_text()
    assert XmlValidator(SchemaVersion.V1_5).validate_str(text) is None


@pytest.mark.parametrize("name", ["penguin-linux-9.4.spdx.json", "medibase-ehr-client-12.3.spdx"])
def test_spdx_parses_and_validates(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import spdx_tools.spdx.parser.tagvalue.parser as tagvalue
    from spdx_tools.common.spdx_licensing import spdx_licensing
    from spdx_tools.spdx.parser.parse_anything import parse_file as spdx_parse
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    # the stock tag-value parser rebuilds the licence index per value (spdx/tools-python#749)
    monkeypatch.setattr(tagvalue, "get_spdx_licensing", lambda: spdx_licensing)
    document = spdx_parse(str(VENDORS / name))
    assert validate_full_spdx_document(document) == []


# real/ holds unedited tool output: the lib's (slow) strict validator is skipped there, the
# pipeline still validates it against the schema on ingest
VENDOR_FILES = sorted([*VENDORS.iterdir(), *(SAMPLES / "real").iterdir()])


@pytest.mark.parametrize("path", VENDOR_FILES, ids=[p.name for p in VENDOR_FILES])
def test_ingests_without_serious_findings(path: Path) -> None:
    parsed = parse_file(path)
    serious = [f for f in parsed.findings if f.severity.rank <= Severity.MEDIUM.rank]
    assert serious == []


def test_aegis_services_declare_the_same_channels_as_the_channels_file() -> None:
    def channels(path: Path) -> dict[str, dict[str, object]]:
        return {
            n.key: n.model_dump(exclude={"provenance", "name", "vendor"}, exclude_none=True)
            for n in parse_file(path).nodes
            if isinstance(n, UpdateChannelNode)
        }

    from_sbom = channels(VENDORS / "aegis-sensor-windows-7.11.18110.cdx.json")
    declared = channels(SAMPLES / "channels" / "aegis.yaml")
    assert sorted(from_sbom) == ["channel:aegis-rapid-content", "channel:aegis-sensor-release"]
    for key, facts in from_sbom.items():
        assert facts == declared[key]
