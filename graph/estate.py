"""Headline figures of the estate in a graph view: who runs what, on how many hosts.

Plain functions over the networkx view (``GraphStore.view()``), so the CLI's ``stats``,
later analyses and the dashboard count the same way. Placeholder nodes (referenced by an
edge but asserted by no active document) are never counted.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from graph.vocabulary import NodeKind, Privilege

__all__ = ["KERNEL_PRIVILEGES", "estate_figures"]

KERNEL_PRIVILEGES = frozenset({Privilege.KERNEL.value, Privilege.BOOT_START_DRIVER.value})
_SOFTWARE = frozenset({NodeKind.COMPONENT.value, NodeKind.PRODUCT.value})


def estate_figures(view: nx.MultiDiGraph) -> dict[str, int]:
    """Counts of operators, sectors, host groups, hosts, vendors, channels and
    kernel-privileged components (components or products whose privilege is ``kernel`` or
    ``boot-start-driver``); ``hosts`` sums ``host_count`` over the host groups.

    Parameters
    ----------
    view : nx.MultiDiGraph
        A store's merged view: node attribute ``kind`` is the NodeKind value.

    Returns
    -------
    dict[str, int]
        Always the same keys, in a fixed order.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("operator:a", kind="Operator")
    >>> g.add_node("hostgroup:a/kiosks", kind="HostGroup", host_count=40)
    >>> g.add_node("hostgroup:a/servers", kind="HostGroup", host_count=2)
    >>> g.add_node("component:pkg:generic/drv@1", kind="Component", privilege="kernel")
    >>> g.add_node("operator:ghost", kind="Operator", placeholder=True)
    >>> f = estate_figures(g)
    >>> f["operators"], f["host_groups"], f["hosts"], f["kernel_privileged_components"]
    (1, 2, 42, 1)
    """
    kinds: Counter[str] = Counter()
    hosts = 0
    kernel = 0
    for _, data in view.nodes(data=True):
        if data.get("placeholder"):
            continue
        kind = str(data.get("kind", ""))
        kinds[kind] += 1
        if kind == NodeKind.HOST_GROUP.value:
            hosts += _count(data.get("host_count"))
        elif kind in _SOFTWARE and data.get("privilege") in KERNEL_PRIVILEGES:
            kernel += 1
    return {
        "operators": kinds[NodeKind.OPERATOR.value],
        "sectors": kinds[NodeKind.SECTOR.value],
        "host_groups": kinds[NodeKind.HOST_GROUP.value],
        "hosts": hosts,
        "vendors": kinds[NodeKind.VENDOR.value],
        "channels": kinds[NodeKind.UPDATE_CHANNEL.value],
        "kernel_privileged_components": kernel,
    }


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
