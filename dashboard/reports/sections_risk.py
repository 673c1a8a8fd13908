"""Report sections from the risk engine's results: estate, blast radius, concentration.

Plain conversions from :mod:`graph.risk` results to the report's flat, sorted rows; no
analysis happens here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Literal

import networkx as nx

from dashboard.access.aggregates import HeatCell, OthersImpact, heat_cells, sector_systemic
from dashboard.reports.model import (
    ConcentrationSection,
    EstateSection,
    ImpactRow,
    LayerRow,
    OperatorRow,
    RankRow,
    ShareRow,
    SingleVendorRow,
    SubjectImpact,
)
from dashboard.reports.trusted import trusted_row
from graph.estate import KERNEL_PRIVILEGES
from graph.risk.blast_results import BlastRadius, GroupTotals
from graph.risk.concentration import ConcentrationSummary, LayerSummary
from graph.risk.concentration_models import ConcentrationReport, LayerConcentration, ScopeKind
from graph.risk.ranking import RankedSubject
from graph.vocabulary import NodeKind

__all__ = [
    "SHARE_SCOPES",
    "concentration_section",
    "estate_section",
    "operator_rows",
    "rank_rows",
    "subject_impact",
]

SHARE_SCOPES = frozenset({ScopeKind.ESTATE, ScopeKind.SECTOR})
"""Scopes whose vendor shares are listed (operator scopes list the metrics only)."""

_HOST_GROUP, _OPERATOR = NodeKind.HOST_GROUP.value, NodeKind.OPERATOR.value
_FUNCTION = NodeKind.FUNCTION.value
_SOFTWARE = frozenset({NodeKind.COMPONENT.value, NodeKind.PRODUCT.value})


def estate_section(view: nx.MultiDiGraph) -> EstateSection:
    """``EstateSection(figures=estate_figures(view), operators=operator_rows(view))`` from
    one pass over the nodes (each function reads all ~470k node records at 100k)."""
    kinds: Counter[str] = Counter()
    hosts = kernel = 0
    groups: dict[str, int] = defaultdict(int)
    group_hosts: dict[str, int] = defaultdict(int)
    critical: dict[str, int] = defaultdict(int)
    operators = []
    for key, data in view._node.items():  # the attribute dicts, no NodeDataView tuples
        if data.get("placeholder"):
            continue
        kind = str(data.get("kind", ""))
        kinds[kind] += 1
        if kind == _HOST_GROUP:
            count = data.get("host_count")
            hosts += _positive(count)
            owner = str(data.get("operator") or "")
            groups[owner] += 1
            group_hosts[owner] += count if isinstance(count, int) else 0
        elif kind == _OPERATOR:
            operators.append((key, data))
        elif kind == _FUNCTION:
            if data.get("critical", True):
                critical[str(data.get("operator") or "")] += 1
        elif kind in _SOFTWARE and data.get("privilege") in KERNEL_PRIVILEGES:
            kernel += 1
    figures = {
        "operators": kinds[_OPERATOR],
        "sectors": kinds[NodeKind.SECTOR.value],
        "host_groups": kinds[_HOST_GROUP],
        "hosts": hosts,
        "vendors": kinds[NodeKind.VENDOR.value],
        "channels": kinds[NodeKind.UPDATE_CHANNEL.value],
        "kernel_privileged_components": kernel,
    }
    rows = _operator_rows(operators, groups, group_hosts, critical)
    return EstateSection(figures=figures, operators=rows)


def _positive(value: Any) -> int:
    """``host_count`` as :func:`graph.estate.estate_figures` sums it."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def operator_rows(view: nx.MultiDiGraph) -> tuple[OperatorRow, ...]:
    """Every operator of the (scoped) view with its host groups, hosts and critical functions."""
    groups: dict[str, int] = defaultdict(int)
    hosts: dict[str, int] = defaultdict(int)
    critical: dict[str, int] = defaultdict(int)
    operators = []
    for key, data in view.nodes(data=True):
        if data.get("placeholder"):
            continue
        kind = data.get("kind")
        owner = str(data.get("operator") or "")
        if kind == NodeKind.OPERATOR.value:
            operators.append((key, data))
        elif kind == NodeKind.HOST_GROUP.value:
            groups[owner] += 1
            count = data.get("host_count")
            hosts[owner] += count if isinstance(count, int) else 0
        elif kind == NodeKind.FUNCTION.value and data.get("critical", True):
            critical[owner] += 1
    return _operator_rows(operators, groups, hosts, critical)


def _operator_rows(
    operators: list[tuple[str, dict[str, Any]]],
    groups: dict[str, int],
    hosts: dict[str, int],
    critical: dict[str, int],
) -> tuple[OperatorRow, ...]:
    """The operators' rows, by key, with the counts of their host groups, hosts and
    critical functions (counts are by owner key: absent means zero)."""
    return tuple(
        OperatorRow(
            operator=key,
            name=str(data.get("name", key)),
            sectors=tuple(sorted(str(s) for s in data.get("sectors") or ())),
            jurisdictions=tuple(sorted(str(j) for j in data.get("jurisdictions") or ())),
            cii=bool(data.get("cii")),
            host_groups=groups.get(key, 0),
            hosts=hosts.get(key, 0),
            critical_functions=critical.get(key, 0),
        )
        for key, data in sorted(operators, key=lambda kv: kv[0])
    )


