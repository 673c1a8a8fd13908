"""Concentration: hand-computed shares, HHI, bands, group collapse, intersections, findings."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.risk.concentration import (
    Band,
    ConcentrationPolicy,
    ExposureSet,
    Scope,
    ScopeKind,
    concentration_band,
    concentration_report,
    hhi,
    layer_concentration,
    layer_intersections,
    single_vendor_dependencies,
    systemic_vendors,
)
from graph.risk.concentration_shares import layer_concentrations
from graph.vocabulary import ChannelKind, CustomerDeferral, ProductCategory
from tests.graph.risk.builders import Estate

EDR = ProductCategory.EDR


def _edr_estate(hosts_by_vendor: list[tuple[str, int]], *, critical: bool = True) -> Estate:
    """One operator; one host group per entry running that vendor's EDR product."""
    e = Estate()
    op = e.operator("op")
    fn = e.function(op, "fn", critical=critical)
    for i, (vendor, hosts) in enumerate(hosts_by_vendor):
        v = e.vendor(vendor)
        product = e.product(f"{vendor}-edr", v)
        e.host_group(op, f"g{i}", hosts, runs=(product,), supports=(fn,))
    return e


def test_hhi_of_two_vendors_60_40_is_5200() -> None:
    lc = layer_concentration(_edr_estate([("a", 60), ("b", 40)]).view(), EDR)
    m = lc.by_hosts
    assert m.hhi == 5200
    assert (m.cr1, m.cr3, m.suppliers) == (60, 100, 2)
    assert m.effective_suppliers == pytest.approx(10_000 / 5200)
    assert (m.band_2023, m.band_2010) == (Band.HIGHLY, Band.HIGHLY)
    assert [(s.vendor, s.share, s.hosts) for s in lc.shares] == [
        ("vendor:a", 60, 60),
        ("vendor:b", 40, 40),
    ]


def test_single_vendor_is_10000_and_one_effective_supplier() -> None:
    m = layer_concentration(_edr_estate([("a", 7)]).view(), EDR).by_hosts
    assert (m.hhi, m.cr1, m.effective_suppliers) == (10_000, 100, 1)


def test_five_equal_vendors_are_high_in_2023_but_moderate_in_2010() -> None:
    view = _edr_estate([(f"v{i}", 20) for i in range(5)]).view()
    m = layer_concentration(view, EDR).by_hosts
    assert m.hhi == pytest.approx(2000)
    assert m.effective_suppliers == pytest.approx(5)
    assert m.cr3 == pytest.approx(60)
    assert (m.band_2023, m.band_2010) == (Band.HIGHLY, Band.MODERATELY)


@pytest.mark.parametrize(
    ("value", "bounds", "band"),
    [
        (999.9, (1000, 1800), Band.UNCONCENTRATED),
        (1000, (1000, 1800), Band.MODERATELY),
        (1800, (1000, 1800), Band.MODERATELY),
        (1800.1, (1000, 1800), Band.HIGHLY),
        (1499, (1500, 2500), Band.UNCONCENTRATED),
        (2500, (1500, 2500), Band.MODERATELY),
        (2501, (1500, 2500), Band.HIGHLY),
    ],
)
def test_bands(value: float, bounds: tuple[float, float], band: Band) -> None:
    assert concentration_band(value, bounds) is band


def test_critical_host_weighting_only_counts_hosts_of_critical_functions() -> None:
    e = Estate()
    op = e.operator("op")
    fn = e.function(op, "fn")
    a, b = e.product("a-edr", e.vendor("a")), e.product("b-edr", e.vendor("b"))
    e.host_group(op, "critical", 60, runs=(a,), supports=(fn,))
    e.host_group(op, "office", 40, runs=(b,))
    lc = layer_concentration(e.view(), EDR)
    assert lc.by_hosts.hhi == 5200
    assert lc.by_critical_hosts.hhi == 10_000
    assert {s.vendor: s.critical_share for s in lc.shares} == {"vendor:a": 100, "vendor:b": 0}


def test_a_group_running_two_vendors_splits_its_hosts_but_depends_on_both() -> None:
    e = Estate()
    op = e.operator("op")
    a, b = e.product("a-edr", e.vendor("a")), e.product("b-edr", e.vendor("b"))
    e.host_group(op, "g", 100, runs=(a, b))
    lc = layer_concentration(e.view(), EDR)
    assert [(s.hosts, s.share, s.hosts_exposed) for s in lc.shares] == [(50, 50, 100)] * 2
    assert lc.by_hosts.hhi == 5000


def test_corporate_groups_collapse_only_when_asked() -> None:
    e = Estate()
    op = e.operator("op")
    parent = e.vendor("aegis")
    child = e.vendor("aegis-labs", parent=parent)
    e.host_group(op, "g1", 60, runs=(e.product("sensor", parent),))
    e.host_group(op, "g2", 40, runs=(e.product("labs-sensor", child),))
    view = e.view()
    assert layer_concentration(view, EDR).by_hosts.hhi == 5200
    grouped = layer_concentration(view, EDR, group_level=True)
    assert grouped.by_hosts.hhi == 10_000
    assert [(s.vendor, s.members) for s in grouped.shares] == [
        ("vendor:aegis", ("vendor:aegis", "vendor:aegis-labs"))
    ]


