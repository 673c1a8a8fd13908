"""The scoped estate as a CycloneDX 1.6 JSON document, written with cyclonedx-python-lib.

What the estate runs, not a software bill of one product: every product a host group in
the scope runs (purl, version, supplier, category, privilege, host count) and every update
channel reaching them as a service (rollout controls as ``riskgraph:`` properties, the
namespace of docs/cyclonedx-properties.md). The serial number is derived from the content
and the timestamp comes from the clock, so the same store, scope and clock give the same
bytes.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import networkx as nx
from cyclonedx.model import Property
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.model.service import Service
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from dashboard.reports.model import ReportScope
from dashboard.reports.scoping import apply_scope
from graph.store.interface import Clock, GraphStore
from graph.vendors import canonical_view
from graph.vocabulary import EdgeKind, NodeKind

__all__ = ["estate_bom", "write_cyclonedx"]

_CHANNEL_PROPS = [
    "channel_kind",
    "privilege",
    "rollout_stages",
    "canary_share",
    "bake_time_hours",
    "health_gate",
    "auto_halt",
    "customer_deferral",
    "customer_pin_versions",
    "signed",
    "runtime_bounds_checked",
]
_TYPES = {"os": ComponentType.OPERATING_SYSTEM, "firmware": ComponentType.FIRMWARE}


def estate_bom(view: nx.MultiDiGraph, scope: ReportScope, *, clock: Clock) -> Bom:
    """Products run in ``view`` (already scoped) and the channels that update them."""
    hosts: dict[str, int] = {}
    for key, data in view.nodes(data=True):
        if data.get("kind") != NodeKind.HOST_GROUP.value:
            continue
        for _, product, edge in view.out_edges(key, data=True):
            if edge.get("kind") == EdgeKind.RUNS.value:
                hosts[product] = hosts.get(product, 0) + int(data.get("host_count") or 0)
    channels: set[str] = set()
    components = []
    for key in sorted(hosts):
        data = view.nodes[key]
        channels.update(
            t
            for _, t, e in view.out_edges(key, data=True)
            if e.get("kind") == EdgeKind.UPDATED_VIA.value
        )
        components.append(_component(view, key, data, hosts[key]))
    services = [_service(view, c) for c in sorted(channels)]
    digest = "|".join([scope.label, *sorted(hosts), *sorted(channels)])
    root = Component(
        name=f"estate {scope.label}", type=ComponentType.PLATFORM, bom_ref="riskgraph:estate"
    )
    bom = Bom(
        components=components,
        services=services,
        serial_number=uuid.uuid5(uuid.NAMESPACE_URL, f"riskgraph:estate:{digest}"),
        metadata=BomMetaData(
            timestamp=clock(),
            component=root,
            properties=[Property(name="riskgraph:scope", value=scope.label)],
        ),
    )
    bom.register_dependency(root, components)
    return bom


def write_cyclonedx(store: GraphStore, scope: ReportScope, out: Path, *, clock: Clock) -> None:
    view = canonical_view(store)
    scoped = apply_scope(view, scope, store.documents(), []).scoped.graph
    out.write_text(JsonV1Dot6(estate_bom(scoped, scope, clock=clock)).output_as_string(indent=2))


def _supplier(view: nx.MultiDiGraph, key: str) -> OrganizationalEntity | None:
    for _, target, edge in sorted(view.out_edges(key, data=True), key=lambda e: e[1]):
        if edge.get("kind") in (EdgeKind.SUPPLIED_BY.value, EdgeKind.OPERATED_BY.value):
            return OrganizationalEntity(name=str(view.nodes[target].get("name", target)))
    return None


def _component(view: nx.MultiDiGraph, key: str, data: dict[str, Any], hosts: int) -> Component:
    purl = None
    if data.get("purl"):
        try:
            purl = PackageURL.from_string(str(data["purl"]))
        except ValueError:
            purl = None
    props = [Property(name="riskgraph:hosts", value=str(hosts))]
    for name in ("category", "privilege"):
        if data.get(name):
            props.append(Property(name=f"riskgraph:{name}", value=str(data[name])))
    return Component(
        name=str(data.get("name") or key),
        version=data.get("version"),
        type=_TYPES.get(str(data.get("category")), ComponentType.APPLICATION),
        bom_ref=key,
        purl=purl,
        supplier=_supplier(view, key),
        properties=props,
    )


def _service(view: nx.MultiDiGraph, key: str) -> Service:
    data = view.nodes[key]
    props = [
        Property(name=f"riskgraph:{name}", value=str(data[name]).lower())
        for name in _CHANNEL_PROPS
        if data.get(name) is not None
    ]
    return Service(
        name=str(data.get("name") or key),
        bom_ref=key,
        provider=_supplier(view, key),
        properties=props,
    )
