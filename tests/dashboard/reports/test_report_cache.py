"""A report read from the estate cache (graph.estate_cache) has the bytes of one built from
the store: the first build writes the file, the second reads it, for an estate-wide and an
operator-scoped report, on the networkx reference and on the snapshot engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import estate_cache
from graph.risk import ranking_engine
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
