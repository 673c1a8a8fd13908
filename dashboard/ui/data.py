"""Every read a page makes: the store's revision, the scoped view and the analyses.

Pages receive a :class:`Workspace` and call the functions below; none of them ever holds
the unscoped view. Results are cached per (store, revision, scope, parameters): a new
revision (any ingest or removal) misses every cache, so nothing stale is shown. Views and
results are frozen and shared read-only, hence ``st.cache_resource`` (no copy per rerun);
the spinner text is the progress shown while a long computation runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import networkx as nx
import streamlit as st

from dashboard.access.aggregates import (
    Cohorts,
    CommonMode,
    HeatCell,
    OthersImpact,
    SectorSystemic,
    cohorts_of,
    heat_cells,
    others_impact,
    others_view,
    sector_intersections,
    sector_systemic,
)
from dashboard.access.scope import Access, ScopedView, scoped_view
from dashboard.cli.settings import clock_from_env
from dashboard.ui.settings import DashboardSettings
from graph.estate import estate_figures
from graph.model import DataQualityFinding, DocumentInfo
from graph.risk.blast import blast_radius
from graph.risk.blast_results import BlastRadius
from graph.risk.concentration import concentration_report
from graph.risk.concentration_models import ConcentrationReport
from graph.risk.controls.base import Finding
from graph.risk.controls.engine import evaluate_controls
from graph.risk.policy import Policy, load_policy
from graph.risk.ranking import RankedSubject, rank_subjects
from graph.risk.remediation import attach_risk_removed
from graph.risk.rollout import RolloutOverride
from graph.risk.simulate import Simulation, simulate
from graph.risk.subject import FailureMode, Subject, SubjectKind
from graph.store import GraphStore, open_store
from graph.vendors import canonical_view

__all__ = [
    "Workspace",
    "blast",
    "concentration",
    "controls",
    "documents",
    "estate",
    "findings_by_control",
    "open_workspace",
    "others_blast",
    "ranking",
    "ranking_ready",
    "sector_cells",
    "sector_common_modes",
    "sector_systemic_rows",
    "simulation",
]


@dataclass(frozen=True)
class Workspace:
    """What one page run reads through: the user's scope at one store revision."""

    access: Access
    settings: DashboardSettings
    revision: str
    policy_key: str
    scoped: ScopedView

    @property
    def view(self) -> nx.MultiDiGraph:
        return self.scoped.graph

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.settings.store, self.revision, self.access.model_dump_json(), self.policy_key)


@contextmanager
def _store(location: str) -> Iterator[GraphStore]:
    # one short-lived connection per read: SQLite connections are bound to their thread,
    # and every browser session runs its script in a thread of its own
    store = open_store(location)
    try:
        yield store
    finally:
        store.close()


def open_workspace(access: Access, cfg: DashboardSettings) -> Workspace:
    """Read the store's revision (cheap) and the scoped view for it (cached)."""
    with _store(cfg.store) as store:
        revision = store.revision()
    policy_key = ""
    if cfg.policy_file is not None:
        policy_key = f"{cfg.policy_file}@{cfg.policy_file.stat().st_mtime_ns}"
    scoped = _scoped(cfg.store, revision, access.model_dump_json())
    return Workspace(access, cfg, revision, policy_key, scoped)


@st.cache_resource(max_entries=2, show_spinner="Reading the graph from the store…")
def _full_view(store: str, revision: str) -> nx.MultiDiGraph:
    del revision  # the cache key: a new revision reads the store again
    with _store(store) as s:
        return canonical_view(s)


@st.cache_resource(max_entries=16, show_spinner="Applying your scope…")
def _scoped(store: str, revision: str, access_json: str) -> ScopedView:
    return scoped_view(_full_view(store, revision), Access.model_validate_json(access_json))


@st.cache_resource(max_entries=4, show_spinner=False)
def _policy(policy_key: str) -> Policy:
    return load_policy(Path(policy_key.rsplit("@", 1)[0]) if policy_key else None)


def policy(ws: Workspace) -> Policy:
    return _policy(ws.policy_key)


def estate(ws: Workspace) -> dict[str, int]:
    return _estate(*ws.key)


@st.cache_resource(max_entries=16, show_spinner="Counting the estate…")
def _estate(store: str, revision: str, access_json: str, policy_key: str) -> dict[str, int]:
    return estate_figures(_scoped(store, revision, access_json).graph)


MAX_AUTO_RANK = 300
"""Above this many vendors (or channels) in scope, ranking them waits for a click: each
is a full blast radius (about 7 s per vendor on the 100k estate)."""

_RANKED: set[tuple[str, ...]] = set()  # rankings computed in this process (any session)


