"""Every vendor and every channel ranked by what its failure would take down."""

from __future__ import annotations

import networkx as nx
from pydantic import BaseModel, ConfigDict

from graph.risk.blast import blast_radius
from graph.risk.policy import Policy
from graph.risk.subject import FailureMode, Subject, SubjectKind
from graph.vocabulary import NodeKind

__all__ = ["RankedSubject", "rank_subjects"]


class RankedSubject(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rank: int
    kind: SubjectKind
    key: str
    name: str
    hosts_down: int
    hosts_degraded: int
    operators_hit: int
    sectors_hit: int
    critical_functions_lost: int
    hands_on_hosts: int
    recovery_hours: float


_KINDS: dict[SubjectKind, NodeKind] = {
    "vendor": NodeKind.VENDOR,
    "channel": NodeKind.UPDATE_CHANNEL,
}


def rank_subjects(
    view: nx.MultiDiGraph,
    kinds: tuple[SubjectKind, ...] = ("vendor", "channel"),
    mode: FailureMode = FailureMode.BAD_UPDATE,
    *,
    policy: Policy | None = None,
) -> list[RankedSubject]:
    """Bad-update blast radius of every vendor and channel, worst first.

    Ordered by hosts down, then hosts degraded, operators hit, then key (stable ties).
    Subjects that reach nothing are listed last with zeros, so the ranking is complete.
    """
    rows = []
    for kind in kinds:
        label = _KINDS[kind].value
        for key, data in view.nodes(data=True):
            if data.get("kind") != label or data.get("placeholder"):
                continue
            radius = blast_radius(view, Subject(kind=kind, ref=key), mode, policy=policy)
            rows.append((kind, key, str(data.get("name", key)), radius))
    rows.sort(key=lambda r: (-r[3].hosts_down, -r[3].hosts_degraded, -r[3].operators_hit, r[1]))
    return [
        RankedSubject(
            rank=i,
            kind=kind,
            key=key,
            name=name,
            hosts_down=r.hosts_down,
            hosts_degraded=r.hosts_degraded,
            operators_hit=r.operators_hit,
            sectors_hit=len(r.sectors_hit),
            critical_functions_lost=r.critical_functions_lost,
            hands_on_hosts=r.hands_on_hosts,
            recovery_hours=r.recovery_hours,
        )
        for i, (kind, key, name, r) in enumerate(rows, start=1)
    ]
