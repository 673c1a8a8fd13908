"""The demo estate in a store, its canonical view and the demo users; a settable clock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import pytest

from dashboard.access.demo import write_demo_users
from graph.store import open_store
from graph.vendors import canonical_view
from tests.conftest import REPO, run_cli


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sample_sboms/ ingested into a fresh store (read-only for the tests that use it)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    result = run_cli("--store", str(path), "ingest", str(REPO / "sample_sboms"))
    assert result.code == 0, result.err + result.out
    return path


@pytest.fixture(scope="session")
def demo_users(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documented demo users (cheap scrypt cost: tests, not secrets)."""
    path = tmp_path_factory.mktemp("users") / "users.json"
    write_demo_users(path, n=2**10)
    return path


@pytest.fixture(scope="session")
def view(demo_store: Path) -> nx.MultiDiGraph:
    """The demo store's canonical view (shared: tests that change it copy it first)."""
    store = open_store(str(demo_store))
    try:
        return canonical_view(store)
    finally:
        store.close()


class Clock:
    """A clock tests move by hand (``clock.now += timedelta(...)``)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()
