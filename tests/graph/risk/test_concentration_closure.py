"""Channels and channel reach from the compiled snapshot equal the networkx walks, and the
concentration findings with a snapshot equal those without (random estates with cycles,
the demo, a chain too deep to settle); layers added to a summary later equal layers
computed with it."""

from __future__ import annotations

import itertools

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.model import (
    ComponentNode,
    FunctionNode,
    HostGroupNode,
    OperatorNode,
    PlatformNode,
    ProductNode,
    Provenance,
    UpdateChannelNode,
    VendorNode,
)
from graph.risk.concentration import concentration_summary
from graph.risk.concentration_closure import MAX_ROUNDS, ClosureChannels
from graph.risk.concentration_models import ScopeKind
from graph.risk.concentration_reached import Reached
from graph.risk.concentration_usage import estate_usage
from graph.risk.reach import channel_host_groups, channels_of, nodes_of_kind
from graph.risk.snapshot import Snapshot, build_snapshot
from graph.store.view import EdgeAssertion, NodeAssertion, build_view
from graph.vocabulary import Environment, NodeKind, ProductCategory

P = Provenance(document_id="doc-closure", sha256="0" * 64, location="/")
_STRUCTURE = ("CONTAINS", "DEPENDS_ON")


@st.composite
def estates(draw: st.DrawFn) -> nx.MultiDiGraph:
    """Products, components and platforms linked by CONTAINS/DEPENDS_ON in any direction
    (cycles, self links, a platform containing a component), 1-70 channels updating any
    of them, and host groups running products and platforms."""
    n_comp, n_prod, n_chan = (
        draw(st.integers(1, 8)),
        draw(st.integers(1, 4)),
        draw(st.integers(1, 70)),
    )
    software = [f"component:c{i}" for i in range(n_comp)] + [f"product:p{i}" for i in range(n_prod)]
    platforms = ["platform:win", "platform:lin"]
    nodes: list = [
        OperatorNode(key="operator:o", name="o", cii=True, provenance=P),
        VendorNode(key="vendor:v", name="v", provenance=P),
        PlatformNode(
            key="platform:win", name="w", platform_kind="os", family="windows", provenance=P
        ),
        PlatformNode(
            key="platform:lin", name="l", platform_kind="os", family="linux", provenance=P
        ),
    ]
    nodes += [ComponentNode(key=k, name=k, provenance=P) for k in software if "component" in k]
    edges: list[tuple[str, str, str]] = []
    categories = st.sampled_from([ProductCategory.EDR, ProductCategory.DATABASE])
    nodes += [
        ProductNode(key=k, name=k, category=draw(categories), provenance=P)
        for k in software
        if "product" in k
    ]
    nodes.append(FunctionNode(key="function:f", name="f", operator="operator:o", provenance=P))
    for key in [*software, *platforms]:
        if "component" not in key:
            edges.append((key, "SUPPLIED_BY", draw(st.sampled_from(["vendor:v", "vendor:w"]))))
    nodes.append(VendorNode(key="vendor:w", name="w", provenance=P))
    members = st.sampled_from([*software, *platforms])
    for _ in range(draw(st.integers(0, 25))):
        edges.append(
            (draw(members), draw(st.sampled_from(_STRUCTURE)), draw(st.sampled_from(software)))
        )
    for c in range(n_chan):
        limited = draw(st.sets(st.sampled_from(["windows", "linux", "macos"]), max_size=1))
        nodes.append(
            UpdateChannelNode(
                key=f"channel:u{c:02d}", name=f"u{c}", platforms=tuple(limited), provenance=P
            )
        )
        for key in draw(st.sets(members, max_size=3)):
            edges.append((key, "UPDATED_VIA", f"channel:u{c:02d}"))
    for h in range(draw(st.integers(1, 5))):
        group = f"hostgroup:h{h}"
        nodes.append(
            HostGroupNode(
                key=group,
                name=group,
                operator="operator:o",
                host_count=h + 1,
                environment=Environment.ENDPOINT,
                provenance=P,
            )
        )
        edges.append((group, "RUNS_ON", draw(st.sampled_from(platforms))))
        edges.append((group, "SUPPORTS", "function:f"))
        edges += [(group, "RUNS", p) for p in draw(st.sets(st.sampled_from(software), max_size=3))]
    return _view(nodes, edges)


def _view(nodes: list, edges: list[tuple[str, str, str]]) -> nx.MultiDiGraph:
    assertions = [
        NodeAssertion(
            n.key, n.kind.value, n.model_dump(mode="json", exclude={"key", "kind", "provenance"}), P
        )
        for n in sorted(nodes, key=lambda n: n.key)
    ]
    return build_view(assertions, [EdgeAssertion(s, k, t, "", P) for s, k, t in edges])


