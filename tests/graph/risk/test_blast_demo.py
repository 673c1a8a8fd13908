"""Blast radius on the demo estate, checked against numbers counted from the input files.

The expectations are derived here from sample_sboms/estate/*.yaml and *.csv with plain
YAML/CSV reading and the channel declarations' facts, never from the engine.
"""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pytest
import yaml

from graph.risk.blast import blast_radius
from graph.risk.rollout import RolloutOverride
from graph.risk.simulate import simulate
from graph.risk.subject import FailureMode, Subject
from graph.store.sqlite import SqliteStore
from graph.vendors import canonical_view
from ingest.pipeline import collect
from tests.conftest import REPO, run_cli

SAMPLE = REPO / "sample_sboms"
WIN_SENSOR = "pkg:generic/aegis/aegis-sensor-windows@7.11.18110"
LINUX_SENSOR = "pkg:generic/aegis/aegis-sensor-linux@7.11.18110"
EHR = "pkg:generic/medibase/medibase-ehr-client@12.3"


@pytest.fixture(scope="module")
def view(tmp_path_factory: pytest.TempPathFactory) -> nx.MultiDiGraph:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    result = run_cli("--store", str(path), "ingest", str(SAMPLE))
    assert result.code == 0, result.out
    store = SqliteStore(path)
    try:
        return canonical_view(store)
    finally:
        store.close()


def _families() -> dict[str, str]:
    fam = {}
    for f in sorted((SAMPLE / "channels").glob("*.yaml")):
        for p in yaml.safe_load(f.read_text()).get("platforms") or []:
            fam[p["id"]] = p.get("family")
    return fam


def _host_groups() -> list[dict]:
    """Every host group of the demo inventories, flattened from YAML and CSV."""
    rows = []
    for f in sorted((SAMPLE / "estate").glob("*.yaml")):
        for op in yaml.safe_load(f.read_text())["operators"]:
            sectors = op.get("sectors") or [op.get("sector")]
            for hg in op.get("host_groups") or []:
                rows.append(
                    {
                        "operator": op["id"],
                        "sectors": sectors,
                        "platform": hg["platform"],
                        "environment": hg["environment"],
                        "host_count": hg["host_count"],
                        "deployments": [
                            (d.get("purl"), d.get("ring"), d.get("channels"))
                            for d in hg.get("deployments") or []
                        ],
                    }
                )
    sectors_by_op = {r["operator"]: r["sectors"] for r in rows}
    for f in sorted((SAMPLE / "estate").glob("*.csv")):
        with f.open() as fh:
            for row in csv.DictReader(fh):
                ring = int(row["ring"]) if row["ring"] else None
                rows.append(
                    {
                        "operator": row["operator"],
                        "sectors": sectors_by_op[row["operator"]],
                        "platform": row["platform"],
                        "environment": row["environment"],
                        "host_count": int(row["host_count"]),
                        "deployments": [(p, ring, None) for p in row["products"].split(";")],
                    }
                )
    return rows


def _running(purl: str) -> list[dict]:
    return [hg for hg in _host_groups() if any(d[0] == purl for d in hg["deployments"])]


def test_the_july_2024_channel_takes_down_every_windows_host_with_the_sensor(view) -> None:
    # aegis-rapid-content: one stage, no customer deferral, Windows only, boot-start driver
    fam = _families()
    expected = [hg for hg in _running(WIN_SENSOR) if fam[hg["platform"]] == "windows"]
    radius = blast_radius(view, Subject(kind="channel", ref="aegis-rapid-content"))
    assert radius.hosts_down == sum(hg["host_count"] for hg in expected)
    assert radius.hosts_degraded == 0
    assert {o.operator.split(":", 1)[1] for o in radius.operators} == {
        hg["operator"] for hg in expected
    }
    assert set(radius.sectors_hit) == {s for hg in expected for s in hg["sectors"]}
    assert radius.hands_on_hosts == radius.hosts_down  # boot-start: every host crash-loops
    for op in radius.operators:
        kinds = [s.kind for s in op.evidence_path]
        assert kinds[0] == "OPERATES" and kinds[-1] == "UPDATED_VIA"
        assert all(step.documents for step in op.evidence_path)


def test_linux_and_bastion_estates_escape_the_windows_content_channel(view) -> None:
    radius = blast_radius(view, Subject(kind="channel", ref="aegis-rapid-content"))
    hit = {g.host_group for g in radius.host_groups if g.hosts_hit}
    for hg in _running(LINUX_SENSOR):
        assert not any(h.endswith(f"{hg['operator']}/") for h in hit)
    assert all(g.protected_by is None for g in radius.host_groups if g.hosts_hit)