def _two_layer_estate() -> Estate:
    """Windows+Aegis 100 hosts, Windows+Bastion 50, Linux+Aegis 30."""
    e = Estate()
    op = e.operator("op")
    fenestra, penguin = e.vendor("fenestra"), e.vendor("penguin")
    aegis, bastion = e.vendor("aegis"), e.vendor("bastion")
    windows = e.platform("windows-11", fenestra)
    linux = e.platform("linux-9", penguin, family="linux")
    driver = e.component("aegisdrv.sys", privilege="boot-start-driver")
    sensor = e.product("aegis-sensor", aegis, contains=(driver,))
    e.channel(
        "aegis-rapid-content",
        updates=(driver,),
        channel_kind=ChannelKind.CONTENT,
        platforms=("windows",),
        rollout_stages=1,
        customer_deferral=CustomerDeferral.NONE,
    )
    bastion_edr = e.product("bastion-edr", bastion)
    e.host_group(op, "win-aegis", 100, platform=windows, runs=(sensor,))
    e.host_group(op, "win-bastion", 50, platform=windows, runs=(bastion_edr,))
    e.host_group(op, "linux-aegis", 30, platform=linux, runs=(sensor,))
    return e


def test_layer_intersection_counts_hosts_on_both_and_honours_channel_platforms() -> None:
    found = layer_intersections(_two_layer_estate().view(), scope_kinds=[ScopeKind.ESTATE])
    by_sets = {(i.a, i.b): i for i in found}
    os_fenestra = ExposureSet(layer=ProductCategory.OS, vendor="vendor:fenestra")
    edr_aegis = ExposureSet(layer=EDR, vendor="vendor:aegis")
    both = by_sets[(edr_aegis, os_fenestra)]
    assert both.hosts == 100
    assert both.share_of_scope == pytest.approx(100 * 100 / 180)
    assert both.share_of_a == pytest.approx(100 * 100 / 130)  # of Aegis's hosts
    assert both.share_of_b == pytest.approx(100 * 100 / 150)  # of Windows hosts
    content = ExposureSet(layer=EDR, vendor="vendor:aegis", channel="channel:aegis-rapid-content")
    windows_and_content = by_sets[(os_fenestra, content)]
    assert windows_and_content.hosts == 100  # the Linux group does not take the channel
    assert windows_and_content.host_groups == ("hostgroup:op/win-aegis",)
    penguin = ExposureSet(layer=ProductCategory.OS, vendor="vendor:penguin")
    assert by_sets[(edr_aegis, penguin)].hosts == 30
    assert (penguin, content) not in by_sets


def test_scopes_cover_operator_function_sector_and_jurisdiction() -> None:
    e = Estate()
    a = e.product("a-edr", e.vendor("a"))
    north = e.operator("north", sector="aviation", jurisdictions=("DE",))
    south = e.operator("south", sector="banking", jurisdictions=("DE", "FR"))
    fn = e.function(north, "checkin")
    e.host_group(north, "kiosks", 10, runs=(a,), supports=(fn,))
    e.host_group(south, "desktops", 5, runs=(a,))
    scopes = {lc.scope.key: lc.hosts_in_scope for lc in layer_concentrations(e.view())}
    assert scopes == {
        "estate": 15,
        "operator:north": 10,
        "operator:south": 5,
        "function:north/checkin": 10,
        "sector:aviation": 10,
        "sector:banking": 5,
        "jurisdiction:DE": 15,
        "jurisdiction:FR": 5,
    }


def test_empty_scope_gives_no_metrics() -> None:
    scope = Scope(kind=ScopeKind.OPERATOR, key="operator:nobody", name="nobody")
    lc = layer_concentration(_edr_estate([("a", 5)]).view(), EDR, scope)
    assert lc.by_hosts.hhi is None and lc.shares == ()


def _function_split(
    share_a: int, *, a_channel: dict[str, object] | None = None, cii: bool = True
) -> Estate:
    """One critical function: ``share_a`` hosts on vendor a, the rest on vendor b."""
    e = Estate()
    op = e.operator("op", cii=cii)
    fn = e.function(op, "fn")
    a, b = e.product("a-edr", e.vendor("a")), e.product("b-edr", e.vendor("b"))
    if a_channel is not None:
        e.channel("a-content", updates=(a,), **a_channel)
    e.host_group(op, "ga", share_a, runs=(a,), supports=(fn,))
    if share_a < 100:
        e.host_group(op, "gb", 100 - share_a, runs=(b,), supports=(fn,))
    return e


UNSTAGED = {"rollout_stages": 1, "customer_deferral": CustomerDeferral.CHANNEL}
STAGED = {
    "rollout_stages": 3,
    "customer_deferral": CustomerDeferral.CHANNEL,
    "customer_pin_versions": 1,
}


