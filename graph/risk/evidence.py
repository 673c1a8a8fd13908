"""Shortest evidence path from an operator to the failing subject, with its documents."""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from graph.model import Provenance
from graph.risk.blast_results import EvidenceStep, HostGroupImpact
from graph.vocabulary import EdgeKind, NodeKind

__all__ = ["evidence_path"]

# operator -> host group -> product/platform -> component* -> channel -> vendor
_FORWARD = frozenset(
    {
        EdgeKind.OPERATES.value,
        EdgeKind.RUNS.value,
        EdgeKind.RUNS_ON.value,
        EdgeKind.CONTAINS.value,
        EdgeKind.DEPENDS_ON.value,
        EdgeKind.UPDATED_VIA.value,
        EdgeKind.OPERATED_BY.value,
        EdgeKind.SUPPLIED_BY.value,
    }
)


def evidence_path(
    view: nx.MultiDiGraph,
    operator: str,
    groups: Sequence[HostGroupImpact],
    subject_keys: Sequence[str],
) -> list[EvidenceStep]:
    """Breadth-first from ``operator`` through its hit host groups to a subject node.

    A vulnerability subject is reached backwards over its AFFECTS edge, appended last.
    """
    targets: dict[str, str | None] = {}
    for key in subject_keys:
        if view.nodes[key].get("kind") == NodeKind.VULNERABILITY.value:
            for _, comp, d in view.out_edges(key, data=True):
                if d["kind"] == EdgeKind.AFFECTS.value:
                    targets.setdefault(comp, key)
        else:
            targets[key] = None
    allowed_groups = {g.host_group for g in groups}
    parent: dict[str, tuple[str, str, tuple[Provenance, ...]]] = {}
    seen = {operator}
    frontier = [operator]
    found = None
    while frontier and found is None:
        nxt: list[str] = []
        for node in frontier:
            for _, succ, data in sorted(
                view.out_edges(node, data=True), key=lambda e: (e[1], e[2]["kind"])
            ):
                if data["kind"] not in _FORWARD or succ in seen:
                    continue
                if node == operator and succ not in allowed_groups:
                    continue
                seen.add(succ)
                parent[succ] = (node, data["kind"], data["provenance"])
                if succ in targets:
                    found = succ
                    break
                nxt.append(succ)
            if found is not None:
                break
        frontier = sorted(nxt)
    if found is None:
        return []
    steps = []
    node = found
    while node != operator:
        source, kind, provenance = parent[node]
        steps.append(
            EvidenceStep(source=source, kind=kind, target=node, documents=list(provenance))
        )
        node = source
    steps.reverse()
    vuln = targets[found]
    if vuln is not None:
        edge = view.get_edge_data(vuln, found, key=f"{EdgeKind.AFFECTS.value}|") or {}
        steps.append(
            EvidenceStep(
                source=vuln,
                kind=EdgeKind.AFFECTS.value,
                target=found,
                documents=list(edge.get("provenance", ())),
            )
        )
    return steps
