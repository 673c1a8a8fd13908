"""Invariants of the blast radius on random estates (Hypothesis)."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.model import (
    ComponentNode,
    HostGroupNode,
    OperatorNode,
    PlatformNode,
    ProductNode,
    ProductRing,
    Provenance,
    UpdateChannelNode,
    VendorNode,
)
from graph.risk.blast import blast_radius
from graph.risk.rollout import RolloutOverride
from graph.risk.subject import Subject
from graph.store.view import EdgeAssertion, NodeAssertion, build_view
from graph.vocabulary import ChannelKind, CustomerDeferral, Environment, HealthGate, Privilege

P = Provenance(document_id="doc-prop", sha256="0" * 64, location="/")
PRIVILEGES = [None, *Privilege]


@st.composite
def estates(draw: st.DrawFn) -> tuple[list, list[tuple[str, str, str]]]:
    n_comp = draw(st.integers(2, 7))
    n_prod = draw(st.integers(1, 3))
    n_hg = draw(st.integers(1, 6))
    nodes: list = [
        OperatorNode(key="operator:o0", name="o0", cii=True, provenance=P),
        OperatorNode(key="operator:o1", name="o1", provenance=P),
        PlatformNode(
            key="platform:win", name="w", platform_kind="os", family="windows", provenance=P
        ),
        PlatformNode(
            key="platform:lin", name="l", platform_kind="os", family="linux", provenance=P
        ),
        VendorNode(key="vendor:v", name="v", provenance=P),
    ]
    edges: list[tuple[str, str, str]] = []
    for c in range(n_comp):
        nodes.append(
            ComponentNode(
                key=f"component:c{c}",
                name=f"c{c}",
                privilege=draw(st.sampled_from(PRIVILEGES)),
                platforms=tuple(draw(st.sets(st.sampled_from(["windows", "linux"]), max_size=1))),
                provenance=P,
            )
        )
    for p in range(n_prod):
        nodes.append(ProductNode(key=f"product:p{p}", name=f"p{p}", provenance=P))
        edges.append((f"product:p{p}", "SUPPLIED_BY", "vendor:v"))
        for c in draw(st.sets(st.integers(0, n_comp - 1), min_size=1)):
            edges.append((f"product:p{p}", "CONTAINS", f"component:c{c}"))
    for a, b in draw(
        st.sets(st.tuples(st.integers(0, n_comp - 1), st.integers(0, n_comp - 1)), max_size=6)
    ):
        if a != b:
            edges.append((f"component:c{a}", "DEPENDS_ON", f"component:c{b}"))
    nodes.append(
        UpdateChannelNode(
            key="channel:ch",
            name="ch",
            vendor="vendor:v",
            channel_kind=draw(st.sampled_from(list(ChannelKind))),
            privilege=draw(st.sampled_from(PRIVILEGES)),
            platforms=tuple(draw(st.sets(st.sampled_from(["windows", "linux"]), max_size=1))),
            rollout_stages=draw(st.sampled_from([None, 1, 2, 4])),
            canary_share=draw(st.sampled_from([None, 0.01, 0.2])),
            bake_time_hours=draw(st.sampled_from([None, 0.5, 2.0])),
            health_gate=draw(st.sampled_from([None, *HealthGate])),
            auto_halt=draw(st.sampled_from([None, True, False])),
            customer_deferral=draw(st.sampled_from([None, *CustomerDeferral])),
            provenance=P,
        )
    )
    edges.append(("channel:ch", "OPERATED_BY", "vendor:v"))
    for c in draw(st.sets(st.integers(0, n_comp - 1), min_size=1)):
        edges.append((f"component:c{c}", "UPDATED_VIA", "channel:ch"))
    for h in range(n_hg):
        op = f"operator:o{h % 2}"
        platform = draw(st.sampled_from(["platform:win", "platform:lin"]))
        products = sorted(draw(st.sets(st.integers(0, n_prod - 1), min_size=1)))
        rings = tuple(
            ProductRing(product=f"product:p{p}", ring=draw(st.sampled_from([None, 0, 1])))
            for p in products
        )
        nodes.append(
            HostGroupNode(
                key=f"hostgroup:h{h}",
                name=f"h{h}",
                operator=op,
                platform=platform,
                host_count=draw(st.integers(0, 500)),
                environment=Environment.ENDPOINT,
                rings=rings,
                provenance=P,
            )
        )
        edges += [(op, "OPERATES", f"hostgroup:h{h}"), (f"hostgroup:h{h}", "RUNS_ON", platform)]
        edges += [(f"hostgroup:h{h}", "RUNS", f"product:p{p}") for p in products]
    return nodes, edges


def _view(nodes: list, edges: list[tuple[str, str, str]]) -> nx.MultiDiGraph:
    assertions = [
        NodeAssertion(
            n.key, n.kind.value, n.model_dump(mode="json", exclude={"key", "kind", "provenance"}), P
        )
        for n in sorted(nodes, key=lambda n: n.key)
    ]
    return build_view(assertions, [EdgeAssertion(s, k, t, "", P) for s, k, t in edges])


def _affected(view: nx.MultiDiGraph, subject: Subject, **kw: object) -> tuple[int, int]:
    r = blast_radius(view, subject, **kw)  # type: ignore[arg-type]
    return r.hosts_down, r.hosts_down + r.hosts_degraded


_SUBJECTS = [Subject(kind="channel", ref="ch"), Subject(kind="vendor", ref="v")]
_PROPS = settings(max_examples=60, deadline=None)


@_PROPS
@given(
    estate=estates(),
    extra=st.tuples(st.integers(0, 6), st.integers(0, 6)),
    which=st.sampled_from(_SUBJECTS),
)
def test_adding_a_dependency_edge_never_shrinks_a_blast_radius(estate, extra, which) -> None:
    nodes, edges = estate
    n_comp = sum(1 for n in nodes if n.key.startswith("component:"))
    a, b = extra[0] % n_comp, extra[1] % n_comp
    before = _affected(_view(nodes, edges), which)
    after = _affected(
        _view(nodes, [*edges, (f"component:c{a}", "DEPENDS_ON", f"component:c{b}")]), which
    )
    assert after[0] >= before[0]
    assert after[1] >= before[1]


@_PROPS
@given(estate=estates())
def test_adding_a_canary_with_automatic_halt_never_grows_a_blast_radius(estate) -> None:
    nodes, edges = estate
    view = _view(nodes, edges)
    subject = Subject(kind="channel", ref="ch")
    declared = _affected(view, subject)
    canary = RolloutOverride(
        rollout_stages=4,
        canary_share=0.01,
        bake_time_hours=1,
        health_gate=HealthGate.AUTOMATIC,
        auto_halt=True,
    )
    halted = _affected(view, subject, overrides={"channel:ch": canary})
    assert halted[0] <= declared[0]
    assert halted[1] <= declared[1]


@_PROPS
@given(estate=estates())
def test_removing_the_vendors_only_channel_empties_that_channels_radius(estate) -> None:
    nodes, edges = estate
    without = [e for e in edges if e[1] != "UPDATED_VIA"]
    radius = blast_radius(_view(nodes, without), Subject(kind="channel", ref="ch"))
    assert radius.hosts_down == radius.hosts_degraded == radius.operators_hit == 0
    assert radius.host_groups == []
