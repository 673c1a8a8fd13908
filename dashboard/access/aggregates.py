"""The rest of the estate as an operator user may see it: anonymised sector aggregates.

An operator sees other operators only as totals over a cohort (all other operators, or
the other operators of one sector) with no operator, host group, function or document
named, and only when the cohort has at least ``min_cohort`` operators (small-cell
suppression, project policy; default 3) and no smaller group can be worked out by
subtracting or adding shown totals (:mod:`dashboard.access.disclosure`). Every aggregate
excludes the viewer's own operators (:func:`others_view`), so all of them are totals over
the same cohorts. These functions read the *unscoped* results and return new, minimal
records, so nothing else of the full result reaches a page.

Examples
--------
>>> cohorts = Cohorts(min_cohort=3, total=2, by_sector={"sector:air": 2})
>>> cohorts.allows("sector:air"), cohorts.allows_total()
(False, False)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
from pydantic import BaseModel, ConfigDict

from dashboard.access.disclosure import safe_cohorts
from dashboard.access.scope import operator_of
from graph.risk.blast_results import BlastRadius, OperatorImpact
from graph.risk.concentration import ConcentrationSummary
from graph.risk.concentration_models import ConcentrationReport, ScopeKind
from graph.vocabulary import NodeKind

__all__ = [
    "ALL_OTHERS",
    "Cohorts",
    "CommonMode",
    "HeatCell",
    "OthersImpact",
    "SectorSystemic",
    "cohorts_of",
    "heat_cells",
    "others_impact",
    "others_view",
    "sector_intersections",
    "sector_systemic",
]

ALL_OTHERS = "all other operators"


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OthersImpact(_Row):
    """A blast radius summed over a cohort of other operators; None when suppressed."""

    cohort: str
    operators_in_cohort: int
    operators_hit: int | None
    hosts_down: int | None
    hosts_degraded: int | None
    hosts_compromised: int | None
    critical_functions_lost: int | None


class HeatCell(_Row):
    """HHI of one layer in one scope (a sector, or the estate)."""

    scope: str
    layer: str
    hhi: float | None
    band: str | None
    effective_suppliers: float | None
    suppliers: int
    hosts: int
    top_vendor: str | None


class SectorSystemic(_Row):
    """The breadth test of one vendor in one sector, without the operators' names."""

    sector: str
    vendor: str
    layers: str
    population: int
    operators_using: int
    count_share: float
    size_share: float | None
    systemic: bool | None


class CommonMode(_Row):
    """Hosts of a sector depending on both of two exposures (a common-mode set)."""

    sector: str
    a: str
    b: str
    hosts: int
    critical_hosts: int
    share_of_sector: float


@dataclass(frozen=True)
class Cohorts:
    """The other-operator cohorts an operator user may see totals of.

    ``total`` and ``by_sector`` (keyed by sector key and by sector name) are sizes;
    ``shown`` the cohorts (:data:`ALL_OTHERS` and sector keys) whose totals may be shown:
    at least ``min_cohort`` operators each, and no smaller group disclosed by
    subtracting or adding shown totals (:func:`dashboard.access.disclosure.safe_cohorts`).
    """

    min_cohort: int
    total: int
    by_sector: dict[str, int] = field(default_factory=dict)
    shown: frozenset[str] | None = None
    """None: every cohort of at least ``min_cohort`` (no membership known)."""
    sector_keys: dict[str, str] = field(default_factory=dict)
    """Sector name -> key, so rows labelled by name are checked like rows keyed by key."""

    def allows(self, sector: str) -> bool:
        if self.by_sector.get(sector, 0) < self.min_cohort:
            return False
        return self.shown is None or self.sector_keys.get(sector, sector) in self.shown

    def allows_total(self) -> bool:
        if self.total < self.min_cohort:
            return False
        return self.shown is None or ALL_OTHERS in self.shown


def cohorts_of(view: nx.MultiDiGraph, mine: Iterable[str], min_cohort: int) -> Cohorts:
    """Other operators of ``view`` (the unscoped view), in total and by sector key/name,
    and which of those cohorts may be shown together."""
    own = set(mine)
    members: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for key, data in view.nodes(data=True):
        if data.get("kind") != NodeKind.OPERATOR.value or key in own:
            continue
        if data.get("placeholder"):
            continue
        members[ALL_OTHERS].add(key)
        for sector in data.get("sectors") or ():
            members[str(sector)].add(key)
            name = view.nodes[sector].get("name") if sector in view else None
            if name and name != sector:
                names[str(name)] = str(sector)
    frozen = {c: frozenset(m) for c, m in members.items()}
    by_sector = {c: len(m) for c, m in frozen.items() if c != ALL_OTHERS}
    by_sector.update({name: by_sector[key] for name, key in names.items()})
    return Cohorts(
        min_cohort=min_cohort,
        total=len(frozen.get(ALL_OTHERS, ())),
        by_sector=by_sector,
        shown=safe_cohorts(frozen, min_cohort),
        sector_keys=names,
    )


