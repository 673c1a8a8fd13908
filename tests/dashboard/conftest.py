"""The demo estate in a store and the demo users, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.access.demo import write_demo_users
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
