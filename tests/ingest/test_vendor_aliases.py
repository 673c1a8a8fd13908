"""Vendor aliases files: records with line provenance, one-line refusals, findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import VendorNode
from graph.vocabulary import DocumentFormat
from ingest.pipeline import parse_file, parse_raw
from ingest.source import RawDocument, Refused
from ingest.vendor_aliases import lei_checksum_ok

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "sample_sboms" / "vendors" / "aliases.yaml"


def parse(text: str, path: str = "aliases.yaml") -> tuple[VendorNode, ...]:
    doc = parse_raw(RawDocument.of(path, text.encode()))
    return tuple(n for n in doc.nodes if isinstance(n, VendorNode))


def test_entries_become_vendor_records_with_their_line() -> None:
    text = """\
vendors:
  - name: Bastion Endpoint GmbH
    aliases: [Bastion Endpoint, pkg:generic/bastion]
    parent: bastion-holding
    country: DE
  - id: bastion-holding
    name: Bastion Holding AG
aliases:
  BASTION: bastion-endpoint
"""
    endpoint, holding = parse(text)
    assert endpoint.key == "vendor:bastion-endpoint"  # id defaults to the normalised name
    assert endpoint.aliases == ("Bastion Endpoint", "pkg:generic/bastion", "BASTION")
    assert (endpoint.parent, endpoint.country) == ("vendor:bastion-holding", "DE")
    assert endpoint.provenance.location == "line 2"
    assert holding.provenance.location == "line 6"


def test_document_identity_and_lineage() -> None:
    doc = parse_file(DEMO)
    assert doc.info.format is DocumentFormat.VENDOR_ALIASES_YAML
    assert doc.info.lineage == "vendor-aliases:aliases"
    assert doc.info.created is not None and doc.info.created.year == 2024
    assert doc.findings == ()
    assert doc.edges == ()
    keys = {n.key for n in doc.nodes}
    assert {"vendor:aegis-security", "vendor:bastion-holding", "vendor:fenestra"} <= keys
    for node in doc.nodes:
        assert isinstance(node, VendorNode)
        assert node.lei is None or lei_checksum_ok(node.lei)


def test_lei_with_wrong_check_digits_is_a_finding_not_a_refusal() -> None:
    doc = parse_raw(
        RawDocument.of("a.yaml", b"vendors:\n  - name: Acme\n    lei: 984500D7D570A4089076\n")
    )
    [finding] = doc.findings
    assert finding.code == "DQ-LEI-CHECKSUM"
    assert finding.location == "line 2"


def test_parent_listed_elsewhere_is_a_low_finding() -> None:
    doc = parse_raw(RawDocument.of("a.yaml", b"vendors:\n  - name: Acme\n    parent: acme-group\n"))
    assert [f.code for f in doc.findings] == ["DQ-VENDOR-PARENT"]


REFUSALS = [
    ("vendors: []\n", "no vendors listed"),
    ("vendors:\n  - name: A\n    lei: short\n", "vendors[0].lei (line 3): String should match"),
    ("vendors:\n  - name: A\n    colour: red\n", "vendors[0].colour (line 3): Extra inputs"),
    ("vendors:\n  - id: A B\n    name: A\n", "vendors[0].id (line 2): String should match"),
    (
        "vendors:\n  - name: Acme\n  - name: ACME Inc.\n",
        "vendors[1] (line 3): id 'acme' already listed at line 2",
    ),
    (
        "vendors:\n  - name: A\n    aliases: [Shared]\n  - name: B\n    aliases: [shared]\n",
        "alias 'shared' of 'b' also names 'a'",
    ),
    (
        "vendors:\n  - name: A\n    aliases: [B Inc.]\n  - name: B\n",
        "alias 'B Inc.' of 'a' also names 'b'",
    ),
    ("vendors:\n  - name: A\naliases:\n  X: zed\n", "'X' maps to 'zed', which is not listed"),
    (
        "vendors:\n  - name: A\n    parent: b\n  - name: B\n    parent: a\n",
        "parent groups form a cycle: a -> b -> a",
    ),
]


@pytest.mark.parametrize(("text", "reason"), REFUSALS, ids=[r[1][:30] for r in REFUSALS])
def test_bad_aliases_file_is_refused_with_one_line(text: str, reason: str) -> None:
    with pytest.raises(Refused) as caught:
        parse(text, "conf/aliases.yaml")
    message = str(caught.value)
    assert message.startswith("conf/aliases.yaml: ")
    assert reason in message
    assert "\n" not in message
