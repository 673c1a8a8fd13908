"""Roles, scopes and the scoped view: the only graph a dashboard page ever reads.

An operator user sees its own operators in full; a regulator the operators of the sectors
and jurisdictions it supervises; an auditor everything in its scope, read-only; an admin
everything, and may ingest. :func:`scoped_view` removes every other operator's estate
(the operator node, its host groups, functions and contracts, and the edges they carry)
before any analysis runs, and strips provenance pointing at documents only those
operators appear in. Shared facts (vendors, products, components, channels, platforms,
vulnerabilities, sectors) stay: they are what an operator's own analysis runs on.

Examples
--------
>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("operator:a", kind="Operator", sectors=["sector:air"], jurisdictions=["DE"])
>>> g.add_node("operator:b", kind="Operator", sectors=["sector:bank"], jurisdictions=["FR"])
>>> g.add_node("hostgroup:b/atms", kind="HostGroup", operator="operator:b", host_count=9)
>>> g.add_node("product:edr", kind="Product")
>>> _ = g.add_edge("hostgroup:b/atms", "product:edr", kind="RUNS")
>>> scoped = scoped_view(g, Access.for_role(Role.OPERATOR, user="u", operators=("a",)))
>>> sorted(scoped.graph), scoped.operators
(['operator:a', 'product:edr'], frozenset({'operator:a'}))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import networkx as nx
from pydantic import BaseModel, ConfigDict

from graph.vocabulary import NodeKind

__all__ = [
    "Access",
    "Role",
    "ScopedView",
    "operator_of",
    "scoped_view",
    "visible_operators",
]

_OPERATOR = NodeKind.OPERATOR.value
_SECTOR = NodeKind.SECTOR.value
# Node kinds that belong to one operator, and the key prefix that names the owner.
_OWNED = {
    NodeKind.HOST_GROUP.value: "hostgroup:",
    NodeKind.FUNCTION.value: "function:",
    NodeKind.CONTRACT.value: "contract:",
}


class Role(StrEnum):
    OPERATOR = "operator"
    REGULATOR = "regulator"
    AUDITOR = "auditor"
    ADMIN = "admin"


class Access(BaseModel):
    """Who is reading, and the operators, sectors and jurisdictions they may read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user: str
    role: Role
    operators: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    jurisdictions: tuple[str, ...] = ()

    @classmethod
    def for_role(
        cls,
        role: Role,
        *,
        user: str,
        operators: Iterable[str] = (),
        sectors: Iterable[str] = (),
        jurisdictions: Iterable[str] = (),
    ) -> Access:
        """A validated scope; ids may be given with or without their key prefix."""
        ops = tuple(sorted({_key("operator:", o) for o in operators if o.strip()}))
        secs = tuple(sorted({_key("sector:", s).lower() for s in sectors if s.strip()}))
        jurs = tuple(sorted({j.strip().upper() for j in jurisdictions if j.strip()}))
        if role is Role.OPERATOR and (not ops or secs or jurs):
            raise ValueError("an operator user names its operators (--operators) and nothing else")
        if role is Role.REGULATOR and (ops or not (secs or jurs)):
            raise ValueError(
                "a regulator user names the sectors and/or jurisdictions it supervises"
            )
        if role is Role.ADMIN and (ops or secs or jurs):
            raise ValueError(
                "an admin user sees everything: give no operators, sectors or jurisdictions"
            )
        return cls(user=user, role=role, operators=ops, sectors=secs, jurisdictions=jurs)

    @property
    def everything(self) -> bool:
        """True when nothing is filtered out (admin, or an auditor without a scope)."""
        return self.role in (Role.ADMIN, Role.AUDITOR) and not (
            self.operators or self.sectors or self.jurisdictions
        )

    @property
    def can_ingest(self) -> bool:
        """Admins ingest anything; operators only inventories of their own operators."""
        return self.role in (Role.ADMIN, Role.OPERATOR)

    @property
    def anonymised_others(self) -> bool:
        """Operators see the rest of the estate only as anonymised aggregates."""
        return self.role is Role.OPERATOR

    def describe(self) -> str:
        """One line for the sidebar: role and scope."""
        if self.everything:
            return f"{self.role.value}: everything"
        parts = [", ".join(_local(o) for o in self.operators)] if self.operators else []
        if self.sectors:
            parts.append("sectors " + ", ".join(_local(s) for s in self.sectors))
        if self.jurisdictions:
            parts.append("jurisdictions " + ", ".join(self.jurisdictions))
        return f"{self.role.value}: {'; '.join(parts)}"


