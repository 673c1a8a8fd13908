"""Anonymised aggregates cannot be subtracted to single out another operator.

Regression tests for the subtraction leak: with "all other operators" and "a sector of 6
of them" both shown, their difference is the total of the 2 others; and aggregates that
included the viewer's own hosts were built on another basis than those that did not.
"""

from __future__ import annotations

from itertools import combinations

import networkx as nx
import pytest

from dashboard.access.aggregates import ALL_OTHERS, cohorts_of, heat_cells, others_impact
from dashboard.access.disclosure import disclosed_groups, safe_cohorts
from graph.risk.blast import blast_radius
from graph.risk.subject import Subject

ME = "operator:northwind-airlines"
OUTSIDE = ("operator:skyport-airport", "operator:gridco-transmission")


@pytest.fixture
def six_of_eight(view: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The demo estate with every other operator but two put in banking as well: the
    banking cohort (6) and all others (8) are both big enough on their own."""
    g = view.copy()
    for key, data in g.nodes(data=True):
        if data.get("kind") == "Operator" and key != ME and key not in OUTSIDE:
            data["sectors"] = sorted({*data.get("sectors", ()), "sector:banking"})
    return g


def _members(view: nx.MultiDiGraph) -> dict[str, frozenset[str]]:
    ops = {k: d for k, d in view.nodes(data=True) if d.get("kind") == "Operator" and k != ME}
    out = {ALL_OTHERS: frozenset(ops)}
    for key, data in ops.items():
        for sector in data.get("sectors") or ():
            name = view.nodes[sector].get("name", sector)
            out[name] = out.get(name, frozenset()) | {key}
    return out


def test_no_two_shown_blast_totals_difference_to_fewer_than_the_minimum(
    six_of_eight: nx.MultiDiGraph,
) -> None:
    cohorts = cohorts_of(six_of_eight, {ME}, min_cohort=3)
    full = blast_radius(six_of_eight, Subject(kind="channel", ref="aegis-rapid-content"))
    shown = [r.cohort for r in others_impact(full, {ME}, cohorts) if r.hosts_down is not None]
    members = _members(six_of_eight)
    assert shown  # something is still shown
    for a, b in combinations(shown, 2):
        small, big = sorted((members[a], members[b]), key=len)
        if small <= big:
            assert len(big - small) in (0,) or len(big - small) >= 3, (a, b)


def test_the_total_is_kept_and_the_sector_suppressed(six_of_eight: nx.MultiDiGraph) -> None:
    cohorts = cohorts_of(six_of_eight, {ME}, min_cohort=3)
    assert cohorts.allows_total()
    assert cohorts.by_sector["banking"] == 6
    assert not cohorts.allows("banking") and not cohorts.allows("sector:banking")


def test_shown_heat_cells_follow_the_same_suppression(six_of_eight: nx.MultiDiGraph) -> None:
    from graph.risk.concentration import concentration_report

    cohorts = cohorts_of(six_of_eight, {ME}, min_cohort=3)
    scopes = {c.scope for c in heat_cells(concentration_report(six_of_eight), cohorts)}
    assert "banking" not in scopes and "estate" in scopes


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        # nested: 8 - 6 = 2 operators
        ({"all": frozenset("abcdefgh"), "x": frozenset("abcdef")}, [frozenset("gh")]),
        # two disjoint sectors summed, then subtracted from the total: 9 - 4 - 4 = 1
        (
            {"all": frozenset("abcdefghi"), "x": frozenset("abcd"), "y": frozenset("efgh")},
            [frozenset("i")],
        ),
        # overlapping sectors: x + y - all = the 2 operators in both
        (
            {"all": frozenset("abcdefgh"), "x": frozenset("abcde"), "y": frozenset("defgh")},
            [frozenset("de")],
        ),
        # disjoint sectors covering everyone: nothing small to isolate
        (
            {"all": frozenset("abcdefgh"), "x": frozenset("abcd"), "y": frozenset("efgh")},
            [],
        ),
    ],
)
def test_disclosed_groups(
    members: dict[str, frozenset[str]], expected: list[frozenset[str]]
) -> None:
    assert disclosed_groups(members, frozenset(members), 3) == expected


def test_safe_cohorts_leaves_nothing_disclosed() -> None:
    members = {
        "all": frozenset("abcdefghij"),
        "x": frozenset("abcd"),
        "y": frozenset("efgh"),
        "z": frozenset("abcdefgh"),
    }
    shown = safe_cohorts(members, 3)
    assert not disclosed_groups(members, shown, 3)
    # all - z = {i, j}: one of them must go; dropping z alone would leave all - x - y
    assert shown == {"x", "y", "z"}