def _assert_reached_equal(view: nx.MultiDiGraph, snap: Snapshot) -> None:
    fast, reference = Reached(view, snap), Reached(view)
    assert fast._closure is not None and fast._groups is not None  # the snapshot is used
    for key in view:
        assert fast.channels_of(key) == channels_of(view, key) == reference.channels_of(key), key
    for channel in nodes_of_kind(view, NodeKind.UPDATE_CHANNEL):
        assert fast(channel) == frozenset(channel_host_groups(view, channel)), channel


@settings(max_examples=60, deadline=None)
@given(view=estates())
def test_snapshot_channels_equal_the_graph_walks_on_random_estates(view: nx.MultiDiGraph) -> None:
    _assert_reached_equal(view, build_snapshot(view))


def test_snapshot_channels_equal_the_graph_walks_on_the_demo(
    demo: tuple[nx.MultiDiGraph, Snapshot],
) -> None:
    view, snap = demo
    _assert_reached_equal(view, snap)
    assert any(Reached(view, snap).channels_of(k) for k in view)  # not vacuous


def test_channel_sets_span_several_words() -> None:
    """70 channels on one chain: bits in two 64-bit words, in key order."""
    chain = [f"component:c{i}" for i in range(3)]
    nodes: list = [ComponentNode(key=k, name=k, provenance=P) for k in chain]
    edges = [(a, "DEPENDS_ON", b) for a, b in itertools.pairwise(chain)]
    for c in range(70):
        nodes.append(UpdateChannelNode(key=f"channel:u{c:02d}", name=f"u{c}", provenance=P))
        edges.append((chain[c % 3], "UPDATED_VIA", f"channel:u{c:02d}"))
    view = _view(nodes, edges)
    closure = ClosureChannels.of_snapshot(build_snapshot(view))
    assert closure is not None
    assert closure.channels_of("component:c0") == tuple(f"channel:u{c:02d}" for c in range(70))
    assert closure.channels_of("component:c2") == channels_of(view, "component:c2")
    assert len(closure.channels_of("component:c2")) == 23


def test_a_chain_deeper_than_the_rounds_falls_back_to_the_walk() -> None:
    chain = [f"component:c{i:03d}" for i in range(MAX_ROUNDS + 3)]
    nodes: list = [ComponentNode(key=k, name=k, provenance=P) for k in chain]
    nodes.append(UpdateChannelNode(key="channel:end", name="end", provenance=P))
    edges = [(a, "DEPENDS_ON", b) for a, b in itertools.pairwise(chain)]
    edges.append((chain[-1], "UPDATED_VIA", "channel:end"))
    view = _view(nodes, edges)
    snap = build_snapshot(view)
    assert ClosureChannels.of_snapshot(snap) is None
    reached = Reached(view, snap)
    assert reached._closure is None
    assert reached.channels_of(chain[0]) == ("channel:end",) == channels_of(view, chain[0])


def test_a_snapshot_of_another_view_is_not_used(demo: tuple[nx.MultiDiGraph, Snapshot]) -> None:
    view, snap = demo
    other = view.copy()
    other.add_node("product:late", kind=NodeKind.PRODUCT.value)
    reached = Reached(other, snap)
    assert reached._closure is None and reached._groups is None


@settings(max_examples=30, deadline=None)
@given(view=estates())
def test_summary_with_a_snapshot_equals_the_summary_without(view: nx.MultiDiGraph) -> None:
    snap = build_snapshot(view)
    assert concentration_summary(view, snapshot=snap) == concentration_summary(view)


def test_demo_summary_with_a_snapshot_equals_the_summary_without(
    demo: tuple[nx.MultiDiGraph, Snapshot],
) -> None:
    view, snap = demo
    fast = concentration_summary(view, snapshot=snap)
    assert fast == concentration_summary(view)
    assert fast.single_vendor and fast.systemic  # not vacuous


_REPORT_KINDS = (ScopeKind.ESTATE, ScopeKind.SECTOR, ScopeKind.JURISDICTION, ScopeKind.OPERATOR)


def _layers_later_equal(view: nx.MultiDiGraph) -> None:
    usage = estate_usage(view)
    whole = concentration_summary(view, scope_kinds=_REPORT_KINDS, usage=usage)
    sectors = concentration_summary(view, scope_kinds=(ScopeKind.SECTOR,), usage=usage)
    assert whole.with_layers(view, usage, _REPORT_KINDS) is whole
    later = sectors.with_layers(view, usage, _REPORT_KINDS)
    assert later == whole
    assert (later.single_vendor, later.systemic) == (sectors.single_vendor, sectors.systemic)


@settings(max_examples=30, deadline=None)
@given(view=estates())
def test_layers_added_later_equal_layers_computed_at_once(view: nx.MultiDiGraph) -> None:
    _layers_later_equal(view)


def test_demo_layers_added_later_equal_layers_computed_at_once(
    demo: tuple[nx.MultiDiGraph, Snapshot],
) -> None:
    _layers_later_equal(demo[0])
    assert {lc.scope.kind for lc in concentration_summary(demo[0]).layers} >= set(_REPORT_KINDS)
