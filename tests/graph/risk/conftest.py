"""Estates shared by the snapshot-engine tests: the demo and a generated 10k estate,
each ingested with the real CLI (session-scoped: built once per test worker)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from graph.risk.snapshot import Snapshot, build_snapshot
from graph.store.sqlite import SqliteStore
from graph.vendors import canonical_view
from tests.conftest import REPO, run_cli

SAMPLE = REPO / "sample_sboms"


def _ingested(store_path: Path, source: Path) -> Path:
    result = run_cli("--store", str(store_path), "ingest", str(source))
    assert result.code == 0, result.out[-2000:]
    return store_path


def _canonical(store_path: Path) -> nx.MultiDiGraph:
    store = SqliteStore(store_path)
    try:
        return canonical_view(store)
    finally:
        store.close()


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _ingested(tmp_path_factory.mktemp("demo") / "demo.sqlite", SAMPLE)


@pytest.fixture(scope="session")
def demo(demo_store: Path) -> tuple[nx.MultiDiGraph, Snapshot]:
    view = _canonical(demo_store)
    return view, build_snapshot(view)


@pytest.fixture(scope="session")
def synth10k_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from benchmarks.synth import generate

    out = tmp_path_factory.mktemp("synth") / "estate"
    generate("10k", 7, out)
    return _ingested(out.parent / "store.sqlite", out)


@pytest.fixture(scope="session")
def synth10k(synth10k_store: Path) -> tuple[nx.MultiDiGraph, Snapshot]:
    view = _canonical(synth10k_store)
    return view, build_snapshot(view)
