"""``riskgraph vendors``: the list, ``--explain`` and its evidence, unknown names."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.store.sqlite import SqliteStore
from graph.vendor_report import VendorExplanation, VendorList
from tests.conftest import run_cli
from tests.factories import FIXED, make_document

ALIASES = """\
version: 1
vendors:
  - id: aegis-security
    name: Aegis Security, Inc.
    aliases:
      - aegis
    lei: 984500D7D570A4089075
    country: US
  - id: bastion-endpoint
    name: Bastion Endpoint GmbH
    parent: bastion-holding
  - id: bastion-holding
    name: Bastion Holding AG
"""


@pytest.fixture
def estate(tmp_path: Path) -> tuple[str, dict[str, str]]:
    """A store with SBOM-like documents and an aliases file ingested through the CLI."""
    store_path = tmp_path / "x.sqlite"
    docs = {
        "sensor": make_document("sensor", "7", ["a.sys"], vendor="Aegis Security Inc."),
        "agent": make_document("agent", "3", ["b"], vendor="aegis"),
        "edr": make_document("edr", "5", ["c"], vendor="BASTION ENDPOINT GMBH"),
        "word": make_document("word", "1", ["d"], vendor="Microsoft Corporation"),
        "excel": make_document("excel", "1", ["e"], vendor="Microsoft Corp."),
        "teams": make_document("teams", "1", ["f"], vendor="microsoft"),
    }
    store = SqliteStore(store_path, clock=lambda: FIXED)
    for doc in docs.values():
        store.upsert_document(doc)
    store.close()
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text(ALIASES)
    assert run_cli("--store", str(store_path), "ingest", str(aliases)).code == 0
    ids = {name: doc.info.id for name, doc in docs.items()}
    return str(store_path), ids


def test_list_shows_one_vendor_per_organisation(estate: tuple[str, dict[str, str]]) -> None:
    store, _ = estate
    result = run_cli("--store", store, "vendors", "--format", "json")
    assert result.code == 0, result.err
    listing = VendorList.model_validate_json(result.out)
    by_key = {v.key: v for v in listing.vendors}
    assert sorted(by_key) == [
        "vendor:aegis-security",
        "vendor:bastion-endpoint",
        "vendor:bastion-holding",
        "vendor:microsoft",
    ]
    aegis = by_key["vendor:aegis-security"]
    assert (aegis.products, aegis.components, aegis.lei) == (2, 0, "984500D7D570A4089075")
    assert "aegis" in aegis.aliases
    assert by_key["vendor:bastion-endpoint"].group == "vendor:bastion-holding"
    assert by_key["vendor:microsoft"].products == 3


def test_table_lists_names_and_groups(estate: tuple[str, dict[str, str]]) -> None:
    store, _ = estate
    result = run_cli("--store", store, "vendors")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split()[:3] == ["vendor", "name", "group"]
    [bastion] = [line for line in lines if line.startswith("vendor:bastion-endpoint ")]
    assert "vendor:bastion-holding" in bastion


def test_explain_names_rule_and_document_of_each_spelling(
    estate: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    store, ids = estate
    result = run_cli("--store", store, "vendors", "--explain", "AEGIS")
    assert result.code == 0, result.err
    aliases_path = str(tmp_path / "aliases.yaml")
    [agent_row] = [line for line in result.out.splitlines() if ids["agent"] in line]
    assert agent_row.split()[:3] == ["aegis", "vendor:aegis", "alias"]
    assert f"alias 'aegis' listed in {aliases_path}:3" in agent_row
    assert "agent-3.cdx.json" in agent_row
    assert ids["sensor"] in result.out
    assert result.out.startswith("Aegis Security, Inc. (vendor:aegis-security): LEI")


def test_explain_json_for_normalised_spellings(estate: tuple[str, dict[str, str]]) -> None:
    store, ids = estate
    result = run_cli(
        "--store", store, "vendors", "--explain", "Microsoft Corp.", "--format", "json"
    )
    assert result.code == 0, result.err
    explanation = VendorExplanation.model_validate_json(result.out)
    assert explanation.vendor.key == "vendor:microsoft"
    rows = {(r.spelling, r.rule.value, r.document_id, r.path) for r in explanation.spellings}
    assert rows == {
        ("Microsoft Corporation", "normalised-name", ids["word"], "word-1.cdx.json"),
        ("Microsoft Corp.", "normalised-name", ids["excel"], "excel-1.cdx.json"),
        ("microsoft", "normalised-name", ids["teams"], "teams-1.cdx.json"),
    }


def test_unknown_vendor_is_one_line_and_exit_1(estate: tuple[str, dict[str, str]]) -> None:
    store, _ = estate
    result = run_cli("--store", store, "vendors", "--explain", "Umbrella Corp")
    assert result.code == 1
    assert result.out == ""
    assert result.err == "riskgraph: no vendor matches 'Umbrella Corp' (see `riskgraph vendors`)\n"


@pytest.mark.parametrize("name", ["vendor-aliases", "vendor-list", "vendor-explanation"])
def test_schemas_are_published(name: str) -> None:
    result = run_cli("schema", name)
    assert result.code == 0
    assert '"properties"' in result.out
