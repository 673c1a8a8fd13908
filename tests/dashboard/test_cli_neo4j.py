"""The CLI on a Neo4j store: `--store neo4j://...` on every command, and `migrate`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from graph.store.neo4j import Neo4jStore
from graph.store.reachability import reachable_host_groups_in_view
from graph.store.sqlite import SqliteStore
from tests.conftest import ASSETS, CliResult
from tests.neo4j_server import Neo4jServer, free_port
from tests.store_parity import assert_same_answers

Cli = Callable[..., CliResult]
ESTATE = ASSETS / "estate" / "good"


@pytest.fixture
def neo4j_cli(
    cli: Cli, neo4j_server: Neo4jServer, monkeypatch: pytest.MonkeyPatch
) -> tuple[Cli, str]:
    neo4j_server.wipe()
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_server.password)
    return cli, neo4j_server.uri.replace("bolt://", "neo4j://")


def _json(result: CliResult) -> dict[str, object]:
    assert result.code == 0, result.err
    data = result.json()
    assert isinstance(data, dict)
    return data


def test_every_command_answers_the_same_on_both_stores(
    neo4j_cli: tuple[Cli, str], neo4j_server: Neo4jServer, tmp_path: Path
) -> None:
    cli, uri = neo4j_cli
    sqlite = str(tmp_path / "same.sqlite")
    for store in (sqlite, uri):
        result = cli("--store", store, "ingest", "--format", "json", str(ESTATE))
        assert _json(result)["refused"] == [], result.out
    for command in (("stats",), ("documents",), ("findings",), ("vendors",)):
        answers = [_json(cli("--store", s, *command, "--format", "json")) for s in (sqlite, uri)]
        for answer in answers:
            answer.pop("store", None)
        assert answers[0] == answers[1], command
    stats = _json(cli("stats", "--store", uri, "--format", "json"))
    assert stats["documents"] == 4 and stats["estate"]
    a, b = SqliteStore(Path(sqlite)), neo4j_server.store()
    try:
        assert_same_answers(a, b)
        channel = next(k for k, d in a.view().nodes(data=True) if d["kind"] == "UpdateChannel")
        groups = b.reachable_host_groups([channel])
        assert groups and groups == reachable_host_groups_in_view(a.view(), [channel])
    finally:
        a.close()
        b.close()


def test_migrate_both_ways_keeps_everything(
    neo4j_cli: tuple[Cli, str], neo4j_server: Neo4jServer, tmp_path: Path
) -> None:
    cli, uri = neo4j_cli
    source, back = tmp_path / "source.sqlite", tmp_path / "back.sqlite"
    assert cli("--store", str(source), "ingest", str(ESTATE)).code == 0
    report = _json(cli("migrate", "--from", str(source), "--to", uri, "--format", "json"))
    assert report == {
        "source": str(source),
        "target": uri,
        "documents": 4,
        "inserted": 4,
        "unchanged": 0,
    }
    again = cli("migrate", "--from", str(source), "--to", uri)
    assert again.code == 0 and "(0 copied, 4 already there)" in again.out
    assert (
        _json(cli("migrate", "--from", uri, "--to", str(back), "--format", "json"))["inserted"] == 4
    )
    stores = [SqliteStore(source), neo4j_server.store(), SqliteStore(back)]
    try:
        assert_same_answers(stores[0], stores[1])
        assert_same_answers(stores[1], stores[2])
        assert isinstance(stores[1], Neo4jStore)
    finally:
        for s in stores:
            s.close()


def test_migrate_refuses_what_it_cannot_read(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite"
    result = cli("migrate", "--from", str(missing), "--to", str(tmp_path / "x.sqlite"))
    assert (result.code, result.err) == (3, f"riskgraph: {missing}: no such store file\n")
    assert not (tmp_path / "x.sqlite").exists()
    down = f"bolt://127.0.0.1:{free_port()}"
    result = cli("migrate", "--from", down, "--to", str(tmp_path / "y.sqlite"))
    assert result.code == 3 and result.err.startswith(f"riskgraph: {down}: cannot reach Neo4j")
    same = cli("migrate", "--from", str(missing), "--to", str(missing))
    assert same.code == 3 and "the same store" in same.err
