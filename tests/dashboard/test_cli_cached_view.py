"""The analysis commands read the store's view through the estate cache: the first command
writes the cache file, later ones read it, and the answers are those of the store itself."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import graph.estate_cache
from tests.conftest import REPO, run_cli

BLAST = ("blast-radius", "--channel", "aegis-rapid-content", "--format", "json")


def _written(cache: Path) -> list[Path]:
    """The cache files, once the detached writer has renamed its file into place."""
    deadline = time.monotonic() + 120
    while not (files := sorted(cache.glob("*.pickle"))) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(files) == 1, sorted(cache.iterdir()) if cache.is_dir() else "no cache directory"
    return files


def test_blast_radius_writes_then_reads_the_cache_and_answers_as_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = str(tmp_path / "demo.sqlite")
    assert run_cli("--store", store, "ingest", str(REPO / "sample_sboms")).code == 0
    cache = tmp_path / "cache"
    monkeypatch.setenv("RISKGRAPH_VIEW_CACHE", str(cache))
    monkeypatch.setattr(graph.estate_cache, "MIN_DOCUMENTS", 1)  # the demo is small

    first = run_cli("--store", store, *BLAST)
    assert first.code == 0, first.err
    files = _written(cache)  # by a detached child, after the command's work
    written = files[0].stat().st_mtime_ns

    second = run_cli("--store", store, *BLAST)
    assert second.code == 0, second.err
    assert second.out == first.out
    assert sorted(cache.glob("*.pickle")) == files
    assert files[0].stat().st_mtime_ns >= written

    monkeypatch.setenv("RISKGRAPH_VIEW_CACHE", "off")
    uncached = run_cli("--store", store, *BLAST)
    assert uncached.code == 0, uncached.err
    assert uncached.out == first.out
    assert first.json()["hosts_down"] > 0
