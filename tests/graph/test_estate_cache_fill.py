"""The estate cache filled after an ingest: the first read after it comes from the cache
and is the store; a store written after the fill is never served the filled file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph import estate_cache
from graph.estate_cache_fill import fill_detached
from tests.conftest import run_cli
from tests.graph.test_estate_cache import (
    SAMPLE,
    _assert_is_the_store,
    _read,
    _remove_one,
    cache,
    demo_path,
)

__all__ = ["cache", "demo_path"]  # the fixtures, shared with the estate cache's tests


def _filled(pid: int | None) -> None:
    assert pid is not None
    assert os.waitpid(pid, 0)[1] == 0


def test_a_filled_cache_is_read_next_and_is_the_store(cache: Path, demo_path: Path) -> None:
    _filled(fill_detached(demo_path, min_documents=0))
    assert len(list(cache.glob("*.pickle"))) == 1
    assert not list(cache.glob("*.tmp"))
    cached = _read(demo_path)
    assert cached.source == "cache"
    _assert_is_the_store(cached, demo_path)
    assert fill_detached(demo_path, min_documents=0) is None  # its file is there


def test_a_store_written_after_the_fill_is_read_from_the_store(
    cache: Path, demo_path: Path
) -> None:
    _filled(fill_detached(demo_path, min_documents=0))
    _remove_one(demo_path)
    _filled(fill_detached(demo_path, min_documents=0))  # the content after the remove
    assert len(list(cache.glob("*.pickle"))) == 2
    removed = _read(demo_path)
    assert removed.source == "cache"
    _assert_is_the_store(removed, demo_path)
    assert any(d.get("placeholder") for _, d in removed.view.nodes(data=True))
    reingested = run_cli("--store", str(demo_path), "ingest", str(SAMPLE))
    assert reingested.code == 0  # restored: neither file is this content
    restored = _read(demo_path)
    assert restored.source == "store"
    _assert_is_the_store(restored, demo_path)


def test_nothing_is_filled_off_below_the_size_or_without_a_store(
    cache: Path, demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert fill_detached(demo_path) is None  # the demo is below MIN_DOCUMENTS
    assert fill_detached(tmp_path / "absent.sqlite", min_documents=0) is None
    assert not (tmp_path / "absent.sqlite").exists()
    monkeypatch.setenv("RISKGRAPH_VIEW_CACHE", "off")
    assert fill_detached(demo_path, min_documents=0) is None
    assert not cache.exists() or not list(cache.iterdir())


def test_ingest_fills_the_cache_for_the_next_report(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(estate_cache, "MIN_DOCUMENTS", 1)  # the demo counts as large
    path = tmp_path / "ingested.sqlite"
    assert run_cli("--store", str(path), "ingest", str(SAMPLE)).code == 0
    while not list(cache.glob("*.pickle")):  # reap children until the writer's file is in
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    cached = _read(path)
    assert cached.source == "cache"
    _assert_is_the_store(cached, path)