@pytest.mark.parametrize(
    ("share_a", "channel", "flagged", "escalated"),
    [
        (49, UNSTAGED, False, False),
        (50, UNSTAGED, True, False),
        (79, UNSTAGED, True, False),
        (80, UNSTAGED, True, True),
        (100, STAGED, True, False),
        (100, {"rollout_stages": 3}, True, True),  # customer deferral undeclared
        (100, None, True, False),  # no channel at all: nothing to escalate on
    ],
)
def test_single_vendor_flag_and_escalation_thresholds(
    share_a: int, channel: dict[str, object] | None, flagged: bool, escalated: bool
) -> None:
    deps = single_vendor_dependencies(_function_split(share_a, a_channel=channel).view())
    mine = [d for d in deps if d.vendor == "vendor:a"]
    assert bool(mine) is flagged
    if flagged:
        assert mine[0].share == share_a
        assert mine[0].escalated is escalated
        assert mine[0].function_hosts == 100


def test_undeclared_escalation_is_a_policy_choice() -> None:
    view = _function_split(100, a_channel={"rollout_stages": 3}).view()
    policy = ConcentrationPolicy(escalate_on_undeclared=False)
    (dep,) = single_vendor_dependencies(view, policy=policy)
    assert not dep.escalated and dep.undeclared_channels == ("channel:a-content",)


def _sector(sizes: list[float | None], users: dict[str, list[int]]) -> Estate:
    """CII operators o0..oN of one sector, with sizes; ``users[vendor]`` = operator indexes
    running that vendor for a critical function. A non-CII operator uses every vendor."""
    e = Estate()
    products = {v: e.product(f"{v}-edr", e.vendor(v)) for v in users}
    for i, size in enumerate(sizes):
        op = e.operator(f"o{i}", size=size)
        fn = e.function(op, "fn")
        runs = tuple(products[v] for v, idx in users.items() if i in idx)
        e.host_group(op, "g", 10, runs=runs, supports=(fn,))
    outsider = e.operator("outsider", cii=False, size=1000)
    e.host_group(
        outsider, "g", 10, runs=tuple(products.values()), supports=(e.function(outsider, "fn"),)
    )
    return e


def test_dora_breadth_needs_count_and_size() -> None:
    # five CII operators: o0 holds 91% of the sector's size
    e = _sector([91, 2.25, 2.25, 2.25, 2.25], {"big": [0], "small": [1], "none": []})
    view = e.view()
    found = {s.vendor: s for s in systemic_vendors(view, layer_concentrations(view))}
    big, small = found["vendor:big"], found["vendor:small"]
    assert (big.count_share, big.size_share, big.systemic) == (20, 91, True)
    assert small.count_share == 20 and small.size_share == pytest.approx(2.25)
    assert small.systemic is False
    assert big.population == 5  # the non-CII operator is not counted
    assert "vendor:none" not in found


def test_dora_breadth_is_unknown_without_sizes() -> None:
    view = _sector([None, None], {"v": [0]}).view()
    (found,) = systemic_vendors(view, ())
    assert (found.count_share, found.size_share, found.systemic) == (50, None, None)
    assert found.size_coverage == 0


def test_report_names_what_it_could_not_attribute() -> None:
    e = Estate()
    op = e.operator("op")
    mystery = e.product("mystery", None)  # no SUPPLIED_BY vendor
    uncategorised = e.product("thing", e.vendor("x"), category=None)
    e.host_group(op, "g", 5, runs=(mystery, uncategorised))
    report = concentration_report(e.view())
    assert {(g.subject, g.reason) for g in report.gaps} == {
        ("product:mystery", "no SUPPLIED_BY vendor"),
        ("product:thing", "product without category"),
    }
    (estate_edr,) = [lc for lc in report.layers if lc.scope.key == "estate"]
    assert estate_edr.unattributed == ("hostgroup:op/g",) and estate_edr.shares == ()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=8))
def test_hhi_bounds_and_exactly_10000_for_one_holder(weights: list[int]) -> None:
    value = hhi(weights)
    holders = sum(1 for w in weights if w > 0)
    if holders == 0:
        assert value is None
        return
    assert value is not None and 0 <= value <= 10_000
    assert (value == 10_000) is (holders == 1)
    assert value >= 10_000 / holders - 1e-6  # equal shares minimise HHI


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(min_value=0, max_value=5000)),
        min_size=1,
        max_size=6,
    )
)
def test_hhi_from_a_view_stays_in_range(groups: list[tuple[str, int]]) -> None:
    m = layer_concentration(_edr_estate(groups).view(), EDR).by_hosts
    holders = {v for v, hosts in groups if hosts > 0}
    if not holders:
        assert m.hhi is None
        return
    assert m.hhi is not None and 0 <= m.hhi <= 10_000
    assert (m.hhi == 10_000) is (len(holders) == 1)
    assert m.effective_suppliers is not None
    assert math.isclose(m.effective_suppliers * m.hhi, 10_000)