def test_whole_vendor_failure_adds_the_linux_sensor_as_degraded(view) -> None:
    fam = _families()
    windows = [hg for hg in _running(WIN_SENSOR) if fam[hg["platform"]] == "windows"]
    linux = _running(LINUX_SENSOR)
    radius = blast_radius(view, Subject(kind="vendor", ref="aegis"))
    assert radius.hosts_down == sum(hg["host_count"] for hg in windows)
    # the Linux sensor runs as a system service: its failure degrades, it never crashes the host
    assert radius.hosts_degraded == sum(hg["host_count"] for hg in linux)
    assert radius.operators_hit == len({hg["operator"] for hg in windows + linux})


def test_vulnerable_user_mode_library_compromises_only_the_ehr_hosts(view) -> None:
    ehr = _running(EHR)
    radius = blast_radius(
        view, Subject(kind="vulnerability", ref="CVE-2021-44228"), FailureMode.COMPROMISE
    )
    assert radius.hosts_compromised == sum(hg["host_count"] for hg in ehr)
    assert radius.hosts_down == 0
    assert {o.operator.split(":", 1)[1] for o in radius.operators} == {hg["operator"] for hg in ehr}
    for op in radius.operators:
        assert op.evidence_path[-1].kind == "AFFECTS"


def test_os_boot_chain_update_spares_groups_in_later_operator_rings(view) -> None:
    # fenestra-bootchain honours customer deferral: only ring-0 / unringed Windows groups
    fam = _families()

    def exposed(hg: dict) -> bool:
        rings = [
            d[1] for d in hg["deployments"] if d[0] and d[0].startswith("pkg:generic/fenestra/")
        ]
        return fam[hg["platform"]] == "windows" and not any((r or 0) > 0 for r in rings)

    expected = [hg for hg in _host_groups() if exposed(hg)]
    radius = blast_radius(view, Subject(kind="channel", ref="fenestra-bootchain"))
    assert radius.hosts_down == sum(hg["host_count"] for hg in expected)
    protected = [g for g in radius.host_groups if g.protected_by]
    assert protected and all("defers" in (g.protected_by or "") for g in protected)


def test_a_canary_with_automatic_halt_shrinks_the_july_2024_radius(view) -> None:
    sim = simulate(
        view,
        "aegis-rapid-content",
        RolloutOverride(
            rollout_stages=4,
            canary_share=0.01,
            bake_time_hours=1,
            health_gate="automatic",
            auto_halt=True,
        ),
    )
    assert sim.what_if.hosts_down < sim.declared.hosts_down / 50
    assert sim.hosts_down_avoided == sim.declared.hosts_down - sim.what_if.hosts_down
    assert sim.recovery_hours_avoided > 0


def test_cli_blast_radius_json_matches_the_engine(view, tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    assert run_cli("--store", str(store), "ingest", str(SAMPLE)).code == 0
    out = run_cli(
        "--store",
        str(store),
        "blast-radius",
        "--channel",
        "aegis-rapid-content",
        "--format",
        "json",
    )
    assert out.code == 0, out.err
    engine = blast_radius(view, Subject(kind="channel", ref="aegis-rapid-content"))
    assert out.json()["hosts_down"] == engine.hosts_down
    unknown = run_cli("--store", str(store), "blast-radius", "--channel", "nope")
    assert unknown.code == 3
    assert unknown.err.startswith("riskgraph: no channel matches 'nope' (known: ")


def test_demo_inputs_are_all_collected() -> None:
    assert len(collect([SAMPLE])) >= 20


def test_a_push_before_dawn_in_europe_finds_most_office_endpoints_switched_off(view) -> None:
    # 04:09 UTC on 19 July 2024 is before 07:00 local in every demo jurisdiction (UTC+1/+2,
    # US UTC-4): endpoints are 25% online at night (policy), everything else 100%.
    from datetime import UTC, datetime

    fam = _families()
    expected = [hg for hg in _running(WIN_SENSOR) if fam[hg["platform"]] == "windows"]
    want = sum(
        round(hg["host_count"] * (0.25 if hg["environment"] == "endpoint" else 1.0))
        for hg in expected
    )
    radius = blast_radius(
        view,
        Subject(kind="channel", ref="aegis-rapid-content"),
        push_time=datetime(2024, 7, 19, 4, 9, tzinfo=UTC),
    )
    assert radius.hosts_down == want
    assert radius.push_time is not None
