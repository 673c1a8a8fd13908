"""``riskgraph rank``: both engines give the same list; options the ranking cannot honour
are refused rather than ignored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.risk.ranking_engine import _from_rows
from graph.store.sqlite import SqliteStore
from tests.conftest import run_cli


def _rank(store: Path, *extra: str) -> str:
    result = run_cli("--store", str(store), "rank", *extra)
    assert result.code == 0, result.err
    return result.out


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_snapshot_engine_ranks_the_demo_like_the_reference(demo_store: Path, fmt: str) -> None:
    reference = _rank(demo_store, "--engine", "reference", "--format", fmt)
    assert _rank(demo_store, "--engine", "snapshot", "--format", fmt) == reference
    assert _rank(demo_store, "--format", fmt) == reference  # auto


def test_the_july_channel_ranks_first_among_channels(demo_store: Path) -> None:
    out = _rank(demo_store, "--kind", "channel", "--format", "json")
    subjects = json.loads(out)["subjects"]
    assert subjects[0]["key"] == "channel:aegis-rapid-content"
    assert subjects[0]["hosts_down"] == 13_310
    assert [s["rank"] for s in subjects] == list(range(1, len(subjects) + 1))


def test_push_time_is_refused_by_rank(demo_store: Path) -> None:
    result = run_cli("--store", str(demo_store), "rank", "--push-time", "2024-07-19T04:09Z")
    assert result.code == 2
    assert "--push-time" in result.err
    assert "Traceback" not in result.err


def test_auto_reads_small_stores_through_the_view(demo_store: Path) -> None:
    store = SqliteStore(demo_store)
    try:
        assert _from_rows(store, "auto") is False  # 25 documents
        assert _from_rows(store, "snapshot") is True
        assert _from_rows(store, "reference") is False
    finally:
        store.close()
