"""Small estates built from real model records and merged by ``build_view``.

Node attributes go through ``model_dump_json`` and back, exactly as the SQLite store
hands them to ``build_view``, so the views here have the store's shape (enum values as
strings, tuples as lists, ``provenance`` tuples, placeholders for unasserted targets).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import networkx as nx

from graph.keys import key_for
from graph.model import (
    ComponentNode,
    ContractNode,
    Edge,
    FunctionNode,
    HostGroupNode,
    Node,
    OperatorNode,
    PlatformNode,
    ProductNode,
    ProductRing,
    Provenance,
    SectorNode,
    UpdateChannelNode,
    VendorNode,
)
from graph.store.view import EdgeAssertion, NodeAssertion, build_view
from graph.vocabulary import (
    ChannelKind,
    CustomerDeferral,
    EdgeKind,
    Environment,
    HealthGate,
    NodeKind,
    Privilege,
    ProductCategory,
    Rollback,
)

__all__ = ["AEGIS_RAPID_CONTENT", "BASTION_CONTENT", "GOOD_CONTENT", "Estate", "ring"]

# docs/dev/demo-cast.md, channel by channel
AEGIS_RAPID_CONTENT: dict[str, Any] = {
    "channel_kind": ChannelKind.CONTENT,
    "privilege": Privilege.BOOT_START_DRIVER,
    "platforms": ("windows",),
    "cadence_per_day": 12,
    "rollout_stages": 1,
    "internal_ring": False,
    "health_gate": HealthGate.NONE,
    "auto_halt": False,
    "rollback": Rollback.VENDOR_PUSH,
    "rollback_tested": False,
    "customer_deferral": CustomerDeferral.NONE,
    "customer_pin_versions": 0,
    "schema_validated": True,
    "runtime_bounds_checked": False,
    "fuzzed": False,
    "e2e_tested_in_interpreter": False,
    "signed": True,
    "release_notes": False,
    "emergency_path_documented": False,
}
BASTION_CONTENT: dict[str, Any] = {
    "channel_kind": ChannelKind.CONTENT,
    "privilege": Privilege.USER,
    "rollout_stages": 4,
    "internal_ring": True,
    "canary_share": 0.01,
    "bake_time_hours": 2,
    "health_gate": HealthGate.AUTOMATIC,
    "auto_halt": True,
    "customer_deferral": CustomerDeferral.CHANNEL,
    "customer_pin_versions": 1,
    "schema_validated": True,
    "runtime_bounds_checked": True,
    "fuzzed": True,
    "coverage_all_fields": True,
    "e2e_tested_in_interpreter": True,
}
# every channel control in place (content interpreted in user mode)
GOOD_CONTENT: dict[str, Any] = {
    **BASTION_CONTENT,
    "cadence_per_day": 1,
    "rollback": Rollback.BOTH,
    "rollback_tested": True,
    "signed": True,
    "signature_verified_on_host": True,
    "release_notes": True,
    "emergency_path_documented": True,
    "sdp_attested": True,
}


def ring(product: str, number: int | None) -> ProductRing:
    return ProductRing(product=product, ring=number)


class Estate:
    """Accumulates nodes and edges of one document; ``view()`` merges them."""

    def __init__(self, name: str = "estate") -> None:
        sha = hashlib.sha256(name.encode()).hexdigest()
        self.document = Provenance(document_id=f"doc-{sha[:16]}", sha256=sha)
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []

    def _prov(self, location: str) -> Provenance:
        return self.document.model_copy(update={"location": location})

    def add(self, node: Node) -> str:
        self.nodes[node.key] = node
        return node.key

    def link(self, source: str, kind: EdgeKind, target: str, role: str = "") -> None:
        prov = self._prov(f"/edges/{len(self.edges)}")
        self.edges.append(Edge(source=source, target=target, kind=kind, role=role, provenance=prov))

    def vendor(self, name: str, **attrs: Any) -> str:
        key = key_for(NodeKind.VENDOR, name)
        return self.add(VendorNode(key=key, name=name, provenance=self._prov(key), **attrs))

    def sector(self, name: str) -> str:
        key = key_for(NodeKind.SECTOR, name)
        return self.add(SectorNode(key=key, name=name, provenance=self._prov(key)))

    def operator(self, name: str, *, sector: str = "aviation", **attrs: Any) -> str:
        attrs.setdefault("cii", True)
        key = key_for(NodeKind.OPERATOR, name)
        sector_key = self.sector(sector)
        self.add(OperatorNode(key=key, name=name, provenance=self._prov(key), **attrs))
        self.link(key, EdgeKind.IN_SECTOR, sector_key)
        return key

    def function(self, operator: str, name: str, **attrs: Any) -> str:
        key = key_for(NodeKind.FUNCTION, f"{operator.partition(':')[2]}/{name}")
        self.add(
            FunctionNode(key=key, name=name, operator=operator, provenance=self._prov(key), **attrs)
        )
        self.link(operator, EdgeKind.OPERATES, key)
        return key

    def platform(self, name: str, vendor: str, kind: str = "os", family: str = "windows") -> str:
        key = key_for(NodeKind.PLATFORM, name)
        self.add(
            PlatformNode(
                key=key,
                name=name,
                platform_kind=kind,  # type: ignore[arg-type]
                family=family,
                provenance=self._prov(key),
            )
        )
        self.link(key, EdgeKind.SUPPLIED_BY, vendor, "supplier")
        return key

    def component(self, name: str, **attrs: Any) -> str:
        attrs.setdefault("purl", f"pkg:generic/{name}@1.0")
        key = key_for(NodeKind.COMPONENT, attrs["purl"] or name)
        return self.add(ComponentNode(key=key, name=name, provenance=self._prov(key), **attrs))

    def product(
        self,
        name: str,
        vendor: str | None,
        category: ProductCategory | None = ProductCategory.EDR,
        *,
        contains: tuple[str, ...] = (),
        role: str = "supplier",
        **attrs: Any,
    ) -> str:
        key = key_for(NodeKind.PRODUCT, name)
        self.add(
            ProductNode(key=key, name=name, category=category, provenance=self._prov(key), **attrs)
        )
        if vendor is not None:
            self.link(key, EdgeKind.SUPPLIED_BY, vendor, role)
        for component in contains:
            self.link(key, EdgeKind.CONTAINS, component)
        return key

    def channel(self, name: str, *, updates: tuple[str, ...] = (), **attrs: Any) -> str:
        key = key_for(NodeKind.UPDATE_CHANNEL, name)
        self.add(UpdateChannelNode(key=key, name=name, provenance=self._prov(key), **attrs))
        for software in updates:
            self.link(software, EdgeKind.UPDATED_VIA, key)
        return key

    def host_group(
        self,
        operator: str,
        name: str,
        hosts: int,
        *,
        platform: str | None = None,
        runs: tuple[str, ...] = (),
        supports: tuple[str, ...] = (),
        environment: Environment = Environment.ON_PREMISES,
        **attrs: Any,
    ) -> str:
        key = key_for(NodeKind.HOST_GROUP, f"{operator.partition(':')[2]}/{name}")
        self.add(
            HostGroupNode(
                key=key,
                name=name,
                operator=operator,
                platform=platform,
                host_count=hosts,
                environment=environment,
                provenance=self._prov(key),
                **attrs,
            )
        )
        self.link(operator, EdgeKind.OPERATES, key)
        if platform is not None:
            self.link(key, EdgeKind.RUNS_ON, platform)
        for product in runs:
            self.link(key, EdgeKind.RUNS, product)
        for function in supports:
            self.link(key, EdgeKind.SUPPORTS, function)
        return key

    def contract(self, operator: str, vendor: str, **attrs: Any) -> str:
        key = key_for(NodeKind.CONTRACT, f"{operator.partition(':')[2]}/{vendor.partition(':')[2]}")
        self.add(
            ContractNode(
                key=key,
                name=key,
                operator=operator,
                vendor=vendor,
                provenance=self._prov(key),
                **attrs,
            )
        )
        self.link(operator, EdgeKind.CONTRACTS, key)
        self.link(key, EdgeKind.SUPPLIED_BY, vendor)
        return key

    def view(self) -> nx.MultiDiGraph:
        nodes = [
            NodeAssertion(
                node.key,
                node.kind.value,
                json.loads(node.model_dump_json(exclude={"key", "kind", "provenance"})),
                node.provenance,
            )
            for node in sorted(self.nodes.values(), key=lambda n: n.key)
        ]
        unique = {edge.identity: edge for edge in self.edges}
        edges = [
            EdgeAssertion(e.source, e.kind.value, e.target, e.role, e.provenance)
            for e in sorted(unique.values(), key=lambda e: e.identity)
        ]
        return build_view(nodes, edges)
