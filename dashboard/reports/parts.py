"""The report's sections that do not depend on the control findings, built in one call.

Manifest, period, inputs, estate, blast radius, concentration and methodology need the
scoped inputs, the ranking, the top subjects' radii and the concentration summary, never
the controls; :func:`report_parts` builds them all, so ``build_report`` can run it in a
forked child (:class:`dashboard.reports.forked.Forked`) while it evaluates the controls,
or here, with the same result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from dashboard.access.aggregates import HeatCell
from dashboard.reports.integrity import inputs_sha256
from dashboard.reports.model import (
    BlastSection,
    ConcentrationSection,
    EstateSection,
    InputDocument,
    InputHash,
    Manifest,
    Methodology,
    Period,
    ReportOptions,
    ReportScope,
    SubjectImpact,
)
from dashboard.reports.scoping import WITHHELD, ScopedInputs
from dashboard.reports.sections_controls import methodology
from dashboard.reports.sections_risk import concentration_section, estate_section, rank_rows
from graph.model import DocumentInfo
from graph.risk.concentration import ConcentrationSummary
from graph.risk.concentration_models import ScopeKind
from graph.risk.concentration_usage import EstateUsage
from graph.risk.policy import Policy
from graph.risk.ranking import RankedSubject
from graph.risk.subject import FailureMode

__all__ = ["ReportParts", "report_parts"]


@dataclass(frozen=True)
class ReportParts:
    """Every section of a :class:`~dashboard.reports.model.Report` but the title, scope,
    controls, data quality and integrity."""

    manifest: Manifest
    period: Period
    inputs: tuple[InputDocument, ...]
    estate: EstateSection
    blast: BlastSection
    concentration: ConcentrationSection
    methodology: Methodology


def report_parts(
    scope: ReportScope,
    options: ReportOptions,
    policy: Policy,
    tool_version: str,
    generated_at: datetime,
    cut: ScopedInputs,
    ranked: list[RankedSubject],
    top: tuple[SubjectImpact, ...],
    summary: ConcentrationSummary,
    context: list[HeatCell] | None,
    usage: EstateUsage,
    layer_kinds: tuple[ScopeKind, ...],
) -> ReportParts:
    """The sections of the report of ``cut`` (see :class:`ReportParts`); the concentration
    section lists the layers of ``layer_kinds`` (computed from ``usage`` when ``summary``
    holds other ones: ``build_report`` in parallel leaves them to this step)."""
    summary = summary.with_layers(cut.scoped.graph, usage, layer_kinds, policy.concentration)
    hashes = tuple(
        InputHash(document_id=d.id, sha256=d.sha256, status=d.status.value) for d in cut.documents
    )
    return ReportParts(
        manifest=Manifest(
            tool_version=tool_version,
            ruleset_version=policy.version,
            generated_at=generated_at,
            scope=scope,
            options=options,
            policy=policy.model_dump(mode="json"),
            inputs=hashes,
            inputs_sha256=inputs_sha256(hashes),
        ),
        period=_period(cut.documents, generated_at),
        inputs=tuple(_input(d, d.id in cut.withheld) for d in cut.documents),
        estate=estate_section(cut.scoped.graph),
        blast=BlastSection(
            mode=FailureMode(options.mode).value,
            window_hours=round(policy.window_hours, 6),
            online_fraction=policy.online_fraction,
            ranking=rank_rows(ranked),
            top=top,
        ),
        concentration=concentration_section(summary, context),
        methodology=methodology(policy),
    )


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
