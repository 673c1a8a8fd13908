"""Layer summaries (numpy, grouped counts) equal the reference layers row for row; the
estate usage's unvalidated models equal validated ones."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.risk.concentration import (
    ConcentrationPolicy,
    ScopeKind,
    concentration_report,
    concentration_summary,
)
from graph.risk.concentration_models import ConcentrationMetrics, HostGroupUsage, VendorUse
from graph.risk.concentration_shares import layer_concentrations
from graph.risk.concentration_table import layer_summaries, summarise
from graph.risk.concentration_usage import estate_usage
from graph.vocabulary import ProductCategory
from tests.graph.risk.builders import Estate

LAYERS = (ProductCategory.EDR, ProductCategory.BACKUP, ProductCategory.APPLICATION)

# a host group: (operator 0-2, hosts, critical, products as (vendor 0-3 or None, layer))
Group = tuple[int, int, bool, list[tuple[int | None, int]]]
groups_strategy = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.integers(0, 500),
        st.booleans(),
        st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 3)), st.integers(0, 2)), max_size=4),
    ),
    max_size=8,
)


def _estate(groups: list[Group], parents: bool = False) -> nx.MultiDiGraph:
    """Operators in two sectors and two jurisdictions; products of four vendors (vendor 3
    a subsidiary of vendor 0 when ``parents``), some without a vendor."""
    e = Estate()
    operators = [
        e.operator(f"op{i}", sector=("energy", "water")[i % 2], jurisdictions=[("DE", "FR")[i % 2]])
        for i in range(3)
    ]
    vendors = [e.vendor(f"v{i}") for i in range(3)]
    vendors.append(e.vendor("v3", parent=vendors[0] if parents else None))
    for i, (op, hosts, critical, products) in enumerate(groups):
        fn = e.function(operators[op], f"fn{i}", critical=critical)
        runs = tuple(
            e.product(
                f"p{v}-{layer}",
                None if v is None else vendors[v],
                LAYERS[layer] if v is not None or layer else None,
            )
            for v, layer in products
        )
        e.host_group(operators[op], f"g{i}", hosts, runs=runs, supports=(fn,))
    return e.view()


def _both(view: nx.MultiDiGraph, group_level: bool = False) -> tuple[object, object]:
    usage = estate_usage(view, group_level=group_level)
    policy = ConcentrationPolicy()
    reference = layer_concentrations(view, policy=policy, usage=usage)
    summaries = layer_summaries(view, usage, scope_kinds=tuple(ScopeKind), policy=policy)
    return tuple(map(summarise, reference)), summaries


@settings(max_examples=60, deadline=None)
@given(groups_strategy, st.booleans())
def test_summaries_equal_the_reference_layers(groups: list[Group], group_level: bool) -> None:
    reference, summaries = _both(_estate(groups, parents=True), group_level)
    assert summaries == reference
    for summary in summaries:  # metrics built without validation equal validated ones
        for metrics in (summary.by_hosts, summary.by_critical_hosts):
            again = ConcentrationMetrics.model_validate(metrics.model_dump())
            assert metrics == again and hash(metrics) == hash(again)
            assert metrics.model_dump_json() == again.model_dump_json()
            assert metrics.model_fields_set == again.model_fields_set


def test_split_hosts_and_empty_layers_match() -> None:
    # g0 splits 7 hosts over three EDR vendors (a non-integer share); g1 has only an
    # EDR product without a vendor (a layer with no shares); g2 has no hosts
    view = _estate(
        [
            (0, 7, True, [(0, 0), (1, 0), (2, 0), (0, 1)]),
            (1, 5, False, [(None, 0)]),
            (2, 0, True, [(3, 2)]),
        ]
    )
    reference, summaries = _both(view)
    assert summaries == reference
    estate = layer_summaries(
        view, estate_usage(view), scope_kinds=[ScopeKind.ESTATE], policy=ConcentrationPolicy()
    )
    edr = next(s for s in estate if s.layer is ProductCategory.EDR)
    assert [round(f.hosts, 6) for f in edr.shares] == [2.333333] * 3
    assert edr.by_hosts.suppliers == 3


def test_the_summary_report_equals_the_full_report() -> None:
    view = _estate([(0, 10, True, [(0, 0), (1, 1)]), (1, 4, True, [(0, 0)]), (2, 3, False, [])])
    full = concentration_report(view, intersection_scopes=())
    summary = concentration_summary(view)
    assert summary.layers == tuple(map(summarise, full.layers))
    assert summary.findings == full.model_copy(update={"layers": ()})
    assert summary.single_vendor and summary.systemic  # the estate has findings to compare


def test_trusted_uses_equal_validated_models() -> None:
    view = _estate([(0, 10, True, [(0, 0), (1, 1)]), (1, 4, False, [(2, 2)])])
    for group in estate_usage(view).groups.values():
        validated = HostGroupUsage.model_validate(group.model_dump())
        assert group == validated and hash(group) == hash(validated)
        assert group.model_dump_json() == validated.model_dump_json()
        assert group.model_fields_set == validated.model_fields_set
        for use in group.uses:
            again = VendorUse.model_validate(use.model_dump())
            assert use == again and hash(use) == hash(again)
            assert use.model_fields_set == again.model_fields_set


def test_a_negative_host_count_is_refused() -> None:
    view = _estate([(0, 10, True, [(0, 0)])])
    view.nodes["hostgroup:op0/g0"]["host_count"] = -1
    with pytest.raises(ValueError, match="host_count -1 is negative"):
        estate_usage(view)
