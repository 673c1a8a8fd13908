"""The report as data: one frozen pydantic model every renderer reads, and its manifest.

A :class:`Report` is built once (:func:`dashboard.reports.build.build_report`) and then
rendered to JSON, CSV, HTML, PDF, XLSX and SARIF without further analysis, so every format
shows the same figures. Its JSON Schema is published as ``riskgraph schema report``.
``integrity.body_sha256`` is the SHA-256 of the canonical JSON of everything else
(:mod:`dashboard.reports.integrity`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dashboard.access.aggregates import HeatCell, OthersImpact, SectorSystemic
from graph.model import DataQualityFinding
from graph.risk.blast_results import RecoveryPoint

__all__ = [
    "REPORT_SCHEMA_VERSION",
    "BlastSection",
    "ConcentrationSection",
    "ControlRow",
    "ControlsSection",
    "EstateSection",
    "EvidenceRow",
    "FrameworkCoverage",
    "FrameworkRef",
    "ImpactRow",
    "InputDocument",
    "InputHash",
    "Integrity",
    "LayerRow",
    "Manifest",
    "Methodology",
    "OperatorRow",
    "Period",
    "PolicyParameter",
    "RankRow",
    "Report",
    "ReportFinding",
    "ReportOptions",
    "ReportScope",
    "RiskRemovedRow",
    "ShareRow",
    "SingleVendorRow",
    "SourceRef",
    "SubjectImpact",
]

REPORT_SCHEMA_VERSION = "1.0"
"""Bumped whenever a field is added, removed or changes meaning."""

ScalarValue = str | int | float | bool | None


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class ReportScope(_Row):
    """Whose estate the report covers: the same cut the dashboard applies to a role."""

    kind: Literal["all", "operator", "sector", "jurisdiction", "role"] = Field(
        description="'role' when the scope came from a signed-in dashboard user."
    )
    role: Literal["admin", "auditor", "regulator", "operator"]
    operators: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    jurisdictions: tuple[str, ...] = ()
    label: str = Field(description="The scope as written on the command line or the page.")


class ReportOptions(_Row):
    """How much the report shows; part of the manifest, so ``verify`` rebuilds it alike."""

    top_vendors: int = Field(5, ge=0, description="Vendors with a full blast radius section.")
    top_channels: int = Field(5, ge=0, description="Channels with a full blast radius section.")
    min_cohort: int = Field(
        3,
        ge=1,
        description="Operator scope: other-operator aggregates are shown only over cohorts "
        "of at least this many operators (small-cell suppression, project policy).",
    )
    mode: Literal["bad-update", "outage", "compromise"] = "bad-update"


class InputHash(_Row):
    document_id: str
    sha256: str
    status: str


class Manifest(_Row):
    """What the report was computed from and with: enough for ``verify`` to rebuild it."""

    report_schema: str = REPORT_SCHEMA_VERSION
    tool: str = "riskgraph"
    tool_version: str
    ruleset_version: str = Field(description="Policy/ruleset version (graph.risk.policy).")
    generated_at: datetime = Field(description="From the clock (SOURCE_DATE_EPOCH when set).")
    scope: ReportScope
    options: ReportOptions
    policy: dict[str, Any] = Field(description="Every policy parameter used, as a dump.")
    inputs: tuple[InputHash, ...]
    inputs_sha256: str = Field(description="SHA-256 over 'id sha256 status' lines, sorted.")


class Period(_Row):
    as_of: date
    generated_at: datetime
    inputs_created_from: datetime | None
    inputs_created_to: datetime | None
    inputs_ingested_from: datetime | None
    inputs_ingested_to: datetime | None


class InputDocument(_Row):
    id: str
    path: str
    name: str
    format: str
    spec_version: str
    sha256: str
    size: int
    created: datetime | None
    ingested_at: datetime | None
    status: str
    superseded_by: str | None
    lineage: str


class OperatorRow(_Row):
    operator: str
    name: str
    sectors: tuple[str, ...]
    jurisdictions: tuple[str, ...]
    cii: bool
    host_groups: int
    hosts: int
    critical_functions: int


class EstateSection(_Row):
    figures: dict[str, int] = Field(description="graph.estate.estate_figures of the scope.")
    operators: tuple[OperatorRow, ...]


class RankRow(_Row):
    rank: int
    kind: str
    key: str
    name: str
    hosts_down: int
    hosts_degraded: int
    operators_hit: int
    sectors_hit: int
    critical_functions_lost: int
    hands_on_hosts: int
    recovery_hours: float


class ImpactRow(_Row):
    """Totals of one subject's blast radius for one sector, jurisdiction or operator."""

    group: Literal["sector", "jurisdiction", "operator"]
    key: str
    name: str
    operators_hit: int
    hosts_down: int
    hosts_degraded: int
    hosts_compromised: int
    functions_lost: int
    recovery_hours: float | None = Field(None, description="Operators only.")