def ranking_ready(ws: Workspace, kind: SubjectKind) -> bool:
    """True when ranking ``kind`` is cheap or already computed."""
    label = "Vendor" if kind == "vendor" else "UpdateChannel"
    if (*ws.key, kind, FailureMode.BAD_UPDATE.value) in _RANKED:
        return True
    count = sum(1 for _, d in ws.view.nodes(data=True) if d.get("kind") == label)
    return count <= MAX_AUTO_RANK


def ranking(
    ws: Workspace, kind: SubjectKind, mode: FailureMode = FailureMode.BAD_UPDATE
) -> list[RankedSubject]:
    """Every vendor or every channel ranked by blast radius (one kind per call, so the
    cheaper channel ranking shows while the vendors are still being ranked)."""
    return _ranking(*ws.key, kind, mode.value)


@st.cache_resource(max_entries=32, show_spinner="Ranking by blast radius: each one's bad update…")
def _ranking(
    store: str, revision: str, access_json: str, policy_key: str, kind: str, mode: str
) -> list[RankedSubject]:
    view = _scoped(store, revision, access_json).graph
    kinds: tuple[SubjectKind, ...] = ("vendor",) if kind == "vendor" else ("channel",)
    ranked = rank_subjects(view, kinds, FailureMode(mode), policy=_policy(policy_key))
    _RANKED.add((store, revision, access_json, policy_key, kind, mode))
    return ranked


def blast(ws: Workspace, subject: Subject, mode: FailureMode) -> BlastRadius:
    return _blast(*ws.key, subject.model_dump_json(), mode.value)


@st.cache_resource(max_entries=64, show_spinner="Computing the blast radius…")
def _blast(
    store: str, revision: str, access_json: str, policy_key: str, subject: str, mode: str
) -> BlastRadius:
    return blast_radius(
        _scoped(store, revision, access_json).graph,
        Subject.model_validate_json(subject),
        FailureMode(mode),
        policy=_policy(policy_key),
    )


def others_blast(ws: Workspace, subject: Subject, mode: FailureMode) -> list[OthersImpact]:
    """Operators only: the same query over the whole estate, as anonymised cohort totals."""
    if not ws.access.anonymised_others:
        return []
    return _others_blast(*ws.key, subject.model_dump_json(), mode.value, ws.settings.min_cohort)


@st.cache_resource(max_entries=64, show_spinner="Summing the other operators (anonymised)…")
def _others_blast(
    store: str,
    revision: str,
    access_json: str,
    policy_key: str,
    subject: str,
    mode: str,
    min_cohort: int,
) -> list[OthersImpact]:
    full = _full_view(store, revision)
    mine = _scoped(store, revision, access_json).operators
    radius = blast_radius(
        full,
        Subject.model_validate_json(subject),
        FailureMode(mode),
        policy=_policy(policy_key),
    )
    return others_impact(radius, mine, cohorts_of(full, mine, min_cohort))


def simulation(
    ws: Workspace, channel: str, override: RolloutOverride, mode: FailureMode
) -> Simulation:
    return _simulation(*ws.key, channel, override.model_dump_json(), mode.value)


@st.cache_resource(max_entries=64, show_spinner="Simulating the rollout…")
def _simulation(
    store: str,
    revision: str,
    access_json: str,
    policy_key: str,
    channel: str,
    override: str,
    mode: str,
) -> Simulation:
    return simulate(
        _scoped(store, revision, access_json).graph,
        channel,
        RolloutOverride.model_validate_json(override),
        FailureMode(mode),
        policy=_policy(policy_key),
    )


def concentration(ws: Workspace) -> ConcentrationReport:
    return _concentration(*ws.key)


@st.cache_resource(max_entries=16, show_spinner="Measuring vendor concentration…")
def _concentration(
    store: str, revision: str, access_json: str, policy_key: str
) -> ConcentrationReport:
    p = _policy(policy_key)
    return concentration_report(
        _scoped(store, revision, access_json).graph,
        policy=p.concentration,
        controls_policy=p.controls,
    )


def sector_cells(ws: Workspace) -> list[HeatCell]:
    """Sector x layer HHI: the scoped report's, or for operators the whole estate's with
    small cohorts suppressed."""
    if not ws.access.anonymised_others:
        return heat_cells(concentration(ws))
    return _anonymised_cells(*ws.key, ws.settings.min_cohort)


def sector_systemic_rows(ws: Workspace) -> list[SectorSystemic]:
    if not ws.access.anonymised_others:
        return sector_systemic(concentration(ws))
    return _anonymised_systemic(*ws.key, ws.settings.min_cohort)


