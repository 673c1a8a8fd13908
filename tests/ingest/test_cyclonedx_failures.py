"""One small asset per CycloneDX failure mode, with the exact line or finding it must give."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import ComponentNode, ParsedDocument, UpdateChannelNode
from graph.vocabulary import BootStart, EdgeKind, HealthGate, Privilege, Severity
from ingest import cyclonedx
from ingest.detect import detect
from ingest.source import RawDocument, Refused

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "cyclonedx"


def ingest(name: str) -> ParsedDocument:
    """Detect then parse, as the pipeline does; the path shown is the asset's name."""
    raw = RawDocument.of(name, (ASSETS / name).read_bytes())
    detected = detect(raw)
    return cyclonedx.parse(raw, detected.format, detected.payload)


REFUSALS = {
    # syntax and safety: refused by content detection, before this parser runs
    "truncated.cdx.json": "truncated.cdx.json: invalid JSON: unexpected end of data",
    "truncated.cdx.xml": "truncated.cdx.xml: invalid XML: unclosed token: line 4, column 44",
    "toplevel-array.cdx.json": (
        "toplevel-array.cdx.json: JSON top level is an array, expected an object"
    ),
    "xxe.cdx.xml": "xxe.cdx.xml: XML declares external entity 'x' (refused: XXE risk)",
    "billion-laughs.cdx.xml": (
        "billion-laughs.cdx.xml: XML declares entity 'lol' (refused: entity-expansion risk)"
    ),
    # versions
    "unknown-spec-version.cdx.json": (
        "unknown-spec-version.cdx.json: specVersion '2.0' is not a supported CycloneDX JSON"
        " version (1.2 to 1.7)"
    ),
    "missing-spec-version.cdx.json": (
        "missing-spec-version.cdx.json: CycloneDX JSON without specVersion"
    ),
    "unsupported-namespace.cdx.xml": (
        "unsupported-namespace.cdx.xml: CycloneDX XML namespace version '1.8' is not"
        " supported (1.0 to 1.7)"
    ),
    # structural schema errors and unusable entries
    "nameless-component.cdx.json": "nameless-component.cdx.json: components[0] has no name",
    "nameless-component.cdx.xml": (
        "nameless-component.cdx.xml: /bom/components/component[1] has no name and no purl"
    ),
    "bad-component-type.cdx.xml": (
        "bad-component-type.cdx.xml: /bom/components/component[1]/@type 'kernel-module'"
        " is not a CycloneDX 1.6 component type"
    ),
    "bad-hash.cdx.xml": (
        "bad-hash.cdx.xml: /bom/components/component[1]/hashes/hash[2] 'not-a-digest'"
        " is not a valid SHA-256 digest"
    ),
    "bad-timestamp.cdx.xml": (
        "bad-timestamp.cdx.xml: /bom/metadata/timestamp 'yesterday' is not an RFC 3339 date-time"
    ),
    "empty-licence.cdx.json": (
        "empty-licence.cdx.json: components[0].licenses[0].license has neither an SPDX"
        " licence id nor a name"
    ),
    "dependency-without-ref.cdx.xml": (
        "dependency-without-ref.cdx.xml: /bom/dependencies/dependency[1] has no ref"
    ),
}


@pytest.mark.parametrize(("name", "expected"), sorted(REFUSALS.items()))
def test_each_failure_mode_is_refused_with_one_line(name: str, expected: str) -> None:
    with pytest.raises(Refused) as caught:
        ingest(name)
    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


def test_dangling_dependency_refs_drop_the_edge_and_keep_the_document() -> None:
    doc = ingest("dangling-ref.cdx.json")
    dangling = [f for f in doc.findings if f.code == "DQ-DANGLING-REF"]
    assert [(f.severity, f.location, f.message) for f in dangling] == [
        (
            Severity.MEDIUM,
            "/dependencies/0/dependsOn/1",
            "dependencies[0].dependsOn[1]: dependsOn ref 'lib-gone' matches no bom-ref"
            " in the document; edge dropped",
        ),
        (
            Severity.MEDIUM,
            "/dependencies/1",
            "dependencies[1]: dependency ref 'ghost' matches no bom-ref in the document;"
            " edge dropped",
        ),
    ]
    depends = [(e.source, e.target) for e in doc.edges if e.kind is EdgeKind.DEPENDS_ON]
    assert depends == [("product:shop-frontend@2.0.0", "component:pkg:npm/lib-a@1.0.0")]