def rank_rows(ranked: list[RankedSubject]) -> tuple[RankRow, ...]:
    return tuple(RankRow.model_validate(r.model_dump()) for r in ranked)


def subject_impact(
    ranked: RankedSubject, radius: BlastRadius, others: list[OthersImpact] | None = None
) -> SubjectImpact:
    """One top subject's blast radius: totals, per sector/jurisdiction/operator, recovery."""
    impacts = [_totals("sector", t) for t in radius.sectors]
    impacts += [_totals("jurisdiction", t) for t in radius.jurisdictions]
    impacts += [
        ImpactRow(
            group="operator",
            key=o.operator,
            name=o.name,
            operators_hit=1,
            hosts_down=o.hosts_down,
            hosts_degraded=o.hosts_degraded,
            hosts_compromised=o.hosts_compromised,
            functions_lost=len(o.functions_lost),
            recovery_hours=o.recovery_hours,
        )
        for o in radius.operators
    ]
    return SubjectImpact(
        rank=ranked.rank,
        kind=ranked.kind,
        key=ranked.key,
        name=ranked.name,
        hosts_down=radius.hosts_down,
        hosts_degraded=radius.hosts_degraded,
        hosts_compromised=radius.hosts_compromised,
        hands_on_hosts=radius.hands_on_hosts,
        recovery_hours=radius.recovery_hours,
        operators_hit=radius.operators_hit,
        sectors_hit=tuple(radius.sectors_hit),
        critical_functions_lost=radius.critical_functions_lost,
        failing=tuple(
            f"{f.key} at {f.privilege or 'unknown privilege'}: {f.rollout_explanation}"
            for f in radius.failing
        ),
        impacts=tuple(impacts),
        recovery_curve=tuple(radius.recovery_curve),
        unknowns=tuple(radius.unknowns),
        others=tuple(others or ()),
    )


def _totals(group: Literal["sector", "jurisdiction"], t: GroupTotals) -> ImpactRow:
    return ImpactRow(
        group=group,
        key=t.name,
        name=t.name,
        operators_hit=t.operators_hit,
        hosts_down=t.hosts_down,
        hosts_degraded=t.hosts_degraded,
        hosts_compromised=t.hosts_compromised,
        functions_lost=t.functions_lost,
    )


def concentration_section(
    report: ConcentrationReport | ConcentrationSummary, sector_context: list[HeatCell] | None = None
) -> ConcentrationSection:
    """Layers with HHI and bands, estate/sector shares, the heat map and the findings."""
    return ConcentrationSection(
        layers=tuple(_layer_row(lc) for lc in report.layers),
        shares=tuple(
            trusted_row(  # every value is of its field's type already: not revalidated
                ShareRow,
                {
                    "scope": lc.scope.key,
                    "layer": lc.layer.value,
                    "vendor": s.vendor,
                    "name": s.name,
                    "hosts": round(s.hosts, 3),
                    "share": round(s.share, 3),
                    "critical_share": (
                        None if s.critical_share is None else round(s.critical_share, 3)
                    ),
                },
            )
            for lc in report.layers
            if lc.scope.kind in SHARE_SCOPES
            for s in lc.shares
        ),
        heat_map=tuple(heat_cells(report)),
        single_vendor=tuple(
            SingleVendorRow(
                operator=d.operator,
                function=d.function,
                layer=d.layer.value,
                vendor=d.vendor,
                share=round(d.share, 3),
                hosts=d.hosts,
                function_hosts=d.function_hosts,
                escalated=d.escalated,
                failing_channels=d.failing_channels,
            )
            for d in report.single_vendor
        ),
        systemic=tuple(sector_systemic(report)),
        sector_context=tuple(sector_context or ()),
        gaps=tuple(f"{g.subject}: {g.reason}" for g in report.gaps),
    )


def _layer_row(lc: LayerConcentration | LayerSummary) -> LayerRow:
    m, c = lc.by_hosts, lc.by_critical_hosts
    top = lc.shares[0] if lc.shares else None
    values = {  # 18,000 rows at 100k, not revalidated: strings, ints, floats and None
        "scope_kind": lc.scope.kind.value,
        "scope": lc.scope.key,
        "scope_name": lc.scope.name,
        "layer": lc.layer.value,
        "hosts_in_scope": lc.hosts_in_scope,
        "vendors": m.suppliers,
        "hhi": _round(m.hhi, 1),
        "cr1": _round(m.cr1, 2),
        "cr3": _round(m.cr3, 2),
        "effective_suppliers": _round(m.effective_suppliers, 2),
        "band_2023": m.band_2023.value if m.band_2023 else None,
        "band_2010": m.band_2010.value if m.band_2010 else None,
        "hhi_critical": _round(c.hhi, 1),
        "band_2023_critical": c.band_2023.value if c.band_2023 else None,
        "top_vendor": top.name if top else None,
        "top_share": _round(top.share, 2) if top else None,
    }
    return trusted_row(LayerRow, values)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
