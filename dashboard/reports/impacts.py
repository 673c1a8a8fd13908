"""The blast-radius part of a report: every vendor and channel ranked, and the full radius
of the worst of each (the report's ``blast`` section rows come from these)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import networkx as nx

from dashboard.access.aggregates import cohorts_of, others_impact
from dashboard.reports.model import ReportOptions, SubjectImpact
from dashboard.reports.scoping import ScopedInputs
from dashboard.reports.sections_risk import subject_impact
from graph.risk.blast import blast_radius
from graph.risk.blast_results import BlastRadius
from graph.risk.policy import Policy
from graph.risk.ranking import RankedSubject
from graph.risk.ranking_engine import rank_view, view_snapshot
from graph.risk.subject import FailureMode, Subject

if TYPE_CHECKING:
    from graph.risk.snapshot import Snapshot

__all__ = ["radii", "ranked_and_top", "top_impacts"]


def ranked_and_top(
    full: nx.MultiDiGraph,
    cut: ScopedInputs,
    snapshot: Snapshot | None,
    mode: FailureMode,
    policy: Policy,
    options: ReportOptions,
    anonymised: bool,
    stage: Callable[[str], None],
) -> tuple[list[RankedSubject], tuple[SubjectImpact, ...]]:
    """Every vendor and channel of the scoped view ranked (through ``snapshot``, its
    compiled snapshot, when there is one), then the top ones' radii; ``stage("blast")``
    between the two. ``anonymised`` (operator scope): other operators as cohorts."""
    scoped = cut.scoped.graph
    ranked = rank_view(scoped, ("vendor", "channel"), mode, policy=policy, snapshot=snapshot)
    stage("blast")
    return ranked, top_impacts(full, cut, ranked, snapshot, mode, policy, options, anonymised)


def top_impacts(
    full: nx.MultiDiGraph,
    cut: ScopedInputs,
    ranked: list[RankedSubject],
    snapshot: Snapshot | None,
    mode: FailureMode,
    policy: Policy,
    options: ReportOptions,
    anonymised: bool,
) -> tuple[SubjectImpact, ...]:
    """Full blast radius of the worst vendors and channels that reach anything (from
    ``snapshot``, the scoped view's, when there is one; the networkx reference else)."""
    limits = {"vendor": options.top_vendors, "channel": options.top_channels}
    chosen: list[RankedSubject] = []
    for r in ranked:
        if limits.get(r.kind, 0) > 0 and (r.hosts_down or r.hosts_degraded):
            chosen.append(r)
            limits[r.kind] -= 1
    cohorts = cohorts_of(full, cut.scoped.operators, options.min_cohort) if anonymised else None
    scoped = radii(cut.scoped.graph, snapshot, mode, policy)
    whole = None
    if cohorts is not None and chosen:
        same = full is cut.scoped.graph
        whole = scoped if same else radii(full, view_snapshot(full), mode, policy)
    out = []
    for r in chosen:
        subject = Subject(kind=r.kind, ref=r.key)
        others = None
        if whole is not None and cohorts is not None:
            others = others_impact(whole(subject), cut.scoped.operators, cohorts)
        out.append(subject_impact(r, scoped(subject), others))
    return tuple(out)


def radii(
    view: nx.MultiDiGraph, snapshot: Snapshot | None, mode: FailureMode, policy: Policy
) -> Callable[[Subject], BlastRadius]:
    """A subject's radius as the report reads it: no evidence paths (the report shows
    none) and no per-host-group rows; from ``snapshot`` when there is one."""
    if snapshot is None:
        return lambda s: blast_radius(view, s, mode, policy=policy, evidence_paths=False)
    from graph.risk.fastreport import SnapshotRadii  # noqa: PLC0415 (numba, on demand)

    return SnapshotRadii(snapshot, view, mode, policy=policy).radius
