"""Pausing the collector, and graphs freed by reference counting once their views go."""

from __future__ import annotations

import gc
import weakref

import networkx as nx

from graph.gcpause import drop_cached_views, paused_gc


def _read_graph() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_edge("a", "b", kind="RUNS")
    assert list(graph.nodes) == ["a", "b"]
    assert list(graph.out_edges("a", data="kind")) == [("a", "b", "RUNS")]
    return graph


def test_a_read_graph_needs_the_collector_until_its_views_are_dropped() -> None:
    with paused_gc():
        kept = _read_graph()
        ref = weakref.ref(kept)
        del kept
        assert ref() is not None  # a cycle: the cached views hold the graph

        dropped = _read_graph()
        dropped_ref = weakref.ref(dropped)
        drop_cached_views(dropped)
        del dropped
        assert dropped_ref() is None  # freed by reference counting
    gc.collect()
    assert ref() is None


def test_views_come_back_after_dropping() -> None:
    graph = _read_graph()
    drop_cached_views(graph)
    assert "nodes" not in vars(graph)
    assert list(graph.nodes) == ["a", "b"]
    assert list(graph.in_edges("b")) == [("a", "b")]


def test_paused_gc_restores_the_previous_state() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_what_survives_the_block_is_old_and_its_cycles_are_still_collected() -> None:
    with paused_gc():
        kept = [[i] for i in range(1_000)]
        first, second = _Node(), _Node()
        first.other, second.other = second, first  # a cycle, dropped below
        cycle = weakref.ref(first)
        del first, second
    young = {id(o) for o in gc.get_objects(generation=0)} | {
        id(o) for o in gc.get_objects(generation=1)
    }
    assert not any(id(item) in young for item in kept)
    assert any(o is kept for o in gc.get_objects(generation=2))
    assert cycle() is not None  # no collection ran on leaving the block
    gc.collect()
    assert cycle() is None
