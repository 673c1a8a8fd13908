"""The demo estate ingested reproducibly (fixed clock, repo-relative paths) and its reports.

Built once per test session: a store in a temporary directory, the ``all`` and
``operator:harbor-bank`` reports at a fixed clock. Tests that change the store copy it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dashboard.reports import Report, build_report
from graph.risk.policy import Policy
from graph.store import open_store
from tests.conftest import REPO, run_cli

CLOCK = datetime(2026, 1, 1, tzinfo=UTC)
EPOCH = "1767225600"  # the same instant, for SOURCE_DATE_EPOCH
OPERATORS = (
    "harbor-bank",
    "meridian-savings",
    "northwind-airlines",
    "skyport-airport",
    "gridco-transmission",
    "st-elmo-hospital",
    "valley-health",
    "channel-nine",
    "freshmart",
)


@pytest.fixture(scope="session")
def report_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sample_sboms/ ingested at a fixed time, paths relative to the repository."""
    path = tmp_path_factory.mktemp("reports") / "demo.sqlite"
    with pytest.MonkeyPatch.context() as mp, contextlib.chdir(REPO):
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = run_cli("--store", str(path), "ingest", "sample_sboms")
    assert result.code == 0, result.err + result.out
    return path


@pytest.fixture(scope="session")
def make_report(report_store: Path) -> Callable[[str], Report]:
    def make(scope: str) -> Report:
        store = open_store(str(report_store))
        try:
            return build_report(store, scope, policy=Policy(), clock=lambda: CLOCK)
        finally:
            store.close()

    return make


@pytest.fixture(scope="session")
def report_all(make_report: Callable[[str], Report]) -> Report:
    return make_report("all")


@pytest.fixture(scope="session")
def report_operator(make_report: Callable[[str], Report]) -> Report:
    return make_report("operator:harbor-bank")


@pytest.fixture(scope="session")
def report_energy(make_report: Callable[[str], Report]) -> Report:
    """A small report (one operator) for the tests that render many times."""
    return make_report("sector:energy")
