"""Units of the CycloneDX ingest: the schema policy, locations, properties, identity."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.model import ComponentNode, ParsedDocument, ProductNode
from graph.vocabulary import EdgeKind, Privilege
from ingest import cyclonedx
from ingest.cyclonedx_policy import describe_path, judge
from ingest.cyclonedx_properties import channel_facts, software_facts
from ingest.cyclonedx_schema import (
    SchemaIssue,
    SchemaUnavailableError,
    validate_json,
    validate_xml,
)
from ingest.cyclonedx_xml import xpath_for_pointer
from ingest.detect import detect
from ingest.source import RawDocument, Refused

BASE: dict[str, Any] = {
    "bomFormat": "CycloneDX",
    "specVersion": "1.6",
    "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
    "version": 1,
    "metadata": {"component": {"type": "application", "name": "app", "version": "1"}},
    "components": [{"type": "library", "name": "lib", "version": "2", "bom-ref": "lib"}],
}


def ingest_dict(document: dict[str, Any]) -> ParsedDocument:
    raw = RawDocument.of("inline.cdx.json", json.dumps(document).encode())
    detected = detect(raw)
    return cyclonedx.parse(raw, detected.format, detected.payload)


def with_component(**fields: Any) -> dict[str, Any]:
    document = copy.deepcopy(BASE)
    document["components"][0].update(fields)
    return document


def verdicts(document: dict[str, Any]) -> list[tuple[bool, str]]:
    return [
        (v.structural, v.reason)
        for v in (judge(i, "1.6", document) for i in validate_json(document, "1.6"))
    ]


# -- the structural / advisory split ---------------------------------------------------


@pytest.mark.parametrize(
    ("change", "structural", "reason"),
    [
        ({"type": "kernel-module"}, True, "'kernel-module' is not a CycloneDX 1.6 component type"),
        ({"hashes": [{"alg": "MD5", "content": "xyz"}]}, True, "'xyz' is not a valid MD5 digest"),
        ({"hashes": [{"alg": "CRC32", "content": "ab" * 16}]}, True, "hash algorithm"),
        ({"properties": [{"value": "x"}]}, True, "components[0].properties[0] has no name"),
        ({"licenses": [{"license": {}}]}, True, "has neither an SPDX licence id nor a name"),
        ({"name": 42}, True, "components[0].name: 42 is not of type"),
        ({"licenses": [{"license": {"id": "Apache 2"}}]}, False, "license.id"),
        ({"licenses": [{"license": {"id": "MIT", "name": "MIT"}}]}, False, "more than one"),
        ({"externalReferences": [{"type": "vcs", "url": "git@x:y.git ${z}"}]}, False, "iri"),
        ({"supplier": {"name": "x", "contact": [{"email": "nope"}]}}, False, "idn-email"),
        ({"futureField": True}, False, "unknown or misplaced 'futureField'"),
        ({"properties": [{"name": "riskgraph:privilege", "value": 1}]}, False, "value"),
        ({"patentAssertions": [{"asserter": {"ref": "x"}}]}, False, "patentAssertions"),
    ],
)
def test_schema_errors_are_split_by_what_they_break(
    change: dict[str, Any], structural: bool, reason: str
) -> None:
    document = with_component(**change)
    found = verdicts(document)
    assert found, "the change must be a schema error"
    assert [s for s, _ in found] == [structural] * len(found)
    assert any(reason in r for _, r in found), found


def test_a_missing_name_is_structural_only_without_a_purl() -> None:
    nameless = with_component(name=None)
    del nameless["components"][0]["name"]
    assert verdicts(nameless) == [(True, "components[0] has no name")]
    nameless["components"][0]["purl"] = "pkg:npm/left-pad@1.3.0"
    assert [s for s, _ in verdicts(nameless)] == [False]
    doc = ingest_dict(nameless)
    component = next(n for n in doc.nodes if isinstance(n, ComponentNode))
    assert component.name == "left-pad"
    assert "no name; 'left-pad' taken from the purl" in {f.message for f in doc.findings}


def test_a_missing_component_type_is_advisory() -> None:
    untyped = copy.deepcopy(BASE)
    del untyped["components"][0]["type"]
    assert [s for s, _ in verdicts(untyped)] == [False]
    component = next(n for n in ingest_dict(untyped).nodes if isinstance(n, ComponentNode))
    assert component.component_type is None


def test_refusal_counts_further_structural_errors() -> None:
    document = with_component(type="x")
    document["components"].append({"type": "y", "name": "other"})
    with pytest.raises(Refused) as caught:
        ingest_dict(document)
    assert str(caught.value) == (
        "inline.cdx.json: components[0].type 'x' is not a CycloneDX 1.6 component type"
        " (and 1 more structural schema error)"
    )


def test_xml_errors_get_json_shaped_paths() -> None:
    xml = b"""<?xml version="1.0"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">
  <components>
    <component type="library"><name>a</name></component>
    <component type="foo"><name>b</name><hashes><hash alg="MD5">zz</hash></hashes></component>
  </components>
