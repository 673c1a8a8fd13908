"""Estate figures over a view: what counts, and what never does."""

from __future__ import annotations

import doctest

import networkx as nx

import graph.estate
from graph.estate import estate_figures


def test_placeholders_and_non_kernel_software_are_not_counted() -> None:
    g = nx.MultiDiGraph()
    g.add_node("sector:energy", kind="Sector")
    g.add_node("operator:a", kind="Operator")
    g.add_node("operator:ghost", kind="Operator", placeholder=True)  # referenced, never asserted
    g.add_node("hostgroup:a/x", kind="HostGroup", host_count=10)
    g.add_node("hostgroup:a/y", kind="HostGroup", host_count=3)
    g.add_node("hostgroup:ghost/z", kind="HostGroup", placeholder=True)
    g.add_node("vendor:acme", kind="Vendor")
    g.add_node("channel:c", kind="UpdateChannel", privilege="kernel")  # a channel, not software
    g.add_node("component:drv", kind="Component", privilege="boot-start-driver")
    g.add_node("product:os", kind="Product", privilege="kernel")
    g.add_node("component:fw", kind="Component", privilege="firmware")
    g.add_node("component:lib", kind="Component", privilege=None)
    assert estate_figures(g) == {
        "operators": 1,
        "sectors": 1,
        "host_groups": 2,
        "hosts": 13,
        "vendors": 1,
        "channels": 1,
        "kernel_privileged_components": 2,
    }


def test_an_empty_view_counts_zero_everywhere() -> None:
    assert set(estate_figures(nx.MultiDiGraph()).values()) == {0}


def test_docstring_examples_run() -> None:
    assert doctest.testmod(graph.estate).failed == 0
