"""Build a :class:`Report` from a store: scope first, then the same analyses as the CLI.

:func:`build_report` is what ``riskgraph report`` and the dashboard's Export page call;
every renderer (``json_report``, ``csv_report``, ``html_report``, ``pdf_report``,
``xlsx_report``, ``sarif``) takes its result and does no analysis of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

import networkx as nx

from dashboard.access.aggregates import cohorts_of, heat_cells, others_impact
from dashboard.access.scope import Access
from dashboard.reports.integrity import inputs_sha256, seal
from dashboard.reports.model import (
    BlastSection,
    EstateSection,
    InputDocument,
    InputHash,
    Integrity,
    Manifest,
    Period,
    Report,
    ReportOptions,
    ReportScope,
    SubjectImpact,
)
from dashboard.reports.scoping import (
    WITHHELD,
    ScopedInputs,
    apply_scope,
    parse_scope,
    scope_from_access,
)
from dashboard.reports.sections_controls import controls_section, methodology, report_findings
from dashboard.reports.sections_risk import (
    concentration_section,
    operator_rows,
    rank_rows,
    subject_impact,
)
from graph.estate import estate_figures
from graph.estate_cache import Estate, read_estate
from graph.gcpause import drop_cached_views, paused_gc
from graph.model import DocumentInfo
from graph.risk.blast import blast_radius
from graph.risk.blast_results import BlastRadius
from graph.risk.concentration import concentration_summary, layer_concentrations
from graph.risk.concentration_models import ConcentrationReport, ScopeKind
from graph.risk.concentration_usage import estate_usage
from graph.risk.controls.engine import evaluate_controls
from graph.risk.policy import Policy
from graph.risk.ranking import RankedSubject
from graph.risk.ranking_engine import rank_view, view_snapshot
from graph.risk.remediation import attach_risk_removed
from graph.risk.subject import FailureMode, Subject
from graph.store.interface import Clock, GraphStore

if TYPE_CHECKING:
    from graph.risk.snapshot import Snapshot

__all__ = [
    "REPORT_SCOPE_KINDS",
    "build_report",
    "tool_version",
]

REPORT_SCOPE_KINDS = (
    ScopeKind.ESTATE,
    ScopeKind.SECTOR,
    ScopeKind.JURISDICTION,
    ScopeKind.OPERATOR,
)
"""Concentration scopes a report lists (function scopes are covered by single-vendor rows)."""

Stage = Callable[[str], None]


def tool_version() -> str:
    try:
        return version("riskgraph")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


def build_report(
    store: GraphStore,
    scope: ReportScope | Access | str,
    *,
    policy: Policy,
    clock: Clock,
    options: ReportOptions | None = None,
    view: nx.MultiDiGraph | None = None,
    on_stage: Stage | None = None,
    retain: list[object] | None = None,
) -> Report:
    """The report of ``store`` for ``scope``, computed with ``policy`` at ``clock()``.

    ``scope`` is a :class:`ReportScope`, a ``--scope`` string or a dashboard
    :class:`Access`. ``view`` may pass the store's canonical view when the caller already
    holds it (the dashboard's cache); it must be ``canonical_view(store)``. ``on_stage``
    is called with the name of each stage as it starts (progress, benchmarks). ``retain``,
    when given, receives the build's large intermediates (views, snapshot, findings)
    instead of their being freed on return: for a process about to exit
    (``dashboard.cli.fastexit``), where freeing them is seconds of wasted work at 100k.
    """
    with paused_gc(), ExitStack() as cleanup:
        stage = on_stage or (lambda _: None)
        return _build(store, scope, policy, clock, options, view, stage, cleanup, retain)


def _build(
    store: GraphStore,
    scope: ReportScope | Access | str,
    policy: Policy,
    clock: Clock,
    options: ReportOptions | None,
    view: nx.MultiDiGraph | None,
    stage: Stage,
    cleanup: ExitStack,
    retain: list[object] | None = None,
) -> Report:
    report_scope = _as_scope(scope)
    options = options or ReportOptions()
    generated_at = clock()
    stage("read")
    documents, dq_findings = store.documents(), store.findings()
    # the canonical view, from the store's cache file when it holds this content
    estate = Estate(view) if view is not None else read_estate(store, documents)
    cleanup.callback(estate.close)  # waits for the child writing a new cache file
    full = estate.view
    stage("scope")
    cut = apply_scope(full, report_scope, documents, dq_findings)
    scoped = cut.scoped.graph
    mode = FailureMode(options.mode)

    stage("rank")
    ranked, snapshot = _rank(scoped, mode, policy, estate if scoped is full else None)
    stage("blast")
    top = _top_impacts(
        estate, cut, ranked, snapshot, mode, policy, options, _anonymised(report_scope)
    )
    stage("concentration")
    usage = estate_usage(scoped)  # shared by concentration and the control rules
    summary = concentration_summary(  # layer figures without per-vendor lists
        scoped,
        scope_kinds=REPORT_SCOPE_KINDS,
        policy=policy.concentration,
        controls_policy=policy.controls,
        usage=usage,
    )
    concentration = summary.findings
    context = None
    if cut.scoped.operators and _anonymised(report_scope):
        cohorts = cohorts_of(full, cut.scoped.operators, options.min_cohort)
        layers = layer_concentrations(
            full, scope_kinds=(ScopeKind.ESTATE, ScopeKind.SECTOR), policy=policy.concentration
        )
        whole = ConcentrationReport(
            group_level=False,
            layers=layers,
            intersections=(),
            single_vendor=(),
            systemic=(),
            gaps=(),
        )
        context = heat_cells(whole, cohorts)  # the layers only: no other operator's findings
    stage("controls")
    findings = evaluate_controls(
        scoped,
        policy=policy.controls,
        concentration_policy=policy.concentration,
        as_of=generated_at.date(),
        usage=usage,
        concentration=concentration,
        snapshot=snapshot,
    )
    findings = attach_risk_removed(scoped, findings, policy=policy, snapshot=snapshot)

    stage("assemble")
    inputs = tuple(_input(d, d.id in cut.withheld) for d in cut.documents)
    hashes = tuple(
        InputHash(document_id=d.id, sha256=d.sha256, status=d.status.value) for d in cut.documents
    )
    report = Report(
        title=f"riskgraph report: {report_scope.label}",
        manifest=Manifest(
            tool_version=tool_version(),
            ruleset_version=policy.version,
            generated_at=generated_at,
            scope=report_scope,
            options=options,
            policy=policy.model_dump(mode="json"),
            inputs=hashes,
            inputs_sha256=inputs_sha256(hashes),
        ),
        scope=report_scope,
        period=_period(cut.documents, generated_at),
        inputs=inputs,
        estate=EstateSection(figures=estate_figures(scoped), operators=operator_rows(scoped)),
        blast=BlastSection(
            mode=mode.value,
            window_hours=round(policy.window_hours, 6),
            online_fraction=policy.online_fraction,
            ranking=rank_rows(ranked),
            top=top,
        ),
        concentration=concentration_section(summary, context),
        controls=controls_section(report_findings(findings)),
        data_quality=cut.findings,
        methodology=methodology(policy),
        integrity=Integrity(body_sha256=""),
    )
    if retain is not None:  # the caller's process ends soon: hand them over, free nothing
        retain.extend((full, cut, snapshot, ranked, top, usage, summary, findings))
    elif view is None:  # graphs of this build: freed by reference counting, not a collection
        drop_cached_views(full, scoped)
    return seal(report)


def _rank(
    view: nx.MultiDiGraph, mode: FailureMode, policy: Policy, estate: Estate | None
) -> tuple[list[RankedSubject], Snapshot | None]:
    """Every vendor and channel ranked, and the compiled snapshot of ``view`` that ranked
    them (large views; None: the networkx reference did); ``estate``: the whole store's,
    when ``view`` is its view (its snapshot may come from the cache)."""
    snapshot = estate.snapshot(view_snapshot) if estate is not None else view_snapshot(view)
    return rank_view(view, ("vendor", "channel"), mode, policy=policy, snapshot=snapshot), snapshot


def _as_scope(scope: ReportScope | Access | str) -> ReportScope:
    if isinstance(scope, ReportScope):
        return scope
    if isinstance(scope, Access):
        return scope_from_access(scope)
    return parse_scope(scope)


def _anonymised(scope: ReportScope) -> bool:
    return scope.role == "operator"


def _top_impacts(
    estate: Estate,
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
    full = estate.view
    limits = {"vendor": options.top_vendors, "channel": options.top_channels}
    chosen: list[RankedSubject] = []
    for r in ranked:
        if limits.get(r.kind, 0) > 0 and (r.hosts_down or r.hosts_degraded):
            chosen.append(r)
            limits[r.kind] -= 1
    cohorts = cohorts_of(full, cut.scoped.operators, options.min_cohort) if anonymised else None
    scoped = _radii(cut.scoped.graph, snapshot, mode, policy)
    whole = None
    if cohorts is not None and chosen:
        same = full is cut.scoped.graph
        whole = scoped if same else _radii(full, estate.snapshot(view_snapshot), mode, policy)
    out = []
    for r in chosen:
        subject = Subject(kind=r.kind, ref=r.key)
        others = None
        if whole is not None and cohorts is not None:
            others = others_impact(whole(subject), cut.scoped.operators, cohorts)
        out.append(subject_impact(r, scoped(subject), others))
    return tuple(out)


def _radii(
    view: nx.MultiDiGraph, snapshot: Snapshot | None, mode: FailureMode, policy: Policy
) -> Callable[[Subject], BlastRadius]:
    """A subject's radius as the report reads it: no evidence paths (the report shows
    none) and no per-host-group rows; from ``snapshot`` when there is one."""
    if snapshot is None:
        return lambda s: blast_radius(view, s, mode, policy=policy, evidence_paths=False)
    from graph.risk.fastreport import SnapshotRadii  # noqa: PLC0415 (numba, on demand)

    return SnapshotRadii(snapshot, view, mode, policy=policy).radius


def _input(doc: DocumentInfo, withheld: bool) -> InputDocument:
    return InputDocument(
        id=doc.id,
        path=WITHHELD if withheld else doc.path,
        name=WITHHELD if withheld else doc.name,
        format=doc.format.value,
        spec_version=doc.spec_version,
        sha256=doc.sha256,
        size=doc.size,
        created=doc.created,
        ingested_at=doc.ingested_at,
        status=doc.status.value,
        superseded_by=doc.superseded_by,
        lineage=WITHHELD if withheld else doc.lineage,
    )


def _period(documents: tuple[DocumentInfo, ...], generated_at: datetime) -> Period:
    created = sorted(_aware(d.created) for d in documents if d.created is not None)
    ingested = sorted(_aware(d.ingested_at) for d in documents if d.ingested_at is not None)
    return Period(
        as_of=generated_at.date(),
        generated_at=generated_at,
        inputs_created_from=created[0] if created else None,
        inputs_created_to=created[-1] if created else None,
        inputs_ingested_from=ingested[0] if ingested else None,
        inputs_ingested_to=ingested[-1] if ingested else None,
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