class SubjectImpact(_Row):
    rank: int
    kind: str
    key: str
    name: str
    hosts_down: int
    hosts_degraded: int
    hosts_compromised: int
    hands_on_hosts: int
    recovery_hours: float
    operators_hit: int
    sectors_hit: tuple[str, ...]
    critical_functions_lost: int
    failing: tuple[str, ...] = Field(description="Failing nodes and how the rollout reaches.")
    impacts: tuple[ImpactRow, ...]
    recovery_curve: tuple[RecoveryPoint, ...]
    unknowns: tuple[str, ...]
    others: tuple[OthersImpact, ...] = Field(
        (), description="Operator scope: other operators as anonymised cohort totals."
    )


class BlastSection(_Row):
    mode: str
    window_hours: float
    online_fraction: float
    ranking: tuple[RankRow, ...]
    top: tuple[SubjectImpact, ...]


class LayerRow(_Row):
    scope_kind: str
    scope: str
    scope_name: str
    layer: str
    hosts_in_scope: int
    vendors: int
    hhi: float | None
    cr1: float | None
    cr3: float | None
    effective_suppliers: float | None
    band_2023: str | None
    band_2010: str | None
    hhi_critical: float | None
    band_2023_critical: str | None
    top_vendor: str | None
    top_share: float | None


class ShareRow(_Row):
    scope: str
    layer: str
    vendor: str
    name: str
    hosts: float
    share: float
    critical_share: float | None


class SingleVendorRow(_Row):
    operator: str | None
    function: str
    layer: str
    vendor: str
    share: float
    hosts: int
    function_hosts: int
    escalated: bool
    failing_channels: tuple[str, ...]


class ConcentrationSection(_Row):
    layers: tuple[LayerRow, ...] = Field(description="Estate, sector, jurisdiction, operator.")
    shares: tuple[ShareRow, ...] = Field(description="Vendor shares, estate and sector scopes.")
    heat_map: tuple[HeatCell, ...] = Field(description="Sector x layer HHI by hosts.")
    single_vendor: tuple[SingleVendorRow, ...]
    systemic: tuple[SectorSystemic, ...]
    sector_context: tuple[HeatCell, ...] = Field(
        (), description="Operator scope: the whole estate's sectors, anonymised."
    )
    gaps: tuple[str, ...]


class SourceRef(_Row):
    document_id: str
    location: str | None


class EvidenceRow(_Row):
    subject: str
    attribute: str
    value: ScalarValue
    sources: tuple[SourceRef, ...] = Field(
        description="Documents asserting the attribute, the first MAX_SOURCES by document id."
    )
    sources_total: int = Field(description="How many documents assert it in all.")


class FrameworkRef(_Row):
    framework: str
    reference: str


class RiskRemovedRow(_Row):
    hosts_down_avoided: float
    operators_avoided: int
    recovery_hours_avoided: float


class ReportFinding(_Row):
    order: int = Field(description="Position in the remediation plan (most risk removed first).")
    id: str
    control: str
    title: str
    severity: str
    status: str
    subject: str
    subject_kind: str
    vendor: str | None
    channel: str | None
    operator: str | None
    evidence: tuple[EvidenceRow, ...]
    references: tuple[FrameworkRef, ...]
    remediation: str
    related_controls: tuple[str, ...]
    reach_hosts: int
    reach_critical_hosts: int
    reach_operators: int
    reach_cii_operators: int
    risk_removed: RiskRemovedRow | None


class FrameworkCoverage(_Row):
    framework: str
    controls: tuple[str, ...]
    findings: int


class ControlRow(_Row):
    id: str
    title: str
    severity_guidance: str
    references: tuple[FrameworkRef, ...]


class ControlsSection(_Row):
    findings: tuple[ReportFinding, ...]
    by_severity: dict[str, int]
    by_framework: tuple[FrameworkCoverage, ...]
    catalogue: tuple[ControlRow, ...]


class PolicyParameter(_Row):
    name: str = Field(description="Dotted path in the policy, e.g. recovery.minutes_per_host.")
    value: ScalarValue | list[ScalarValue]
    basis: Literal["regulatory", "project policy"]
    description: str


class Methodology(_Row):
    ruleset_version: str
    notes: tuple[str, ...]
    parameters: tuple[PolicyParameter, ...]


class Integrity(_Row):
    algorithm: Literal["sha256"] = "sha256"
    canonicalisation: str = (
        "JSON of the report without 'integrity': keys sorted, separators ',' ':', UTF-8"
    )
    body_sha256: str


class Report(_Row):
    """An auditor's report: inputs, findings, methodology and its own integrity hash."""

    title: str
    manifest: Manifest
    scope: ReportScope
    period: Period
    inputs: tuple[InputDocument, ...]
    estate: EstateSection
    blast: BlastSection
    concentration: ConcentrationSection
    controls: ControlsSection
    data_quality: tuple[DataQualityFinding, ...]
    methodology: Methodology
    integrity: Integrity
