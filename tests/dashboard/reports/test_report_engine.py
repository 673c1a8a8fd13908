"""The report built on the compiled snapshot engine has the bytes of the reference one.

Large views rank, take the top blast radii and the risk removed from the snapshot engine;
the demo is small enough for the networkx reference. With the threshold at zero the demo
takes the snapshot path too, and its JSON must not change by a byte: an estate-wide report
and an operator-scoped one (whose other-operator rows come from a snapshot of the whole
view).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.reports import build_report, render_report
from graph.risk import ranking_engine
from graph.risk.policy import Policy
from graph.store import open_store
from tests.dashboard.reports.conftest import CLOCK


def _json(store_path: Path, scope: str) -> bytes:
    store = open_store(str(store_path))
    try:
        return render_report(
            build_report(store, scope, policy=Policy(), clock=lambda: CLOCK), "json"
        )
    finally:
        store.close()


@pytest.mark.parametrize("scope", ["all", "operator:harbor-bank"])
def test_snapshot_engine_gives_the_reference_report_bytes(
    report_store: Path, monkeypatch: pytest.MonkeyPatch, scope: str
) -> None:
    reference = _json(report_store, scope)
    calls: list[int] = []
    real = ranking_engine.view_snapshot

    def counted(view, engine="auto"):  # type: ignore[no-untyped-def]
        snap = real(view, engine)
        calls.append(0 if snap is None else snap.node_count)
        return snap

    monkeypatch.setattr(ranking_engine, "FAST_RANK_NODES", 0)  # the snapshot even on the demo
    from dashboard.reports import build as build_module
    from dashboard.reports import impacts as impacts_module

    monkeypatch.setattr(build_module, "view_snapshot", counted)
    monkeypatch.setattr(impacts_module, "view_snapshot", counted)  # the whole view's
    assert _json(report_store, scope) == reference
    assert calls and all(calls)  # the snapshot path ran
    if scope != "all":
        assert len(calls) == 2  # the scoped view's snapshot and the whole view's
