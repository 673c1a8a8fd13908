"""TR-01's SBOM figures from the compiled snapshot equal the view's CONTAINS walks (demo,
nested, cyclic and random estates, the generated 10k estate) and give the same findings."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings

from graph.risk.concentration_models import ConcentrationPolicy
from graph.risk.controls.base import ControlsPolicy
from graph.risk.controls.context import RuleContext
from graph.risk.controls.fastclosure import SnapshotChannels
from graph.risk.controls.fastsbom import sbom_counts
from graph.risk.controls.transparency import _components, _structured
from graph.risk.reach import channels_of
from graph.risk.snapshot import Snapshot, build_snapshot
from graph.vocabulary import EdgeKind
from tests.graph.risk.test_blast_properties import _view, estates
from tests.graph.risk.test_controls_lookups import _context, _nested_estate
from tests.graph.risk.test_controls_pattern import AS_OF

Estate = tuple[nx.MultiDiGraph, Snapshot]


def _reference(view: nx.MultiDiGraph, key: str) -> tuple[int, int, bool]:
    context = _context(view)
    found = _components(context, key)
    with_purl = sum(1 for c in found if view.nodes[c].get("purl"))
    return len(found), with_purl, any(_structured(context, c) for c in found)


def _assert_counts_equal(view: nx.MultiDiGraph) -> int:
    """Every node's figures equal the reference walk's; returns how many nodes have
    components."""
    keys = list(view)
    counts = sbom_counts(build_snapshot(view), view, keys)
    assert counts is not None
    for key in keys:
        assert counts[key] == _reference(view, key), key
    return sum(1 for c in counts.values() if c[0])


def test_counts_equal_the_walks_on_the_nested_estate() -> None:
    assert _assert_counts_equal(_nested_estate().view()) >= 4


def test_counts_follow_cycles_and_host_groups_inside_a_closure() -> None:
    e = _nested_estate()
    vendor = e.vendor("loop")
    a = e.component("loop-a", purl="pkg:generic/loop-a@1")
    b = e.component("loop-b", purl=None)
    looped = e.product("loop-product", vendor, contains=(a,))
    e.link(a, EdgeKind.CONTAINS, b)
    e.link(b, EdgeKind.CONTAINS, looped)  # the product contains itself through b
    operator = e.operator("loop-operator")
    group = e.host_group(operator, "odd-hosts", 2)
    e.link(b, EdgeKind.CONTAINS, group)  # odd data: a host group inside a closure
    e.link(group, EdgeKind.DEPENDS_ON, a)
    lone = e.product("loop-lone", vendor, contains=(group,))
    e.link(group, EdgeKind.DEPENDS_ON, "component:pkg:generic/leaf-lib@1.0")  # updated
    view = e.view()
    assert _reference(view, looped) == (4, 1, True)
    assert _reference(view, lone) == (1, 0, True)  # structured through the host group
    _assert_counts_equal(view)
    # a host group on a structure edge: its channels still come from the view's walk
    snapshot = build_snapshot(view)
    context = RuleContext(
        view,
        policy=ControlsPolicy(),
        concentration_policy=ConcentrationPolicy(),
        as_of=AS_OF,
        snapshot=snapshot,
    )
    assert not SnapshotChannels(snapshot).covers(group)
    assert context.software_channels(group) == channels_of(view, group) != ()
    assert context.containers(group) == ("component:loop-b", lone)


def test_counts_equal_the_walks_on_the_demo(demo: Estate) -> None:
    assert _assert_counts_equal(demo[0]) >= 1


@settings(max_examples=40, deadline=None)
@given(estate=estates())
def test_counts_equal_the_walks_on_random_estates(
    estate: tuple[list[Any], list[tuple[str, str, str]]],
) -> None:
    _assert_counts_equal(_view(*estate))


def test_no_contains_table_means_no_counts() -> None:
    view = _nested_estate().view()
    snapshot = build_snapshot(view)
    snapshot.cache.clear()
    assert sbom_counts(snapshot, view, list(view)) is None


@pytest.mark.slow
def test_counts_equal_the_walks_on_10k(synth10k: Estate) -> None:
    view, snapshot = synth10k
    products = [k for k, d in view.nodes(data=True) if d.get("kind") == "Product"]
    counts = sbom_counts(snapshot, view, products)
    assert counts is not None
    assert all(counts[p] == _reference(view, p) for p in products)
