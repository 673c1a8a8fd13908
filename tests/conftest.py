"""Shared fixtures: the public corpus beside the checkout, and CLI runs in-process."""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dashboard.cli.main import main
from graph.model import ParsedDocument
from graph.store.interface import GraphStore
from graph.store.sqlite import SqliteStore
from tests.factories import FIXED
from tests.neo4j_server import BASE_PORT, Neo4jServer, start_server, worker_index

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
ASSETS = Path(__file__).resolve().parent / "assets"


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(*argv: str) -> CliResult:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run the CLI in-process against a fresh store in tmp_path."""
    monkeypatch.setenv("RISKGRAPH_STORE", str(tmp_path / "store.sqlite"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1721362140")  # 2024-07-19T04:09:00Z
    return run_cli


@pytest.fixture(autouse=True, scope="session")
def _estate_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Cache files of the test stores' views (graph.estate_cache) go to a temporary
    directory of this worker, never to the user's cache."""
    os.environ["RISKGRAPH_VIEW_CACHE"] = str(tmp_path_factory.mktemp("estate-cache"))


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the SBOM corpus must be beside the checkout at {CORPUS}")
    return CORPUS


# -- stores: the real Neo4j server and the conformance fixtures -------------------------


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    """This worker's own Neo4j (scripts/neo4j.sh up), stopped and deleted at the end.

    Never skipped: if the server cannot start, every test using it fails with the log tail.
    """
    home = tmp_path_factory.mktemp("neo4j-home")
    try:
        server = start_server(home, preferred_port=BASE_PORT + worker_index())
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    yield server
    result = server.script("wipe")
    if result.returncode != 0:
        print(f"neo4j wipe failed: {result.stderr}", file=sys.stderr)


@pytest.fixture
def both_stores(
    neo4j_server: Neo4jServer, tmp_path: Path
) -> Iterator[Callable[[Sequence[ParsedDocument]], tuple[GraphStore, GraphStore]]]:
    """``load(documents) -> (sqlite, neo4j)``: both stores holding the same documents.

    A parity test over some files is then one function::

        def test_parity(both_stores):
            sqlite, neo4j = both_stores([parse_file(p) for p in FILES])
            assert_same_answers(sqlite, neo4j)  # tests/store_parity.py
    """
    opened: list[GraphStore] = []

    def load(documents: Sequence[ParsedDocument]) -> tuple[GraphStore, GraphStore]:
        neo4j_server.wipe()
        pair: tuple[GraphStore, GraphStore] = (
            SqliteStore(tmp_path / f"parity{len(opened)}.sqlite", clock=lambda: FIXED),
            neo4j_server.store(clock=FIXED),
        )
        opened.extend(pair)
        for store in pair:
            for document in documents:
                store.upsert_document(document)
        return pair

    yield load
    for store in opened:
        store.close()