</bom>"""
    issues = validate_xml(xml, "1.6")
    assert [(i.path, i.keyword, i.value, i.location) for i in issues] == [
        (("components", 1, "type"), "enum", "foo", "/bom/components/component[2]/@type"),
        (
            ("components", 1, "hashes", 0, "content"),
            "pattern",
            "zz",
            "/bom/components/component[2]/hashes/hash[1]",
        ),
    ]


def test_an_issue_outside_mapped_fields_is_advisory_whatever_its_keyword() -> None:
    issue = SchemaIssue(path=("formulation", 0, "components", 0, "type"), keyword="enum")
    assert judge(issue, "1.6", {}).structural is False


# -- locations --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pointer", "xpath"),
    [
        ("/metadata/component", "/bom/metadata/component"),
        ("/components/3/components/0", "/bom/components/component[4]/components/component[1]"),
        ("/dependencies/2/dependsOn/0", "/bom/dependencies/dependency[3]/dependency[1]"),
        ("/services/0/properties/1", "/bom/services/service[1]/properties/property[2]"),
        ("/vulnerabilities/0/affects/2", "/bom/vulnerabilities/vulnerability[1]/affects/target[3]"),
        ("/components/0/hashes/1/content", "/bom/components/component[1]/hashes/hash[2]"),
    ],
)
def test_pointers_translate_to_xml_paths(pointer: str, xpath: str) -> None:
    assert xpath_for_pointer(pointer) == xpath


def test_paths_read_like_the_json() -> None:
    assert describe_path(("components", 22, "licenses", 0, "license")) == (
        "components[22].licenses[0].license"
    )
    assert describe_path(()) == "document"


# -- identity ---------------------------------------------------------------------------


def test_lineage_leaves_the_version_out_of_the_purl() -> None:
    document = copy.deepcopy(BASE)
    document["metadata"]["component"]["purl"] = "pkg:npm/%40acme/app@1.0.0?arch=x64"
    assert ingest_dict(document).info.lineage == "cdx:pkg:npm/%40acme/app"
    document["metadata"]["component"]["purl"] = "pkg:npm/@acme/app"
    assert ingest_dict(document).info.lineage == "cdx:pkg:npm/@acme/app"


def test_lineage_falls_back_to_group_and_name_then_serial() -> None:
    document = copy.deepcopy(BASE)
    document["metadata"]["component"]["group"] = "com.acme"
    assert ingest_dict(document).info.lineage == "cdx:com.acme/app"
    del document["metadata"]
    doc = ingest_dict(document)
    assert doc.info.lineage == "cdx-serial:urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"
    assert doc.info.name == "inline.cdx.json"
    assert [f.code for f in doc.findings] == ["DQ-NO-SUBJECT"]


def test_components_without_purl_are_scoped_to_their_document() -> None:
    doc = ingest_dict(BASE)
    component = next(n for n in doc.nodes if isinstance(n, ComponentNode))
    assert component.key == f"component:{doc.info.id}/lib"
    product = next(n for n in doc.nodes if isinstance(n, ProductNode))
    assert product.key == "product:app@1"
    assert [(e.source, e.kind, e.target) for e in doc.edges] == [
        (product.key, EdgeKind.CONTAINS, component.key)
    ]


def test_metadata_manufacturer_is_the_boms_maker_not_the_products() -> None:
    document = copy.deepcopy(BASE)
    document["metadata"]["manufacturer"] = {"name": "SBOM Tools Ltd"}
    document["metadata"]["supplier"] = {"name": "Acme Corp."}
    doc = ingest_dict(document)
    assert [(e.source, e.target, e.role) for e in doc.edges if e.kind is EdgeKind.SUPPLIED_BY] == [
        ("product:app@1", "vendor:acme", "supplier")
    ]


def test_a_dependency_on_a_channel_service_is_updated_via() -> None:
    document = copy.deepcopy(BASE)
    document["services"] = [
        {
            "bom-ref": "svc",
            "name": "updates",
            "properties": [{"name": "riskgraph:channel:id", "value": "acme-updates"}],
        }
    ]
    document["dependencies"] = [{"ref": "lib", "dependsOn": ["svc"]}]
    doc = ingest_dict(document)
    edge = next(e for e in doc.edges if e.target == "channel:acme-updates")
    assert edge.kind is EdgeKind.UPDATED_VIA
    assert edge.provenance.location == "/dependencies/0/dependsOn/0"


# -- properties -------------------------------------------------------------------------


def test_other_namespaces_are_ignored_without_findings() -> None:
    reports: list[tuple[str, str]] = []
    facts = software_facts(
        [{"name": "cdx:reproducible", "value": "true"}, {"name": "internal:x", "value": "y"}],
        "/components/0/properties",
        is_product=False,
        report=lambda message, where: reports.append((message, where)),
    )
    assert facts is None
    assert reports == []


def test_repeatable_properties_collect_in_order_without_duplicates() -> None:
    facts = software_facts(
        [
            {"name": "riskgraph:platform", "value": "linux"},
            {"name": "riskgraph:platform", "value": "windows"},
            {"name": "riskgraph:platform", "value": "linux"},
            {"name": "riskgraph:update_channel", "value": "a"},
            {"name": "riskgraph:update_channel", "value": "b"},
            {"name": "riskgraph:privilege", "value": " kernel "},
        ],
        "/p",
        is_product=False,
        report=lambda message, where: pytest.fail(message),
    )
    assert facts is not None
    assert facts.platforms == ["linux", "windows"]
    assert facts.update_channels == [("a", "/p/3"), ("b", "/p/4")]
    assert facts.privilege is Privilege.KERNEL


def test_channel_fields_without_an_id_are_reported() -> None:
    reports: list[str] = []
    facts = channel_facts(
        [{"name": "riskgraph:channel:kind", "value": "content"}],
        "/services/0/properties",
        report=lambda message, where: reports.append(message),
    )
    assert facts is None
    assert reports == ["riskgraph:channel:* properties without riskgraph:channel:id are ignored"]


NAMES = st.sampled_from(
    [
        "riskgraph:privilege",
        "riskgraph:boot_start",
        "riskgraph:platform",
        "riskgraph:update_channel",
        "riskgraph:category",
        "riskgraph:crash_loop_guard",
        "riskgraph:channel:id",
        "riskgraph:channel:canary_share",
        "riskgraph:channel:rollout_stages",
        "riskgraph:channel:health_gate",
        "riskgraph:channel:signed",
        "riskgraph:nonsense",
        "other:thing",
    ]
)
VALUES = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=12),
    st.sampled_from(["kernel", "true", "false", "0.5", "3", "-1", "boot", "windows", "edr"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(NAMES, VALUES), max_size=8))
def test_any_property_values_ingest_and_reports_stay_one_line(
    properties: list[tuple[str, str | int | None]],
) -> None:
    props = [{"name": n, **({"value": v} if v is not None else {})} for n, v in properties]
    document = with_component(properties=props)
    document["services"] = [{"name": "svc", "properties": props}]
    doc = ingest_dict(document)  # never refused: properties only ever give findings
    assert all("\n" not in f.message for f in doc.findings)
    assert {f.code for f in doc.findings} <= {"DQ-PROPERTY", "DQ-SCHEMA"}


def test_xml_1_0_is_validated_and_mapped() -> None:
    xml = b"""<?xml version="1.0"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.0" version="1">
  <components>
    <component type="library">
      <name>left-pad</name><version>1.3.0</version><modified>false</modified>
    </component>
  </components>
</bom>"""
    assert validate_xml(xml, "1.0") == []
    raw = RawDocument.of("old.xml", xml)
    detected = detect(raw)
    doc = cyclonedx.parse(raw, detected.format, detected.payload)
    assert doc.info.spec_version == "1.0"
    assert [n.name for n in doc.nodes] == ["left-pad"]
    assert [f.code for f in doc.findings] == ["DQ-NO-SUBJECT"]


def test_a_version_without_bundled_schema_is_reported_not_guessed() -> None:
    with pytest.raises(SchemaUnavailableError):
        validate_xml(b"<bom/>", "0.9")
    with pytest.raises(SchemaUnavailableError):
        validate_json({}, "1.1")
