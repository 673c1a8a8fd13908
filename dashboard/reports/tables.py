"""The report as named tables: what CSV, XLSX, HTML and PDF lay out, in one place.

Every renderer that shows rows reads :func:`report_tables`, so a column has the same name
and the same value in every format. Cells are plain scalars (str, int, float, bool or
None); lists are joined with ``"; "``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from dashboard.reports.model import Report

__all__ = [
    "DOCUMENT_COLUMNS",
    "PAGE_TABLES",
    "Cell",
    "Table",
    "cell",
    "columns",
    "evidence_text",
    "manifest_rows",
    "report_tables",
]

Cell = str | int | float | bool | None

DOCUMENT_COLUMNS: dict[str, str] = {
    "blast_top": "rank kind name hosts_down hosts_degraded hands_on_hosts recovery_hours "
    "operators_hit critical_functions_lost",
    "blast_impacts": "subject group key operators_hit hosts_down hosts_degraded functions_lost "
    "recovery_hours",
    "blast_others": "subject cohort operators_in_cohort operators_hit hosts_down "
    "critical_functions_lost",
    "ranking": "rank kind name hosts_down hosts_degraded operators_hit sectors_hit recovery_hours",
    "concentration": "scope_kind scope_name layer hosts_in_scope vendors hhi band_2023 "
    "hhi_critical top_vendor top_share",
    "single_vendor": "operator function layer vendor share escalated failing_channels",
    "systemic": "sector vendor layers population operators_using count_share systemic",
    "findings": "order severity status id title hosts_down_avoided",
    "inputs": "id name format spec_version status ingested_at sha256",
    "parameters": "name value basis description",
}
"""Columns the page formats (PDF, HTML) show of wide tables; the data formats keep all."""

_PAGE = "manifest blast_top blast_impacts blast_others ranking concentration single_vendor systemic"
PAGE_TABLES = frozenset((*_PAGE.split(), "frameworks", "data_quality", "inputs", "parameters"))
"""Tables both page formats lay out (the evidence and reference rows are data-format only)."""


@dataclass(frozen=True)
class Table:
    """One table: a file name stem, a heading, column names and rows."""

    name: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def columns(table: Table) -> tuple[list[int], list[str]]:
    """Indexes and names of the columns a page format shows of ``table``."""
    names = (
        DOCUMENT_COLUMNS[table.name].split() if table.name in DOCUMENT_COLUMNS else table.headers
    )
    index = [table.headers.index(n) for n in names if n in table.headers]
    return index, [table.headers[i] for i in index]


_PLAIN = frozenset({str, int, float, bool, type(None)})


def cell(value: Any) -> Cell:
    """A scalar for one cell: dates as ISO text, sequences joined with '; '."""
    if type(value) in _PLAIN:  # most cells: no isinstance chain
        return cast(Cell, value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, list | tuple):
        return "; ".join(str(cell(v)) for v in value)
    return str(value)


def evidence_text(value: Cell) -> str:
    """An evidence value for people: ``undeclared`` for null, ``true``/``false``."""
    if value is None:
        return "undeclared"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class _Pending:
    """A table whose rows are not converted yet (a generator over the report)."""

    name: str
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]

    def build(self) -> Table:
        rows = tuple(tuple(map(cell, r)) for r in self.rows)
        return Table(self.name, self.title, tuple(self.headers), rows)


def _table(
    name: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> _Pending:
    return _Pending(name, title, headers, rows)


def manifest_rows(report: Report) -> list[tuple[str, Cell]]:
    """The manifest and integrity as (field, value) pairs, inputs summarised by their hash."""
    m = report.manifest
    rows: list[tuple[str, Any]] = [
        ("title", report.title),
        ("report_schema", m.report_schema),
        ("tool", f"{m.tool} {m.tool_version}"),
        ("ruleset_version", m.ruleset_version),
        ("generated_at", m.generated_at),
        ("as_of", report.period.as_of),
        ("scope", m.scope.label),
        ("scope_role", m.scope.role),
        ("inputs", len(m.inputs)),
        ("inputs_sha256", m.inputs_sha256),
    ]
    rows += [(f"option.{k}", v) for k, v in m.options.model_dump().items()]
    rows += [
        ("integrity.algorithm", report.integrity.algorithm),
        ("integrity.canonicalisation", report.integrity.canonicalisation),
        ("integrity.body_sha256", report.integrity.body_sha256),
    ]
    return [(k, cell(v)) for k, v in rows]


def _fields(name: str, title: str, items: Iterable[Any], fields: str) -> _Pending:
    """A table whose columns are attributes of ``items`` (space-separated ``fields``)."""
    names = tuple(fields.split())
    return _table(name, title, names, (tuple(getattr(i, f) for f in names) for i in items))


def report_tables(report: Report, names: Collection[str] | None = None) -> list[Table]:
    """Every table of the report, in reading order; only those in ``names`` when given
    (the page formats show some tables, and the rest of the findings would cost seconds)."""
    return [t.build() for t in _pending(report) if names is None or t.name in names]


def _pending(report: Report) -> list[_Pending]:
    b, c, k = report.blast, report.concentration, report.controls
    impacts = ((s.key, *(getattr(i, f) for f in _IMPACT.split())) for s in b.top for i in s.impacts)
    others = ((s.key, *(getattr(o, f) for f in _OTHERS.split())) for s in b.top for o in s.others)
    return [
        _table("manifest", "Manifest", ("field", "value"), manifest_rows(report)),
        _fields("inputs", "Inputs", report.inputs, _INPUTS),
        _table("estate", "Estate summary", ("figure", "value"), report.estate.figures.items()),
        _fields("operators", "Operators in scope", report.estate.operators, _OPERATORS),
        _fields("ranking", "Vendors and channels ranked by blast radius", b.ranking, _RANKING),
        _fields("blast_top", "Blast radius of the top vendors and channels", b.top, _TOP),
        _table(
            "blast_impacts",
            "Blast radius by sector, jurisdiction and operator",
            ("subject", *_IMPACT.split()),
            impacts,
        ),
        _table(
            "blast_others",
            "Other operators (anonymised cohort totals; empty cells are suppressed cohorts)",
            ("subject", *_OTHERS.split()),
            others,
        ),
        _table(
            "recovery_curve",
            "Recovery curves (hosts back by hour)",
            ("subject", "hour", "hosts_back", "share_back"),
            ((s.key, p.hour, p.hosts_back, p.share_back) for s in b.top for p in s.recovery_curve),
        ),
        _fields(
            "concentration",
            "Concentration per layer (HHI by hosts and by critical-function hosts)",
            c.layers,
            _LAYERS,
        ),
        _fields("vendor_shares", "Vendor shares (estate and sector scopes)", c.shares, _SHARES),
        _fields("heat_map", "Sector x layer HHI (by hosts)", c.heat_map, _HEAT),
        _fields(
            "sector_context",
            "Whole estate by sector (anonymised cohorts)",
            c.sector_context,
            _HEAT,
        ),
        _fields(
            "single_vendor",
            "Single-vendor dependencies of critical functions (project policy thresholds)",
            c.single_vendor,
            _SINGLE,
        ),
        _fields(
            "systemic",
            "Sector breadth test (DORA CDR 2024/1502 Art. 2 style)",
            c.systemic,
            _SYSTEMIC,
        ),
        _table(
            "findings",
            "Control findings, in remediation order (most risk removed first)",
            (*_FINDING.split(), *_REMOVED, "frameworks", "remediation"),
            (
                (
                    *(getattr(f, n) for n in _FINDING.split()),
                    *_removed(f.risk_removed),
                    sorted({r.framework for r in f.references}),
                    f.remediation,
                )
                for f in k.findings
            ),
        ),
        _table(
            "finding_evidence",
            "Evidence: attribute, value and the document that asserted it",
            ("finding", "subject", "attribute", "value", "documents", "document_id", "location"),
            (
                (f.id, e.subject, e.attribute, e.value, e.sources_total, *source)
                for f in k.findings
                for e in f.evidence
                for source in _sources(e.sources)
            ),
        ),
        _table(
            "finding_references",
            "Framework references of each finding (verbatim from controls.md)",
            ("finding", "control", "framework", "reference"),
            ((f.id, f.control, r.framework, r.reference) for f in k.findings for r in f.references),
        ),
        _fields(
            "frameworks", "Findings by framework", k.by_framework, "framework findings controls"
        ),
        _table(
            "data_quality",
            "Data-quality findings recorded at ingest",
            ("document_id", "severity", "code", "location", "message"),
            (
                (d.document_id, d.severity.value, d.code, d.location, d.message)
                for d in report.data_quality
            ),
        ),
        _fields(
            "parameters",
            f"Policy parameters (ruleset {report.methodology.ruleset_version})",
            report.methodology.parameters,
            "name value basis description",
        ),
        _table(
            "catalogue",
            "Control catalogue applied",
            ("id", "title", "severity_guidance", "references"),
            (
                (r.id, r.title, r.severity_guidance, [x.reference for x in r.references])
                for r in k.catalogue
            ),
        ),
    ]


_INPUTS = (
    "id path name format spec_version sha256 size created ingested_at status superseded_by lineage"
)
_OPERATORS = "operator name sectors jurisdictions cii host_groups hosts critical_functions"
_RANKING = (
    "rank kind key name hosts_down hosts_degraded operators_hit sectors_hit "
    "critical_functions_lost hands_on_hosts recovery_hours"
)
_TOP = (
    "rank kind key name hosts_down hosts_degraded hosts_compromised hands_on_hosts "
    "recovery_hours operators_hit sectors_hit critical_functions_lost failing unknowns"
)
_IMPACT = (
    "group key operators_hit hosts_down hosts_degraded hosts_compromised functions_lost "
    "recovery_hours"
)
_OTHERS = (
    "cohort operators_in_cohort operators_hit hosts_down hosts_degraded hosts_compromised "
    "critical_functions_lost"
)
_LAYERS = (
    "scope_kind scope scope_name layer hosts_in_scope vendors hhi cr1 cr3 effective_suppliers "
    "band_2023 band_2010 hhi_critical band_2023_critical top_vendor top_share"
)
_SHARES = "scope layer vendor name hosts share critical_share"
_HEAT = "scope layer hhi band effective_suppliers suppliers hosts top_vendor"
_SINGLE = "operator function layer vendor share hosts function_hosts escalated failing_channels"
_SYSTEMIC = "sector vendor layers population operators_using count_share size_share systemic"
_FINDING = (
    "order id control severity status title subject vendor channel operator reach_hosts "
    "reach_operators"
)
_REMOVED = ("hosts_down_avoided", "operators_avoided", "recovery_hours_avoided")


def _removed(removed: Any) -> tuple[Any, ...]:
    if removed is None:
        return (None, None, None)
    return (removed.hosts_down_avoided, removed.operators_avoided, removed.recovery_hours_avoided)


def _sources(sources: Iterable[Any]) -> list[tuple[str | None, str | None]]:
    """(document, location) of each source; one empty pair when none is recorded."""
    return [(s.document_id, s.location) for s in sources] or [(None, None)]
