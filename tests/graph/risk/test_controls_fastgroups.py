"""Host groups from the compiled snapshot equal the networkx walks of graph.risk.reach, and
the control findings with a snapshot equal those without (demo, nested and random
estates, the generated 10k estate)."""

from __future__ import annotations

import dataclasses
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings

from graph.model import ContractNode, HostGroupNode, ProductNode, UpdateChannelNode
from graph.risk.concentration_models import ConcentrationPolicy
from graph.risk.controls.base import ControlsPolicy, Finding, plan_key, sort_findings
from graph.risk.controls.closure import channels_by_software
from graph.risk.controls.context import RuleContext
from graph.risk.controls.engine import evaluate_controls
from graph.risk.controls.fastclosure import SnapshotChannels, snapshot_channels
from graph.risk.controls.fastgroups import SnapshotGroups
from graph.risk.controls.fastreach import ReachTable
from graph.risk.policy import Policy
from graph.risk.reach import (
    channel_host_groups,
    declared_platforms,
    group_facts,
    in_neighbours,
    nodes_of_kind,
    reach_of,
    software_host_groups,
    typed_node,
)
from graph.risk.remediation import attach_risk_removed
from graph.risk.snapshot import Snapshot, build_snapshot
from graph.vocabulary import EdgeKind, NodeKind
from tests.graph.risk.test_blast_properties import _view, estates
from tests.graph.risk.test_controls_lookups import _nested_estate
from tests.graph.risk.test_controls_pattern import AS_OF

Estate = tuple[nx.MultiDiGraph, Snapshot]


def _platform_view() -> nx.MultiDiGraph:
    """The nested estate plus channels limited to platforms, a host group whose platform is
    named only in its ``platform`` field, and a channel updating a platform."""
    e = _nested_estate()
    vendor = e.vendor("penguin")
    linux = e.platform("tux", vendor, family="Linux")
    bare = e.platform("bare-metal", vendor, family="")
    agent = e.component("agent-core")
    product = e.product("agent", vendor, contains=(agent,))
    operator = e.operator("penguin-op")
    function = e.function(operator, "payments")
    e.host_group(operator, "linux-hosts", 4, platform=linux, runs=(product,), supports=(function,))
    e.host_group(operator, "bare-hosts", 3, platform=bare, runs=(product,))
    e.host_group(operator, "no-platform-hosts", 2, runs=(product,))
    declared = e.host_group(operator, "declared-hosts", 5, platform=linux, runs=(product,))
    e.channel("agent-linux", updates=(agent,), platforms=("LINUX",))
    e.channel("agent-mac", updates=(agent,), platforms=("macos",))
    e.channel("tux-os", updates=(linux,))
    view = e.view()
    view.remove_edge(declared, linux)  # named in its `platform` field only
    return view


def _assert_walks_equal(view: nx.MultiDiGraph, snap: Snapshot) -> None:
    groups = SnapshotGroups(snap, view)
    by_kind = groups.keys_by_kind()
    for kind in NodeKind:
        assert sorted(by_kind[kind.value]) == nodes_of_kind(view, kind)
    for key in view:
        assert groups.software_groups([key]) == software_host_groups(view, [key]), key
        assert groups.runners(key) == tuple(in_neighbours(view, key, EdgeKind.RUNS)), key
        assert groups.containers(key) == tuple(in_neighbours(view, key, EdgeKind.CONTAINS))
    assert groups._declared_platforms() == declared_platforms(view)
    channels, reference = SnapshotChannels(snap), channels_by_software(view)
    context = _rule_context(view, snap)
    for key in view:
        if channels.covers(key):
            assert channels.channels(key) == reference.get(key, ()), key
        assert context.software_channels(key) == reference.get(key, ()), key
    boot = {snap.keys[i] for i in groups.boot_candidates()}
    for key, data in view.nodes(data=True):  # KG-KM-02's subjects are among the candidates
        booting = data.get("privilege") == "boot-start-driver" or data.get("boot_start") == "boot"
        if booting and data.get("kind") in ("Product", "Component"):
            assert key in boot, key
    assert groups.runners("product:not-in-the-view") == ()
    for channel in nodes_of_kind(view, NodeKind.UPDATE_CHANNEL):
        assert groups.channel_groups(channel) == channel_host_groups(view, channel), channel
    keys = sorted(view)
    for i in range(0, len(keys), 7):  # several keys at once, of mixed kinds
        chunk = keys[i : i + 7]
        assert groups.software_groups(chunk) == software_host_groups(view, chunk)


def test_snapshot_walks_equal_the_graph_walks_on_the_nested_estate() -> None:
    view = _platform_view()
    _assert_walks_equal(view, build_snapshot(view))
    groups = SnapshotGroups(build_snapshot(view), view)
    # the platform filter keeps Linux groups and groups of no known family, drops none else
    linux = groups.channel_groups("channel:agent-linux")
    assert "hostgroup:penguin-op/linux-hosts" in linux
    assert "hostgroup:penguin-op/no-platform-hosts" in linux
    assert "hostgroup:penguin-op/linux-hosts" not in groups.channel_groups("channel:agent-mac")
    assert "hostgroup:penguin-op/declared-hosts" not in groups.channel_groups("channel:agent-mac")
    assert groups.channel_groups("channel:tux-os") == (
        "hostgroup:penguin-op/declared-hosts",
        "hostgroup:penguin-op/linux-hosts",
    )


def test_snapshot_walks_equal_the_graph_walks_on_the_demo(demo: Estate) -> None:
    view, snap = demo
    _assert_walks_equal(view, snap)