def test_a_duplicate_bom_ref_keeps_the_first_and_both_components() -> None:
    doc = ingest("duplicate-bom-ref.cdx.json")
    (finding,) = doc.findings
    assert finding.code == "DQ-DUPLICATE-REF"
    assert finding.message == "bom-ref 'lib' already used at components[0]; the first is kept"
    assert finding.location == "/components/1"
    assert {n.key for n in doc.nodes if isinstance(n, ComponentNode)} == {
        "component:pkg:npm/lib-a@1.0.0",
        "component:pkg:npm/lib-b@1.0.0",
    }
    depends = [e.target for e in doc.edges if e.kind is EdgeKind.DEPENDS_ON]
    assert depends == ["component:pkg:npm/lib-a@1.0.0"]


def test_bad_riskgraph_values_are_findings_and_ignored() -> None:
    doc = ingest("bad-riskgraph-property.cdx.json")
    messages = {(f.location, f.message) for f in doc.findings if f.code == "DQ-PROPERTY"}
    assert all(f.severity is Severity.MEDIUM for f in doc.findings)
    assert messages == {
        (
            "/metadata/component/properties/0",
            "riskgraph:category value 'antivirus' is not one of: os, edr, hypervisor, cloud,"
            " identity, remote-management, firmware, database, application, network,"
            " backup, other",
        ),
        (
            "/components/0/properties/0",
            "riskgraph:privilege value 'root' is not one of: kernel, boot-start-driver,"
            " firmware, hypervisor, system-service, user, cloud-service",
        ),
        (
            "/components/0/properties/2",
            "riskgraph:boot_start value 'early' is not one of: boot, system, auto, demand,"
            " disabled",
        ),
        (
            "/components/0/properties/3",
            "riskgraph:platform value 'Windows' is not one of: windows, linux, macos",
        ),
        (
            "/components/0/properties/4",
            "riskgraph:crash_loop_guard value 'yes' is not 'true' or 'false'",
        ),
        (
            "/components/0/properties/5",
            "riskgraph:category applies to the product (metadata.component) only",
        ),
        ("/components/0/properties/6", "unknown riskgraph property 'riskgraph:blast_radius'"),
        (
            "/components/0/properties/8",
            "riskgraph:boot_start repeated with 'boot' and 'system'; the first is used",
        ),
        (
            "/services/0/properties/1",
            "riskgraph:channel:canary_share value '1.5' is invalid: Input should be less"
            " than or equal to 1",
        ),
        (
            "/services/0/properties/2",
            "riskgraph:channel:rollout_stages value '-1' is invalid: Input should be"
            " greater than or equal to 0",
        ),
        (
            "/services/0/properties/3",
            "riskgraph:channel:kind value 'Content' is invalid: Input should be 'code',"
            " 'driver', 'content', 'signatures', 'firmware' or 'policy'",
        ),
        (
            "/services/0/properties/4",
            "riskgraph:channel:signed value 'TRUE' is not 'true' or 'false'",
        ),
        ("/services/0/properties/5", "unknown riskgraph property 'riskgraph:channel:blast'"),
        ("/services/0/properties/6", "riskgraph:privilege is not a service property"),
    }
    driver = next(n for n in doc.nodes if isinstance(n, ComponentNode))
    # good values survive their bad neighbours; bad ones leave the field undeclared
    assert driver.privilege is Privilege.KERNEL
    assert driver.boot_start is BootStart.BOOT
    assert driver.platforms == ()
    assert driver.crash_loop_guard is None
    channel = next(n for n in doc.nodes if isinstance(n, UpdateChannelNode))
    assert channel.key == "channel:acme-content"
    assert (channel.canary_share, channel.rollout_stages, channel.channel_kind) == (None,) * 3
    assert channel.signed is None
    assert channel.health_gate is HealthGate.AUTOMATIC


def test_advisory_deviations_ingest_with_schema_findings() -> None:
    doc = ingest("advisory-deviations.cdx.json")
    assert {(f.code, f.severity, f.location) for f in doc.findings} == {
        ("DQ-SCHEMA", Severity.LOW, "/components/0/licenses/0/license/id"),
        ("DQ-SCHEMA", Severity.LOW, "/components/0/supplier/contact/0/email"),
        ("DQ-SCHEMA", Severity.LOW, "/components/0/externalReferences/0/url"),
        ("DQ-SCHEMA", Severity.LOW, None),  # the unknown top-level member
    }
    component = next(n for n in doc.nodes if isinstance(n, ComponentNode))
    assert component.licenses == ("Apache 2.0",)  # kept verbatim
