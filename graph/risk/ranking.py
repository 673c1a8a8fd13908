"""Every vendor and every channel ranked by what its failure would take down."""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx
from pydantic import BaseModel, ConfigDict

from graph.risk.blast import blast_radius
from graph.risk.policy import Policy
from graph.risk.subject import FailureMode, Subject, SubjectKind
from graph.vocabulary import NodeKind

if TYPE_CHECKING:
    from graph.risk.snapshot import Snapshot

__all__ = ["KINDS", "RankedSubject", "order_key", "rank_subjects"]


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


KINDS: dict[SubjectKind, NodeKind] = {
    "vendor": NodeKind.VENDOR,
    "channel": NodeKind.UPDATE_CHANNEL,
}


def order_key(
    hosts_down: int, hosts_degraded: int, operators_hit: int, key: str
) -> tuple[int, int, int, str]:
    """Worst first: hosts down, then hosts degraded, operators hit, then key."""
    return (-hosts_down, -hosts_degraded, -operators_hit, key)


def rank_subjects(
    view: nx.MultiDiGraph,
    kinds: tuple[SubjectKind, ...] = ("vendor", "channel"),
    mode: FailureMode = FailureMode.BAD_UPDATE,
    *,
    policy: Policy | None = None,
    snapshot: Snapshot | None = None,
) -> list[RankedSubject]:
    """Bad-update blast radius of every vendor and channel, worst first.

    Ordered by hosts down, then hosts degraded, operators hit, then key (stable ties).
    Subjects that reach nothing are listed last with zeros, so the ranking is complete.
    With ``snapshot`` (:func:`graph.risk.snapshot.build_snapshot` of ``view``) the compiled
    path (:mod:`graph.risk.fastrank`) computes the same list; this loop stays the reference.
    """
    if snapshot is not None:
        from graph.risk.fastrank import rank_subjects_fast  # noqa: PLC0415 (imports this module)

        return rank_subjects_fast(snapshot, kinds, mode, policy=policy)
    rows = []
    for kind in kinds:
        label = KINDS[kind].value
        for key, data in view.nodes(data=True):
            if data.get("kind") != label or data.get("placeholder"):
                continue
            radius = blast_radius(view, Subject(kind=kind, ref=key), mode, policy=policy)
            rows.append((kind, key, str(data.get("name", key)), radius))
    rows.sort(
        key=lambda r: order_key(r[3].hosts_down, r[3].hosts_degraded, r[3].operators_hit, r[1])
    )
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