def others_view(view: nx.MultiDiGraph, mine: Iterable[str]) -> nx.MultiDiGraph:
    """``view`` without the estates of ``mine``: what every aggregate an operator user
    sees is computed over, so no shown figure includes the viewer's own data (which
    would let one aggregate be compared with another built on a different basis)."""
    own = set(mine)
    keep = [k for k, d in view.nodes(data=True) if operator_of(k, d) not in own]
    return view.subgraph(keep).copy()


def others_impact(full: BlastRadius, mine: Iterable[str], cohorts: Cohorts) -> list[OthersImpact]:
    """The unscoped radius summed over other operators: in total, then by sector."""
    own = set(mine)
    others = [o for o in full.operators if o.operator not in own]
    lost: dict[str, int] = defaultdict(int)
    for f in full.functions:
        if f.operator not in own and f.critical and f.status == "lost":
            lost[f.operator] += 1
    rows = [_impact(ALL_OTHERS, others, lost, cohorts.total, cohorts.allows_total())]
    sectors = sorted(k for k in cohorts.by_sector if not k.startswith("sector:"))
    for sector in sectors:
        members = [o for o in others if sector in o.sectors]
        rows.append(
            _impact(sector, members, lost, cohorts.by_sector[sector], cohorts.allows(sector))
        )
    return rows


def _impact(
    cohort: str,
    members: list[OperatorImpact],
    lost: dict[str, int],
    size: int,
    allowed: bool,
) -> OthersImpact:
    if not allowed:
        return OthersImpact(
            cohort=cohort,
            operators_in_cohort=size,
            operators_hit=None,
            hosts_down=None,
            hosts_degraded=None,
            hosts_compromised=None,
            critical_functions_lost=None,
        )
    return OthersImpact(
        cohort=cohort,
        operators_in_cohort=size,
        operators_hit=sum(
            1 for o in members if o.hosts_down or o.hosts_degraded or o.hosts_compromised
        ),
        hosts_down=sum(o.hosts_down for o in members),
        hosts_degraded=sum(o.hosts_degraded for o in members),
        hosts_compromised=sum(o.hosts_compromised for o in members),
        critical_functions_lost=sum(lost[o.operator] for o in members),
    )


def heat_cells(
    report: ConcentrationReport | ConcentrationSummary, cohorts: Cohorts | None = None
) -> list[HeatCell]:
    """Sector x layer HHI (by hosts) and the estate row; with ``cohorts``, sectors whose
    other-operator cohort is too small (and the estate row, likewise) are left out."""
    cells = []
    for lc in report.layers:
        if lc.scope.kind not in (ScopeKind.SECTOR, ScopeKind.ESTATE):
            continue
        if cohorts is not None:
            allowed = (
                cohorts.allows_total()
                if lc.scope.kind is ScopeKind.ESTATE
                else cohorts.allows(lc.scope.key)
            )
            if not allowed:
                continue
        m = lc.by_hosts
        cells.append(
            HeatCell(
                scope=lc.scope.name if lc.scope.kind is ScopeKind.SECTOR else "estate",
                layer=lc.layer.value,
                hhi=None if m.hhi is None else round(m.hhi, 1),
                band=m.band_2023.value if m.band_2023 else None,
                effective_suppliers=(
                    None if m.effective_suppliers is None else round(m.effective_suppliers, 2)
                ),
                suppliers=m.suppliers,
                hosts=lc.hosts_in_scope,
                top_vendor=lc.shares[0].name if lc.shares else None,
            )
        )
    return cells


def sector_systemic(
    report: ConcentrationReport | ConcentrationSummary, cohorts: Cohorts | None = None
) -> list[SectorSystemic]:
    """The breadth test per sector and vendor, operators counted but never named."""
    return [
        SectorSystemic(
            sector=s.sector.removeprefix("sector:"),
            vendor=s.vendor,
            layers=", ".join(layer.value for layer in s.layers),
            population=s.population,
            operators_using=len(s.operators_using),
            count_share=round(s.count_share, 1),
            size_share=None if s.size_share is None else round(s.size_share, 1),
            systemic=s.systemic,
        )
        for s in report.systemic
        if cohorts is None or cohorts.allows(s.sector)
    ]


def sector_intersections(
    report: ConcentrationReport, cohorts: Cohorts | None = None
) -> list[CommonMode]:
    """Layer intersections of each sector, host groups left out."""
    return [
        CommonMode(
            sector=i.scope.name,
            a=_exposure(i.a.layer.value, i.a.vendor, i.a.channel),
            b=_exposure(i.b.layer.value, i.b.vendor, i.b.channel),
            hosts=i.hosts,
            critical_hosts=i.critical_hosts,
            share_of_sector=round(i.share_of_scope, 1),
        )
        for i in report.intersections
        if i.scope.kind is ScopeKind.SECTOR and (cohorts is None or cohorts.allows(i.scope.key))
    ]


def _exposure(layer: str, vendor: str, channel: str | None) -> str:
    who = vendor.removeprefix("vendor:")
    return f"{layer}: {who}" + (f" via {channel.removeprefix('channel:')}" if channel else "")
