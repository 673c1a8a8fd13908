"""Estate files through the CLI: two-phase ingest, --lenient, validate, stats, schema."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from graph.store.sqlite import SqliteStore
from tests.conftest import ASSETS, REPO, CliResult
from tests.factories import snapshot

GOOD = ASSETS / "estate" / "good"
BAD = ASSETS / "estate" / "bad"
SBOM = GOOD / "sensor.cdx.json"
INVENTORY, CSV, CHANNELS = GOOD / "inventory.yaml", GOOD / "hostgroups.csv", GOOD / "channels.yaml"

Cli = Callable[..., CliResult]


def _outcomes(result: CliResult) -> dict[str, str]:
    return {Path(d["path"]).name: d["outcome"] for d in result.json()["documents"]}


def test_inventory_before_its_sbom_on_the_command_line_still_resolves(
    cli: Cli, tmp_path: Path
) -> None:
    first = tmp_path / "first.sqlite"
    result = cli(
        "ingest",
        "--store",
        str(first),
        "--format",
        "json",
        str(INVENTORY),
        str(CSV),
        str(CHANNELS),
        str(SBOM),
    )
    assert result.code == 0, result.out
    assert result.json()["refused"] == []
    assert _outcomes(result) == {
        "inventory.yaml": "inserted",
        "hostgroups.csv": "inserted",
        "channels.yaml": "inserted",
        "sensor.cdx.json": "inserted",
    }
    second = tmp_path / "second.sqlite"
    assert (
        cli(
            "ingest", "--store", str(second), str(SBOM), str(CHANNELS), str(CSV), str(INVENTORY)
        ).code
        == 0
    )
    stores = [SqliteStore(p) for p in (first, second)]
    try:
        views = [snapshot(s)[1:] for s in stores]  # nodes, edges, findings
        runs = [(u, v) for u, v, d in stores[0].view().edges(data=True) if d["kind"] == "RUNS"]
    finally:
        for s in stores:
            s.close()
    assert views[0] == views[1]
    assert len(runs) == 4


def test_a_dangling_reference_refuses_the_file_unless_lenient(cli: Cli) -> None:
    path = BAD / "inv-dangling-product.yaml"
    strict = cli("ingest", str(SBOM), str(path))
    assert strict.code == 1
    assert (
        f"  {path}: 2 unresolved references: operators[0].host_groups[0].deployments[0]: product "
        "'pkg:generic/nobody/ghost@1' (no SBOM describes it); operators[0].host_groups[0]."
        "platform: platform 'platform:no-such-os' (nothing in the store or this batch declares it)"
    ) in strict.out.splitlines()
    assert "Traceback" not in strict.out + strict.err
    stats = cli("stats", "--format", "json").json()
    assert stats["estate"]["operators"] == 0  # nothing from the refused file

    lenient = cli("ingest", "--lenient", "--format", "json", str(path))
    assert lenient.code == 0
    assert lenient.json()["documents"][0]["findings"] == 3  # 2 unresolved + no as_of
    findings = cli("findings", "--format", "json").json()["findings"]
    codes = sorted(f["code"] for f in findings if f["code"].startswith("DQ-"))
    assert codes.count("DQ-UNRESOLVED-REF") == 2
    stats = cli("stats", "--format", "json").json()
    assert (stats["estate"]["operators"], stats["estate"]["hosts"]) == (1, 1)
    assert stats["edges"]["RUNS"] == 1  # the deployment that did resolve


def test_strict_and_lenient_together_refuse_on_the_unresolved_findings(cli: Cli) -> None:
    path = BAD / "inv-dangling-product.yaml"
    result = cli("ingest", "--lenient", "--strict", str(SBOM), str(path))
    assert result.code == 1
    assert (
        f"  {path}: --strict: 2 data-quality findings, first: unresolved reference dropped: "
        in (result.out)
    )


def test_validate_resolves_against_an_existing_store_and_never_creates_one(
    cli: Cli, tmp_path: Path
) -> None:
    fresh = tmp_path / "none.sqlite"
    alone = cli("validate", "--store", str(fresh), str(INVENTORY))
    assert alone.code == 1
    assert "unresolved references" in alone.out
    assert not fresh.exists()

    assert cli("ingest", str(SBOM), str(CHANNELS)).code == 0
    before = cli("stats", "--format", "json").json()
    result = cli("validate", "--format", "json", str(INVENTORY))
    assert result.code == 0, result.out
    assert _outcomes(result) == {"inventory.yaml": "validated"}
    assert cli("stats", "--format", "json").json() == before


def test_stats_counts_the_estate_by_hand(cli: Cli) -> None:
    assert cli("ingest", str(GOOD)).code == 0
    report = cli("stats", "--format", "json").json()
    # op-a, op-b; energy, water; desktops 100 + servers 25 + kiosks 5 + control-room 7;
    # Acme Security Ltd (SBOM supplier, channel vendor, contract) and Acme OS Corp;
    # one channel; acmedrv.sys is the one kernel component (acme-rules is user mode)
    assert report["estate"] == {
        "operators": 2,
        "sectors": 2,
        "host_groups": 4,
        "hosts": 137,
        "vendors": 2,
        "channels": 1,
        "kernel_privileged_components": 1,
    }
    table = cli("stats").out
    assert re.search(r"^estate\s+hosts\s+137$", table, re.MULTILINE)


def test_a_newer_inventory_of_the_same_operators_supersedes_the_older(
    cli: Cli, tmp_path: Path
) -> None:
    newer = tmp_path / "newer.yaml"
    newer.write_text(
        INVENTORY.read_text()
        .replace("as_of: 2024-07-01", "as_of: 2024-08-01")
        .replace("host_count: 100", "host_count: 90")
    )
    assert cli("ingest", str(GOOD), str(newer)).code == 0
    report = cli("stats", "--format", "json").json()
    assert report["superseded_documents"] == 1
    assert report["estate"]["hosts"] == 127


@pytest.mark.parametrize("name", ["inventory", "inventory-csv-row", "channels"])
def test_the_formats_json_schemas_are_published(cli: Cli, name: str) -> None:
    result = cli("schema", name)
    assert result.code == 0
    schema = json.loads(result.out)
    assert schema["additionalProperties"] is False
    assert schema["title"] in {"Inventory", "HostGroupRow", "ChannelsFile"}


def test_the_demo_estate_resolves_except_products_of_sboms_not_yet_written(cli: Cli) -> None:
    demo = REPO / "sample_sboms"
    paths = [demo / "estate", demo / "channels"]
    if (demo / "vendors").is_dir():
        paths.append(demo / "vendors")
    result = cli("ingest", "--lenient", "--format", "json", *map(str, paths))
    estate_refusals = [
        r for r in result.json()["refused"] if "/estate/" in r["path"] or "/channels/" in r["path"]
    ]
    assert estate_refusals == []
    cast = (REPO / "docs" / "dev" / "demo-cast.md").read_text()
    for finding in cli("findings", "--format", "json").json()["findings"]:
        if finding["code"] == "DQ-UNRESOLVED-REF":
            purl = re.search(r"'(pkg:[^']+)' \(no SBOM describes it\)", finding["message"])
            assert purl is not None, finding
            assert purl.group(1) in cast, finding
    estate = cli("stats", "--format", "json").json()["estate"]
    assert (estate["operators"], estate["sectors"], estate["channels"]) == (9, 6, 11)
    assert (estate["host_groups"], estate["hosts"]) == (33, 16_767)


def test_ingest_totals_count_each_vendor_and_component_once(cli: Cli, tmp_path: Path) -> None:
    """The demo's 25 documents name 12 vendors between them (39 per-document mentions):
    the summary's totals are what the store holds, the per-document rows what each said."""
    store = tmp_path / "demo.sqlite"
    result = cli("ingest", "--store", str(store), "--format", "json", str(REPO / "sample_sboms"))
    assert result.code == 0, result.err
    report = result.json()
    per_document = sum(d["vendors"] for d in report["documents"])
    opened = SqliteStore(store)
    try:
        nodes = opened.stats().nodes_by_kind
    finally:
        opened.close()
    assert report["totals"]["vendors"] == nodes["Vendor"] < per_document
    assert report["totals"]["components"] == nodes["Component"]
