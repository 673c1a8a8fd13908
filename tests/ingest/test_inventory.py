"""Estate inventories (YAML and CSV): records emitted, and one line per failure mode."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from graph.model import HostGroupNode, OperatorNode, ParsedDocument, ProductRing
from graph.store.sqlite import SqliteStore
from graph.vocabulary import DocumentFormat, EdgeKind, Environment, NodeKind
from ingest.pipeline import parse_file, parse_raw
from ingest.resolve import ReferenceIndex, resolve
from ingest.source import RawDocument, Refused
from tests.conftest import ASSETS
from tests.estate_fixtures import sensor_sbom
from tests.factories import FIXED

GOOD = ASSETS / "estate" / "good"
BAD = ASSETS / "estate" / "bad"

INVENTORY_CASES = [
    ("inv-missing-name.yaml", "operators[0].name: required field missing"),
    (
        "inv-host-count-text.yaml",
        "operators[0].host_groups[0].host_count: must be a whole number (got 'five')",
    ),
    ("inv-cii-text.yaml", "operators[0].cii: must be true or false (got 'yes')"),
    (
        "inv-bad-environment.yaml",
        "operators[0].host_groups[0].environment: must be one of 'on-premises', 'cloud-vm', "
        "'kiosk', 'ot' or 'endpoint' (got 'datacentre')",
    ),
    (
        "inv-negative-host-count.yaml",
        "operators[2].host_groups[0].host_count: must be >= 0 (got -5)",
    ),
    ("inv-duplicate-operator.yaml", "operators[1].id: duplicate id 'op-a' (also at operators[0])"),
    (
        "inv-duplicate-host-group.yaml",
        "operators[0].host_groups[1].id: duplicate id 'hg' (also at operators[0].host_groups[0])",
    ),
    (
        "inv-misspelt-field.yaml",
        "operators[0].host_groups[0].tecnicians: unknown field (expected one of: deployments, "
        "environment, functions, host_count, hosted_on, id, name, platform, platform_version, "
        "recovery)",
    ),
    (
        "inv-unknown-function.yaml",
        "operators[0].host_groups[0].functions[1]: operator 'op-a' declares no function "
        "'billing' (declared: dispatch)",
    ),
    (
        "inv-share-over-one.yaml",
        "operators[0].host_groups[0].recovery.keys_escrowed_share: must be <= 1.0 (got 1.5)",
    ),
    (
        "inv-two-identities.yaml",
        "operators[0].host_groups[0].deployments[0]: give exactly one of purl, name, serial or "
        "key (got purl, name)",
    ),
    (
        "inv-version-number.yaml",
        "operators[0].host_groups[0].platform_version: must be a string: quote version numbers, "
        "e.g. '9.4' (got the number 9.4)",
    ),
    ("inv-no-operators.yaml", "operators: must have at least 1 entry"),
    ("inv-no-sector.yaml", "operators[0]: sector (or sectors) is required"),
    (
        "inv-bad-purl.yaml",
        "operators[0].host_groups[0].deployments[0].purl: must be a purl such as "
        "pkg:generic/vendor/name@1.0 (got 'acme-sensor')",
    ),
    (
        "inv-bad-id.yaml",
        "operators[0].id: must be an id of lower-case letters, digits, '.', '_' or '-' "
        "(got 'Op A')",
    ),
]

CSV_CASES = [
    ("csv-missing-column.csv", "line 1: missing column 'host_count'"),
    ("csv-unknown-column.csv", "line 1: unknown column 'host_cnt' (did you mean 'host_count'?)"),
    ("csv-negative-host-count.csv", "line 2: host_count: must be >= 0 (got '-5')"),
    (
        "csv-bad-environment.csv",
        "line 2: environment: must be one of 'on-premises', 'cloud-vm', 'kiosk', 'ot' or "
        "'endpoint' (got 'datacentre')",
    ),
    (
        "csv-duplicate-host-group.csv",
        "line 3: host_group: duplicate id 'hg' of operator 'op-a' (also at line 2)",
    ),
    ("csv-cell-count.csv", "line 2: 5 cells, the header has 4"),
    ("csv-bool-text.csv", "line 2: oob_console: must be true or false (got 'maybe')"),
    ("csv-empty-required.csv", "line 2: host_count: required cell is empty"),
    ("csv-as-of-disagree.csv", "as_of: rows disagree (give one date in every row, or none)"),
]


@pytest.mark.parametrize(
    ("name", "reason"), INVENTORY_CASES + CSV_CASES, ids=[c[0] for c in INVENTORY_CASES + CSV_CASES]
)
def test_each_failure_mode_is_refused_with_its_one_line(name: str, reason: str) -> None:
    path = BAD / name
    with pytest.raises(Refused) as caught:
        parse_file(path)
    assert str(caught.value) == f"{path}: {reason}"


def _parse(name: str) -> ParsedDocument:
    return parse_file(GOOD / name)


def test_inventory_emits_the_estate_with_operator_scoped_keys() -> None:
    doc = _parse("inventory.yaml")
    assert doc.info.format is DocumentFormat.INVENTORY_YAML
    assert doc.info.spec_version == "riskgraph-inventory/1"
    assert doc.info.lineage == "inventory:op-a,op-b"
    assert doc.info.created == datetime(2024, 7, 1, tzinfo=UTC)
    keys = {n.key: n.kind for n in doc.nodes}
    assert keys == {
        "sector:energy": NodeKind.SECTOR,
        "sector:water": NodeKind.SECTOR,
        "operator:op-a": NodeKind.OPERATOR,
        "operator:op-b": NodeKind.OPERATOR,
        "function:op-a/dispatch": NodeKind.FUNCTION,
        "function:op-a/billing": NodeKind.FUNCTION,
        "hostgroup:op-a/desktops": NodeKind.HOST_GROUP,
        "hostgroup:op-a/servers": NodeKind.HOST_GROUP,
        "hostgroup:op-b/kiosks": NodeKind.HOST_GROUP,
        "contract:op-a/acme-security": NodeKind.CONTRACT,
        "vendor:acme-security": NodeKind.VENDOR,
    }
    edges = {(e.source, e.kind, e.target, e.role) for e in doc.edges}
    assert ("operator:op-a", EdgeKind.IN_SECTOR, "sector:energy", "") in edges
    assert ("operator:op-b", EdgeKind.IN_SECTOR, "sector:water", "") in edges
    assert ("operator:op-a", EdgeKind.OPERATES, "function:op-a/dispatch", "") in edges
    assert ("operator:op-a", EdgeKind.OPERATES, "hostgroup:op-a/desktops", "") in edges
    assert ("hostgroup:op-a/desktops", EdgeKind.SUPPORTS, "function:op-a/billing", "") in edges
    key_escrow = ("hostgroup:op-a/desktops", EdgeKind.DEPENDS_ON, "hostgroup:op-a/servers")
    assert (*key_escrow, "key-escrow") in edges
    assert ("operator:op-a", EdgeKind.CONTRACTS, "contract:op-a/acme-security", "") in edges
    contract_vendor = ("contract:op-a/acme-security", EdgeKind.SUPPLIED_BY, "vendor:acme-security")
    assert (*contract_vendor, "supplier") in edges
    # the platform is declared in another file: by-key references, resolved later
    refs = {(r.source, r.kind, r.by, r.value, r.version) for r in doc.references}
    assert refs == {
        ("hostgroup:op-a/desktops", EdgeKind.RUNS_ON, "key", "platform:acme-os", None),
        ("hostgroup:op-a/servers", EdgeKind.RUNS_ON, "key", "platform:acme-os", None),
        (
            "hostgroup:op-a/desktops",
            EdgeKind.RUNS,
            "purl",
            "pkg:generic/acme/acme-sensor@1.0",
            None,
        ),
        ("hostgroup:op-a/servers", EdgeKind.RUNS, "name", "acme-sensor", "1.0"),
        (
            "hostgroup:op-b/kiosks",
            EdgeKind.RUNS,
            "serial",
            "urn:uuid:5d0a6d2e-4c1b-4a39-9a77-0c7c3c1b2f10",
            None,
        ),
    }


def test_host_group_keeps_recovery_posture_and_unknowns() -> None:
    nodes = {n.key: n for n in _parse("inventory.yaml").nodes}
    desktops = nodes["hostgroup:op-a/desktops"]
    assert isinstance(desktops, HostGroupNode)
    assert desktops.host_count == 100
    assert desktops.environment is Environment.ENDPOINT
    assert desktops.disk_encryption == "bitlocker"
    assert desktops.keys_escrowed_share == 0.6
    assert desktops.key_escrow_host_group == "hostgroup:op-a/servers"
    assert desktops.oob_console is False
    assert desktops.recovery_playbook_tested == "2024-05-01"
    assert desktops.cloud_rescue_runbook is None  # omitted: unknown, not "no"
    assert desktops.rings == (
        ProductRing(
            product="product:pkg:generic/acme/acme-sensor@1.0",
            ring=1,
            takes_channels=("channel:acme-content",),
        ),
    )
    kiosks = nodes["hostgroup:op-b/kiosks"]
    assert isinstance(kiosks, HostGroupNode)
    assert kiosks.platform is None
    assert kiosks.rings == ()  # no ring, pin or channel list declared
    operator = nodes["operator:op-a"]
    assert isinstance(operator, OperatorNode)
    assert (operator.cii, operator.jurisdictions, operator.size) == (True, ("DE",), 1000)
    assert operator.sectors == ("sector:energy",)


def test_csv_rows_reference_their_operator_and_functions_by_key() -> None:
    doc = _parse("hostgroups.csv")
    assert doc.info.format is DocumentFormat.INVENTORY_CSV
    assert doc.info.lineage == "inventory-csv:op-a"
    (group,) = doc.nodes
    assert isinstance(group, HostGroupNode)
    assert (group.key, group.host_count, group.oob_console, group.technicians) == (
        "hostgroup:op-a/control-room",
        7,
        True,
        1,
    )
    refs = {(r.kind, r.value, r.reverse, r.provenance.location) for r in doc.references}
    assert refs == {
        (EdgeKind.OPERATES, "operator:op-a", True, "line 2"),
        (EdgeKind.SUPPORTS, "function:op-a/dispatch", False, "line 2: functions[0]"),
        (EdgeKind.RUNS_ON, "platform:acme-os", False, "line 2: platform"),
        (EdgeKind.RUNS, "pkg:generic/acme/acme-sensor@1.0", False, "line 2: products[0]"),
    }


def test_inventory_without_as_of_says_so() -> None:
    doc = parse_file(BAD / "inv-dangling-product.yaml")
    assert [f.code for f in doc.findings] == ["DQ-NO-AS-OF"]
    assert doc.info.created is None


def test_round_trip_through_the_store_returns_what_was_ingested(tmp_path: Path) -> None:
    sbom, inventory = sensor_sbom(), _parse("inventory.yaml")
    index = ReferenceIndex()
    for doc in (sbom, _parse("channels.yaml"), inventory):
        index.add_document(doc)
    resolved = resolve(inventory, index, lenient=False)
    store = SqliteStore(tmp_path / "s.sqlite", clock=lambda: FIXED)
    try:
        store.upsert_document(resolved)
        back = store.document(resolved.info.id)
    finally:
        store.close()
    assert back.nodes == resolved.nodes
    assert back.edges == resolved.edges
    assert back.findings == resolved.findings
    assert back.info == resolved.info.model_copy(update={"ingested_at": FIXED})
    assert back.references == ()


def test_the_documented_examples_are_valid_documents() -> None:
    text = (ASSETS.parent.parent / "docs" / "estate-formats.md").read_text()
    blocks = re.findall(r"```(yaml|csv)\n(.*?)```", text, re.DOTALL)
    formats = [parse_raw(RawDocument.of(f"example.{k}", b.encode())).info.format for k, b in blocks]
    assert formats == [
        DocumentFormat.INVENTORY_YAML,
        DocumentFormat.INVENTORY_CSV,
        DocumentFormat.CHANNELS_YAML,
    ]