def test_the_snapshot_keeps_one_channel_walk_the_rules_read(demo: Estate) -> None:
    """Built ahead (a parallel report does it before it forks its side child), the rules
    read the same object; it is the snapshot's memo, not part of what is compared or cached."""
    view, snap = demo
    snap = dataclasses.replace(snap, cache=dict(snap.cache))  # the fixture's stays as it is
    ahead = snapshot_channels(snap)
    assert snapshot_channels(snap) is ahead
    context = _rule_context(view, snap)
    product = next(k for k in nodes_of_kind(view, NodeKind.PRODUCT) if ahead.covers(k))
    assert context.software_channels(product) == ahead.channels(product)
    assert context._snapshot_channels is ahead
    assert ahead.channels(product) == channels_by_software(view).get(product, ())


@settings(max_examples=40, deadline=None)
@given(estate=estates())
def test_snapshot_walks_equal_the_graph_walks_on_random_estates(
    estate: tuple[list[Any], list[tuple[str, str, str]]],
) -> None:
    view = _view(*estate)
    _assert_walks_equal(view, build_snapshot(view))


def test_a_snapshot_of_another_view_is_not_used() -> None:
    view = _platform_view()
    other = view.copy()
    other.add_edge("hostgroup:penguin-op/bare-hosts", "product:agent", kind=EdgeKind.RUNS.value)
    other.add_node("product:late", kind=NodeKind.PRODUCT.value)
    assert SnapshotGroups.fits(build_snapshot(view), view)
    assert not SnapshotGroups.fits(build_snapshot(view), other)
    assert not SnapshotGroups.fits(None, view)


def _same_findings(view: nx.MultiDiGraph, snap: Snapshot) -> None:
    reference = evaluate_controls(view, as_of=AS_OF)
    fast = evaluate_controls(view, as_of=AS_OF, snapshot=snap)
    assert fast == reference
    assert [f.model_dump(mode="json") for f in fast] == [
        f.model_dump(mode="json") for f in reference
    ]


def test_findings_with_a_snapshot_equal_findings_without_on_the_demo(demo: Estate) -> None:
    _same_findings(*demo)
    view = _platform_view()
    _same_findings(view, build_snapshot(view))


@pytest.mark.slow
def test_findings_with_a_snapshot_equal_findings_without_on_10k(synth10k: Estate) -> None:
    view, snap = synth10k
    _assert_walks_equal(view, snap)
    _same_findings(view, snap)
    _assert_table_reach_equal(view)


def test_typed_nodes_and_plan_keys_equal_the_reference(demo: Estate) -> None:
    view, snap = demo
    context = RuleContext(
        view, policy=ControlsPolicy(), concentration_policy=ConcentrationPolicy(), as_of=AS_OF
    )
    for key in view:
        for model in (HostGroupNode, ContractNode, UpdateChannelNode, ProductNode):
            assert context.typed(key, model) == typed_node(view, key, model)
    assert sum(1 for k in view if context.typed(k, HostGroupNode) is not None) >= 3
    policy = Policy()
    findings = attach_risk_removed(
        view, evaluate_controls(view, as_of=AS_OF), policy=policy, snapshot=snap
    )
    assert any(f.risk_removed for f in findings) and any(not f.risk_removed for f in findings)
    assert [plan_key(f) for f in findings] == [f.sort_key() for f in findings]
    assert list(sort_findings(list(reversed(findings)))) == sorted(findings, key=Finding.sort_key)


def _assert_table_reach_equal(view: nx.MultiDiGraph) -> None:
    groups = nodes_of_kind(view, NodeKind.HOST_GROUP)
    facts = [group_facts(view, g) for g in groups]
    table = ReachTable(groups, facts)
    by_key = dict(zip(groups, facts, strict=True))
    subsets = [tuple(groups), tuple(groups[::2]), tuple(groups[1::3]), groups[:1], ()]
    subsets += [tuple(groups[i : i + 5]) for i in range(0, len(groups), 5)]
    for subset in subsets:
        expected = reach_of(tuple(subset), [by_key[g] for g in subset])
        got = table.reach(tuple(subset))
        assert got == expected
        assert got.model_dump_json() == expected.model_dump_json()
        assert got.model_fields_set == expected.model_fields_set
        assert all(type(v) is int for v in (got.hosts, got.critical_hosts))
    assert table.covers(groups) and not table.covers(["hostgroup:nowhere"])


def test_table_reach_equals_reach_of(demo: Estate) -> None:
    _assert_table_reach_equal(demo[0])
    _assert_table_reach_equal(_platform_view())
    whole = ReachTable(
        nodes_of_kind(demo[0], NodeKind.HOST_GROUP),
        [group_facts(demo[0], g) for g in nodes_of_kind(demo[0], NodeKind.HOST_GROUP)],
    ).reach(tuple(nodes_of_kind(demo[0], NodeKind.HOST_GROUP)))
    assert whole.cii_critical_functions and whole.cii_operators and whole.critical_hosts


@settings(max_examples=40, deadline=None)
@given(estate=estates())
def test_table_reach_equals_reach_of_on_random_estates(
    estate: tuple[list[Any], list[tuple[str, str, str]]],
) -> None:
    _assert_table_reach_equal(_view(*estate))


def _rule_context(view: nx.MultiDiGraph, snap: Snapshot) -> RuleContext:
    """The control rules' context of ``view`` with default policies, reading ``snap``."""
    return RuleContext(
        view,
        policy=ControlsPolicy(),
        concentration_policy=ConcentrationPolicy(),
        as_of=AS_OF,
        snapshot=snap,
    )
