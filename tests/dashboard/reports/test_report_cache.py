"""A report read from the estate cache (graph.estate_cache) has the bytes of one built from
the store: the first build writes the file, the second reads it, for an estate-wide and an
operator-scoped report, on the networkx reference and on the snapshot engine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph import estate_cache
from graph.risk import ranking_engine
from tests.conftest import run_cli
from tests.dashboard.reports.test_report_engine import _json


@pytest.mark.parametrize("engine_nodes", [ranking_engine.FAST_RANK_NODES, 0])
@pytest.mark.parametrize("scope", ["all", "operator:harbor-bank"])
def test_a_report_from_the_cache_has_the_bytes_of_one_from_the_store(
    report_store: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    scope: str,
    engine_nodes: int,
) -> None:
    monkeypatch.setattr(ranking_engine, "FAST_RANK_NODES", engine_nodes)
    monkeypatch.setenv("RISKGRAPH_VIEW_CACHE", "off")
    reference = _json(report_store, scope)
    cache = tmp_path / "cache"
    monkeypatch.setenv("RISKGRAPH_VIEW_CACHE", str(cache))
    monkeypatch.setattr(estate_cache, "MIN_DOCUMENTS", 0)  # the demo is cached too
    sources: list[str] = []
    real = estate_cache.read_estate

    def traced(*args, **kwargs):  # type: ignore[no-untyped-def]
        estate = real(*args, **kwargs)
        sources.append(estate.source)
        return estate

    from dashboard.reports import build as build_module

    monkeypatch.setattr(build_module, "read_estate", traced)
    assert _json(report_store, scope) == reference  # builds, writes the file in a child
    assert len(list(cache.glob("*.pickle"))) == 1
    assert _json(report_store, scope) == reference  # reads the file
    assert sources == ["store", "cache"]


@pytest.mark.parametrize("engine_nodes", [ranking_engine.FAST_RANK_NODES, 0])
def test_the_cli_writes_a_missed_cache_file_once_the_report_is_out(
    report_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine_nodes: int
) -> None:
    """``riskgraph report`` on a miss: no file during the build; a detached writer started
    after the report is written leaves the file the next report reads (the view and the
    snapshot as the build left them: unchanged by it), same bytes."""
    monkeypatch.setattr(ranking_engine, "FAST_RANK_NODES", engine_nodes)
    cache = tmp_path / "cache"
    monkeypatch.setenv("RISKGRAPH_VIEW_CACHE", str(cache))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")
    monkeypatch.setattr(estate_cache, "MIN_DOCUMENTS", 0)
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    writers: list[int | None] = []
    real = estate_cache.Estate.write_detached

    def traced(estate: estate_cache.Estate) -> int | None:
        if not writers:  # the miss: the report is out, the file not written yet
            assert first.exists() and not list(cache.glob("*.pickle"))
        writers.append(real(estate))
        return writers[-1]

    monkeypatch.setattr(estate_cache.Estate, "write_detached", traced)
    made = run_cli("--store", str(report_store), "report", "--out", str(first))
    assert made.code == 0, made.err
    (pid,) = writers
    assert pid is not None
    assert os.waitpid(pid, 0)[1] == 0
    assert len(list(cache.glob("*.pickle"))) == 1
    again = run_cli("--store", str(report_store), "report", "--out", str(second))
    assert again.code == 0, again.err
    assert writers == [pid, None]  # read from the file: nothing to write
    assert second.read_bytes() == first.read_bytes()
