"""Which engine ranks a store: the reference loop on small estates, the snapshot on large.

:func:`graph.risk.ranking.rank_subjects` gives the same list either way (its contract, and
the tests); the choice is only about cost. The reference runs one networkx blast radius
per subject (46 s of CPU for the 10k synthetic estate's vendors and channels, hours at
100k); the snapshot engine builds a compiled estate once (from the SQLite store's rows,
without a networkx view) and ranks every subject in one pass (0.9 s at 10k), but pays a
one-off compilation of its kernels (~9 s of CPU on a machine whose cache is cold).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import networkx as nx

from graph.risk.policy import Policy
from graph.risk.ranking import RankedSubject, rank_subjects
from graph.risk.subject import FailureMode, SubjectKind
from graph.store.interface import GraphStore
from graph.store.sqlite import SqliteStore
from graph.vendors import canonical_view

if TYPE_CHECKING:
    from graph.risk.snapshot import Snapshot

__all__ = [
    "FAST_RANK_NODES",
    "SNAPSHOT_DOCUMENTS",
    "Engine",
    "rank_store",
    "rank_view",
    "view_snapshot",
]

Engine = Literal["auto", "snapshot", "reference"]

FAST_RANK_NODES = 2_000
"""Views with at least this many nodes rank through the compiled snapshot engine."""
SNAPSHOT_DOCUMENTS = 200
"""SQLite stores with at least this many active documents go straight to the snapshot
(read from the rows: no networkx view is built)."""


def rank_store(
    store: GraphStore,
    kinds: tuple[SubjectKind, ...],
    mode: FailureMode,
    *,
    policy: Policy,
    engine: Engine = "auto",
) -> list[RankedSubject]:
    """Every subject of ``kinds`` in ``store``'s canonical view, ranked worst first."""
    if isinstance(store, SqliteStore) and _from_rows(store, engine):
        from graph.risk.fastrank import rank_subjects_fast  # noqa: PLC0415 (numba)
        from graph.risk.snapshot_rows import snapshot_from_rows  # noqa: PLC0415

        return rank_subjects_fast(snapshot_from_rows(store), kinds, mode, policy=policy)
    return rank_view(canonical_view(store), kinds, mode, policy=policy, engine=engine)


def rank_view(
    view: nx.MultiDiGraph,
    kinds: tuple[SubjectKind, ...],
    mode: FailureMode,
    *,
    policy: Policy,
    engine: Engine = "auto",
    snapshot: Snapshot | None = None,
) -> list[RankedSubject]:
    """Every subject of ``kinds`` in ``view``, ranked worst first; ``auto`` compiles a
    snapshot of views with :data:`FAST_RANK_NODES` or more nodes (``snapshot``, when
    given, is that of :func:`view_snapshot`)."""
    snap = snapshot if snapshot is not None else view_snapshot(view, engine)
    return rank_subjects(view, kinds, mode, policy=policy, snapshot=snap)


def view_snapshot(view: nx.MultiDiGraph, engine: Engine = "auto") -> Snapshot | None:
    """The compiled snapshot of ``view`` when ``engine`` asks for it (``auto``: views of
    :data:`FAST_RANK_NODES` or more nodes), else None (the networkx reference)."""
    if engine == "snapshot" or (engine == "auto" and view.number_of_nodes() >= FAST_RANK_NODES):
        from graph.risk.snapshot import build_snapshot  # noqa: PLC0415 (loads numpy on demand)

        return build_snapshot(view)
    return None


def _from_rows(store: SqliteStore, engine: Engine) -> bool:
    if engine == "reference":
        return False
    if engine == "snapshot":
        return True
    active = sum(1 for d in store.documents() if d.status.value == "active")
    return active >= SNAPSHOT_DOCUMENTS
