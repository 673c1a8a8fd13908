"""The control rules' memoised lookups give what the graph walks of graph.risk.reach give."""

from __future__ import annotations

from itertools import combinations

import networkx as nx
import pytest

from graph.risk.concentration_models import ConcentrationPolicy
from graph.risk.controls.base import ControlsPolicy
from graph.risk.controls.closure import channels_by_software
from graph.risk.controls.context import RuleContext
from graph.risk.reach import (
    channel_host_groups,
    channels_of,
    host_group_operator,
    host_groups_reach,
    nodes_of_kind,
    software_host_groups,
)
from graph.vocabulary import EdgeKind, NodeKind
from tests.graph.risk.builders import Estate
from tests.graph.risk.test_controls_pattern import AS_OF, demo_estate


def _nested_estate() -> Estate:
    """The demo cast plus nested products, a shared component and a component updated
    on its own (the closure walks of channels_of)."""
    e = demo_estate()
    vendor = e.vendor("nest")
    leaf = e.component("leaf-lib")
    middle = e.component("middle-lib")
    e.link(middle, EdgeKind.DEPENDS_ON, leaf)
    inner = e.product("nest-inner", vendor, contains=(middle,))
    outer = e.product("nest-outer", vendor, contains=(inner,))
    e.product("nest-other", vendor, contains=(leaf,))
    e.channel("nest-leaf-feed", updates=(leaf,))
    e.channel("nest-outer-release", updates=(outer,))
    operator = e.operator("nest-operator", cii=False)
    function = e.function(operator, "billing", critical=False)
    e.host_group(operator, "nest-hosts", 7, runs=(outer,), supports=(function,))
    return e


@pytest.fixture(scope="module")
def view() -> nx.MultiDiGraph:
    return _nested_estate().view()


def _context(view: nx.MultiDiGraph) -> RuleContext:
    return RuleContext(
        view,
        policy=ControlsPolicy(),
        concentration_policy=ConcentrationPolicy(),
        as_of=AS_OF,
    )


def test_channels_by_software_equals_channels_of_on_every_node(view: nx.MultiDiGraph) -> None:
    index = channels_by_software(view)
    assert {k: channels_of(view, k) for k in view if channels_of(view, k)} == index
    assert index[key_of(view, "nest-outer")] == (
        "channel:nest-leaf-feed",
        "channel:nest-outer-release",
    )


def key_of(view: nx.MultiDiGraph, name: str) -> str:
    (key,) = [k for k, d in view.nodes(data=True) if d.get("name") == name]
    return key


def test_reach_equals_host_groups_reach(view: nx.MultiDiGraph) -> None:
    context = _context(view)
    groups = nodes_of_kind(view, NodeKind.HOST_GROUP)
    assert len(groups) >= 3
    subsets = [(g,) for g in groups] + list(combinations(groups, 2)) + [tuple(groups), ()]
    for subset in subsets:
        expected = host_groups_reach(view, subset)
        got = context.reach(reversed(subset))
        assert got == expected
        assert got.model_dump() == expected.model_dump()
        assert got.model_fields_set == expected.model_fields_set
    # a CII operator's critical function counts; a non-critical one does not
    assert context.reach(groups).cii_critical_functions
    assert "function:nest-operator/billing" not in context.reach(groups).critical_functions


def test_memoised_walks_equal_the_graph_walks(view: nx.MultiDiGraph) -> None:
    context = _context(view)
    for channel in nodes_of_kind(view, NodeKind.UPDATE_CHANNEL):
        assert context.channel_groups(channel) == channel_host_groups(view, channel)
        assert context.channel_group_set(channel) == frozenset(channel_host_groups(view, channel))
    for key in (*nodes_of_kind(view, NodeKind.PRODUCT), *nodes_of_kind(view, NodeKind.PLATFORM)):
        assert context.software_groups(key) == software_host_groups(view, [key])
        assert context.software_channels(key) == channels_of(view, key)
    for group in nodes_of_kind(view, NodeKind.HOST_GROUP):
        assert context.operator_of(group) == host_group_operator(view, group)