def sector_common_modes(ws: Workspace) -> list[CommonMode]:
    if not ws.access.anonymised_others:
        return sector_intersections(concentration(ws))
    return _anonymised_common_modes(*ws.key, ws.settings.min_cohort)


@st.cache_resource(max_entries=16, show_spinner="Measuring sector concentration…")
def _others_concentration(
    store: str, revision: str, access_json: str, policy_key: str
) -> ConcentrationReport:
    """Concentration of the rest of the estate: every operator but the viewer's, so no
    aggregate shown to an operator includes its own data."""
    p = _policy(policy_key)
    mine = _scoped(store, revision, access_json).operators
    return concentration_report(
        others_view(_full_view(store, revision), mine),
        policy=p.concentration,
        controls_policy=p.controls,
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def _cohorts(store: str, revision: str, access_json: str, min_cohort: int) -> Cohorts:
    """The anonymised operator cohorts of one signed-in scope (shared by the aggregates)."""
    mine = _scoped(store, revision, access_json).operators
    return cohorts_of(_full_view(store, revision), mine, min_cohort)


@st.cache_resource(max_entries=16, show_spinner=False)
def _anonymised_cells(
    store: str, revision: str, access_json: str, policy_key: str, min_cohort: int
) -> list[HeatCell]:
    cohorts = _cohorts(store, revision, access_json, min_cohort)
    return heat_cells(_others_concentration(store, revision, access_json, policy_key), cohorts)


@st.cache_resource(max_entries=16, show_spinner=False)
def _anonymised_systemic(
    store: str, revision: str, access_json: str, policy_key: str, min_cohort: int
) -> list[SectorSystemic]:
    cohorts = _cohorts(store, revision, access_json, min_cohort)
    return sector_systemic(_others_concentration(store, revision, access_json, policy_key), cohorts)


@st.cache_resource(max_entries=16, show_spinner=False)
def _anonymised_common_modes(
    store: str, revision: str, access_json: str, policy_key: str, min_cohort: int
) -> list[CommonMode]:
    cohorts = _cohorts(store, revision, access_json, min_cohort)
    report = _others_concentration(store, revision, access_json, policy_key)
    return sector_intersections(report, cohorts)


def findings_by_control(ws: Workspace) -> tuple[Finding, ...]:
    """The control findings without the remediation simulation (enough to count them)."""
    return _findings(*ws.key, _as_of())


def controls(ws: Workspace) -> tuple[Finding, ...]:
    """The remediation plan: findings with the blast radius their fix removes."""
    return _controls(*ws.key, _as_of())


def _as_of() -> str:
    return clock_from_env()().date().isoformat()


@st.cache_resource(max_entries=16, show_spinner="Checking every control…")
def _findings(
    store: str, revision: str, access_json: str, policy_key: str, as_of: str
) -> tuple[Finding, ...]:
    p = _policy(policy_key)
    return evaluate_controls(
        _scoped(store, revision, access_json).graph,
        policy=p.controls,
        concentration_policy=p.concentration,
        as_of=date.fromisoformat(as_of),
    )


@st.cache_resource(
    max_entries=16, show_spinner="Simulating the blast radius each remediation removes…"
)
def _controls(
    store: str, revision: str, access_json: str, policy_key: str, as_of: str
) -> tuple[Finding, ...]:
    view = _scoped(store, revision, access_json).graph
    findings = _findings(store, revision, access_json, policy_key, as_of)
    return attach_risk_removed(view, findings, policy=_policy(policy_key))


def documents(ws: Workspace) -> tuple[list[DocumentInfo], list[DataQualityFinding]]:
    """Documents the user may see and their findings (hidden for shared documents)."""
    return _documents(ws.settings.store, ws.revision, ws.access.model_dump_json())


@st.cache_resource(max_entries=16, show_spinner="Listing documents…")
def _documents(
    store: str, revision: str, access_json: str
) -> tuple[list[DocumentInfo], list[DataQualityFinding]]:
    scoped = _scoped(store, revision, access_json)
    with _store(store) as s:
        docs, findings = s.documents(), s.findings()
    if Access.model_validate_json(access_json).everything:
        return docs, findings
    visible = _asserting(scoped.graph) - scoped.hidden_documents
    return (
        [d for d in docs if d.id in visible],
        [
            f
            for f in findings
            if f.document_id in visible and f.document_id not in scoped.shared_documents
        ],
    )


def _asserting(graph: nx.MultiDiGraph) -> set[str]:
    docs = {p.document_id for _, d in graph.nodes(data=True) for p in d.get("provenance") or ()}
    docs.update(
        p.document_id for _, _, d in graph.edges(data=True) for p in d.get("provenance") or ()
    )
    return docs