@dataclass(frozen=True)
class ScopedView:
    """The graph a user may read, and what was taken out of it."""

    graph: nx.MultiDiGraph
    operators: frozenset[str]
    hidden_documents: frozenset[str]
    shared_documents: frozenset[str]
    """Visible documents that also describe operators outside the scope (findings hidden)."""


def operator_of(key: str, data: dict[str, Any]) -> str | None:
    """The operator an estate node belongs to; None for shared facts (vendors, ...)."""
    kind = data.get("kind")
    if kind == _OPERATOR:
        return key
    prefix = _OWNED.get(str(kind))
    if prefix is None:
        return None
    owner = data.get("operator")
    if owner:
        return str(owner)
    local = key.removeprefix(prefix)
    # a placeholder (referenced, never declared) is owned by the operator its key names;
    # an unparseable one belongs to nobody we can show, so it is hidden
    return f"operator:{local.split('/', 1)[0]}" if "/" in local else "operator:?"


def visible_operators(view: nx.MultiDiGraph, access: Access) -> frozenset[str]:
    """Operator keys in ``view`` (or named by the scope) the user may read in full."""
    everyone = {k for k, d in view.nodes(data=True) if d.get("kind") == _OPERATOR}
    if access.everything:
        return frozenset(everyone)
    out = set(access.operators)
    if access.sectors or access.jurisdictions:
        for key in everyone:
            data = view.nodes[key]
            sectors = {str(s).lower() for s in data.get("sectors") or ()}
            jurisdictions = {str(j).upper() for j in data.get("jurisdictions") or ()}
            if access.sectors and not sectors & set(access.sectors):
                continue
            if access.jurisdictions and not jurisdictions & set(access.jurisdictions):
                continue
            out.add(key)
    return frozenset(out)


def scoped_view(view: nx.MultiDiGraph, access: Access) -> ScopedView:
    """``view`` without the estates of operators outside ``access`` (a copy when filtered)."""
    operators = visible_operators(view, access)
    if access.everything:
        return ScopedView(view, operators, frozenset(), frozenset())
    removed: set[str] = set()
    kept_estate: set[str] = set()
    for key, data in view.nodes(data=True):
        owner = operator_of(key, data)
        if owner is None:
            continue
        (kept_estate if owner in operators else removed).add(key)
    # sectors none of the visible operators belongs to are other people's context
    visible_sectors = {
        s for o in operators if o in view for s in view.nodes[o].get("sectors") or ()
    }
    removed.update(
        k for k, d in view.nodes(data=True) if d.get("kind") == _SECTOR and k not in visible_sectors
    )
    removed_docs = _documents_of(view, removed) | _edge_documents(view, removed)
    own_docs = _documents_of(view, kept_estate)
    hidden = frozenset(removed_docs - own_docs)
    graph = view.subgraph(n for n in view if n not in removed).copy()
    if hidden:
        _strip_provenance(graph, hidden)
    return ScopedView(graph, operators, hidden, frozenset(removed_docs & own_docs))


def _documents_of(view: nx.MultiDiGraph, nodes: Iterable[str]) -> set[str]:
    return {p.document_id for n in nodes for p in view.nodes[n].get("provenance") or ()}


def _edge_documents(view: nx.MultiDiGraph, nodes: set[str]) -> set[str]:
    docs: set[str] = set()
    for n in nodes:
        for _, _, data in view.out_edges(n, data=True):
            docs.update(p.document_id for p in data.get("provenance") or ())
        for _, _, data in view.in_edges(n, data=True):
            docs.update(p.document_id for p in data.get("provenance") or ())
    return docs


def _strip_provenance(graph: nx.MultiDiGraph, hidden: frozenset[str]) -> None:
    for _, data in graph.nodes(data=True):
        if "provenance" in data:
            data["provenance"] = tuple(p for p in data["provenance"] if p.document_id not in hidden)
    for _, _, data in graph.edges(data=True):
        if "provenance" in data:
            data["provenance"] = tuple(p for p in data["provenance"] if p.document_id not in hidden)


def _key(prefix: str, ref: str) -> str:
    ref = ref.strip()
    return ref if ref.startswith(prefix) else f"{prefix}{ref}"


def _local(key: str) -> str:
    return key.partition(":")[2] or key
