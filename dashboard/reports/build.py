"""Build a :class:`Report` from a store: scope first, then the same analyses as the CLI.

:func:`build_report` is what ``riskgraph report`` and the dashboard's Export page call;
every renderer (``json_report``, ``csv_report``, ``html_report``, ``pdf_report``,
``xlsx_report``, ``sarif``) takes its result and does no analysis of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from dashboard.access.aggregates import HeatCell, cohorts_of, heat_cells
from dashboard.access.scope import Access
from dashboard.reports.controls_rows import Row, findings_of_rows
from dashboard.reports.forked import Forked, ForkedSteps
from dashboard.reports.impacts import ranked_and_top
from dashboard.reports.integrity import seal
from dashboard.reports.json_report import HeadFirst, JsonReport, keep_rendered
from dashboard.reports.jsondoc import JsonDocument, json_document, parts_fields, parts_json
from dashboard.reports.model import (
    ControlsSection,
    Integrity,
    Report,
    ReportOptions,
    ReportScope,
)
from dashboard.reports.parts import ReportParts, report_parts
from dashboard.reports.scoping import (
    ScopedInputs,
    apply_scope,
    parse_scope,
    scope_from_access,
)
from dashboard.reports.sealjson import seal_document, seal_with_json
from dashboard.reports.sections_controls import (
    controls_section,
    plain_controls_section,
    plain_findings,
    plan_findings,
)
from graph.estate_cache import Estate, read_estate
from graph.gcpause import drop_cached_views, paused_gc
from graph.risk.concentration import concentration_summary, layer_concentrations
from graph.risk.concentration_models import ConcentrationReport, ScopeKind
from graph.risk.concentration_usage import estate_usage
from graph.risk.controls.catalogue import KM_02, SD_04, TR_01
from graph.risk.controls.engine import rule_findings
from graph.risk.controls.plan import ControlPlan, control_plan
from graph.risk.kernel_start import start_kernels
from graph.risk.policy import Policy
from graph.risk.ranking_engine import view_snapshot
from graph.risk.subject import FailureMode
from graph.store.interface import Clock, GraphStore

if TYPE_CHECKING:
    pass

__all__ = [
    "ELSEWHERE",
    "REPORT_SCOPE_KINDS",
    "build_json_report",
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

ELSEWHERE = (KM_02.id, SD_04.id, TR_01.id)
"""Controls whose rules a parallel build runs in its side child, in rule order: work for
few findings, so little to hand back, while the side child would otherwise wait (100k:
TR-01 0.8 s of CPU, every product's SBOM closure, for 5 findings; KM-02 0.3 s for 262;
SD-04 0.2 s for 3,950). The parent takes them after its own rules."""

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
    prerender: str | None = None,
    parallel: bool = False,
    cache_writes: list[Estate] | None = None,
    json_out: Path | None = None,
) -> Report:
    """The report of ``store`` for ``scope``, computed with ``policy`` at ``clock()``.

    ``scope`` is a :class:`ReportScope`, a ``--scope`` string or a dashboard
    :class:`Access`. ``view`` may pass the store's canonical view when the caller already
    holds it (the dashboard's cache); it must be ``canonical_view(store)``. ``on_stage``
    is called with the name of each stage as it starts (progress, benchmarks). ``retain``,
    when given, receives the build's large intermediates (views, snapshot, findings)
    instead of their being freed on return: for a process about to exit
    (``dashboard.cli.fastexit``), where freeing them is seconds of wasted work at 100k.
    ``prerender="json"`` writes the JSON while sealing (:mod:`dashboard.reports.sealjson`,
    the hash in a forked child): the next ``render_json`` of the report returns it.
    ``parallel`` builds the sections that do not depend on the controls in a forked child
    while this process evaluates them (:mod:`dashboard.reports.forked`; a one-shot
    command's choice: not for a process running other threads). Same report either way.
    ``cache_writes``, a one-shot command's (it may fork), receives the estate the build
    read: on a cache miss its file is not written during the build, which it would slow
    down, but by :meth:`~graph.estate_cache.Estate.write_detached` once the caller's
    output is out (:func:`graph.estate_cache.read_estate` with ``defer``). ``json_out``,
    with ``prerender="json"``: the file ``write_report`` will write it to; its first part
    is written there (to a temporary) while the seal's hash is computed.
    """
    with paused_gc(), ExitStack() as cleanup:
        stage = on_stage or (lambda _: None)
        plain: list[dict[str, Any]] | None = [] if prerender == "json" else None
        report = _build(
            store,
            scope,
            policy,
            clock,
            options,
            view,
            stage,
            cleanup,
            retain,
            parallel,
            cache_writes,
            plain,
        )
        assert isinstance(report, Report)
        if prerender != "json":
            return seal(report)
        started = HeadFirst(json_out) if json_out is not None else None
        sealed, data = seal_with_json(report, plain, started.write if started else None)
        keep_rendered(sealed, data, started)
        return sealed


def build_json_report(
    store: GraphStore,
    scope: ReportScope | Access | str,
    *,
    policy: Policy,
    clock: Clock,
    out: Path,
    options: ReportOptions | None = None,
    on_stage: Stage | None = None,
    retain: list[object] | None = None,
    parallel: bool = True,
    cache_writes: list[Estate] | None = None,
) -> JsonReport:
    """``riskgraph report --format json --out out``: :func:`build_report`'s report, with
    ``prerender="json"`` and ``json_out=out``, as its JSON to write to ``out`` and its
    seal's digest, built without the report's models (:mod:`dashboard.reports.jsondoc`:
    at 100k, ~600k rows the JSON does not need). The arguments are
    :func:`build_report`'s; the same bytes as ``write_report(build_report(...))``."""
    with paused_gc(), ExitStack() as cleanup:
        document = _build(
            store,
            scope,
            policy,
            clock,
            options,
            None,
            on_stage or (lambda _: None),
            cleanup,
            retain,
            parallel,
            cache_writes,
            document=[],
        )
        assert isinstance(document, JsonDocument)
        started = HeadFirst(out)
        digest, pieces = seal_document(document, started.write)
        return JsonReport(digest, pieces, started)


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
    parallel: bool = False,
    cache_writes: list[Estate] | None = None,
    plain: list[dict[str, Any]] | None = None,
    document: list[Row] | None = None,
) -> Report | JsonDocument:
    """:func:`build_report`'s report, unsealed; with ``document``, the list the control
    findings' rows are put in, its :class:`JsonDocument` (:func:`build_json_report`)."""
    report_scope = _as_scope(scope)
    options = options or ReportOptions()
    generated_at = clock()
    stage("read")
    documents, dq_findings = store.documents(), store.findings()
    # the canonical view, from the store's cache file when it holds this content
    if view is not None:
        estate = Estate(view)
    else:
        estate = read_estate(store, documents, defer=cache_writes is not None)
        if cache_writes is not None:
            cache_writes.append(estate)
    cleanup.callback(estate.close)  # waits for the child writing a new cache file
    full = estate.view
    stage("scope")
    cut = apply_scope(full, report_scope, documents, dq_findings)
    scoped = cut.scoped.graph
    mode = FailureMode(options.mode)

    stage("rank")
    snapshot = estate.snapshot(view_snapshot) if scoped is full else view_snapshot(scoped)
    anonymised = _anonymised(report_scope)
    impacts = partial(ranked_and_top, full, cut, snapshot, mode, policy, options, anonymised)
    concentration = partial(
        concentration_summary,
        scoped,
        scope_kinds=REPORT_SCOPE_KINDS,
        policy=policy.concentration,
        controls_policy=policy.controls,
        snapshot=snapshot,
    )
    parts = partial(report_parts, report_scope, options, policy, tool_version(), generated_at, cut)
    context = partial(_sector_context, full, cut, report_scope, options, policy)

    def rows(plan: ControlPlan) -> ControlsSection:
        """The controls section; JSON only, without findings, their rows in ``document``."""
        if document is None:
            return controls_section(plan_findings(plan, plain))  # plain: the JSON's rows
        document.extend(plain_findings(plan))
        return plain_controls_section(document)

    if not parallel:  # each stage here, in order
        ranked, top = impacts(stage)
        stage("concentration")
        # shared by concentration and the control rules; the whole view's from the cache
        usage = estate.usage(estate_usage) if scoped is full else estate_usage(scoped)
        summary = concentration(usage=usage)  # layer figures without per-vendor lists
        stage("controls")
        plan = control_plan(  # the findings as tuples, in remediation order, risk removed
            scoped,
            policy=policy,
            as_of=generated_at.date(),
            usage=usage,
            concentration=summary.findings,
            snapshot=snapshot,
        )
        stage("assemble")
        controls = rows(plan)
        built = parts(ranked, top, summary, context(), usage, REPORT_SCOPE_KINDS)
        held: tuple[object, ...] = (ranked, top)
    else:  # the ranking, concentration and the sections on the other core, the rules here
        if snapshot is not None:  # every process here calls its kernels: start numba once
            start_kernels()
        ranking = cleanup.enter_context(Forked(partial(impacts, _quiet)))  # rank + blast
        stage("concentration")
        # here: the control rules read it too; the whole view's from the cache file
        usage = estate.usage(estate_usage) if scoped is full else estate_usage(scoped)
        if snapshot is not None:  # the rules' channel walk: built once, the side child's too
            from graph.risk.controls.fastclosure import snapshot_channels  # noqa: PLC0415

            snapshot_channels(snapshot)

        def side() -> Iterator[object]:
            summary = concentration(usage=usage)
            yield summary.findings  # what the rules of READS_CONCENTRATION wait for
            for control in ELSEWHERE:  # taken in this order by evaluate_items
                yield rule_findings(
                    scoped,
                    control,
                    policy=policy.controls,
                    concentration_policy=policy.concentration,
                    as_of=generated_at.date(),
                    usage=usage,
                    snapshot=snapshot,
                )
            ranked, top = ranking.result()  # the rank child's, done long before
            built = parts(ranked, top, summary, context(), usage, REPORT_SCOPE_KINDS)
            yield built if document is None else parts_json(built)  # JSON only: written here

        # forked before the ranking is done: only its last step needs it, and this
        # process's rules need neither (100k: the parent waited 0.5 s for the rank child)
        with ForkedSteps(side) as steps:
            stage("controls")
            plan = control_plan(
                scoped,
                policy=policy,
                as_of=generated_at.date(),
                usage=usage,
                concentration=steps.next,  # taken when the other rules are done
                snapshot=snapshot,
                elsewhere=dict.fromkeys(ELSEWHERE, steps.next),
            )
            stage("assemble")  # the rows first: the other sections may still be built
            controls = rows(plan)
            built = steps.next()
        held = ()  # the ranking and radii are the children's only
    head = {"title": f"riskgraph report: {report_scope.label}", "scope": report_scope}
    head["data_quality"] = cut.findings
    report: Report | JsonDocument
    if document is None:
        report = _report(head, controls, built)
    else:  # JSON only; the model when asked, with sections made here if the child's are JSON

        def whole() -> Report:
            made = built
            if not isinstance(made, ReportParts):  # the side child's JSON: parallel only
                ranked, top = ranking.result()  # the rank child's file, still open here
                again = concentration(usage=usage)
                made = parts(ranked, top, again, context(), usage, REPORT_SCOPE_KINDS)
            return _report(head, controls_section(findings_of_rows(document)), made)

        report = json_document(head, controls, document, built, whole)
    if retain is not None:  # the caller's process ends soon: hand them over, free nothing
        retain.extend((full, cut, snapshot, *held, usage, plan, built))
    elif view is None:  # graphs of this build: freed by reference counting, not a collection
        drop_cached_views(full, scoped)
    return report


def _report(head: dict[str, Any], controls: ControlsSection, parts: ReportParts) -> Report:
    """The unsealed report of ``head`` (title, scope, data quality), ``controls`` and ``parts``."""
    return Report(
        **head, **parts_fields(parts), controls=controls, integrity=Integrity(body_sha256="")
    )


def _quiet(_: str) -> None:
    """No stage callback in a forked child (the caller's is in the parent)."""


def _sector_context(
    full: nx.MultiDiGraph,
    cut: ScopedInputs,
    scope: ReportScope,
    options: ReportOptions,
    policy: Policy,
) -> list[HeatCell] | None:
    """Operator scope: the whole estate's sector heat map over anonymised cohorts."""
    if not (cut.scoped.operators and _anonymised(scope)):
        return None
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
    return heat_cells(whole, cohorts)  # the layers only: no other operator's findings


def _as_scope(scope: ReportScope | Access | str) -> ReportScope:
    if isinstance(scope, ReportScope):
        return scope
    if isinstance(scope, Access):
        return scope_from_access(scope)
    return parse_scope(scope)


def _anonymised(scope: ReportScope) -> bool:
    return scope.role == "operator"
