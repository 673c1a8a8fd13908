"""Vendor concentration: per layer and scope, common-mode intersections and findings.

The entry point is :func:`concentration_report`; the pieces it assembles are importable
on their own (:func:`hhi`, :func:`layer_concentration`, :func:`single_vendor_dependencies`,
...). Pass the vendor-canonicalised view (``graph.vendors``) so spellings of one vendor
count once; ``group_level=True`` also collapses subsidiaries into their ``parent`` group.

Examples
--------
>>> import networkx as nx
>>> report = concentration_report(nx.MultiDiGraph())
>>> report.layers, report.single_vendor
((), ())
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import networkx as nx

from graph.risk.concentration_findings import (
    Reached,
    single_vendor_dependencies,
    systemic_vendors,
)
from graph.risk.concentration_models import (
    Band,
    ConcentrationMetrics,
    ConcentrationPolicy,
    ConcentrationReport,
    CoverageGap,
    ExposureSet,
    LayerConcentration,
    LayerIntersection,
    Scope,
    ScopeKind,
    SingleVendorDependency,
    SystemicVendor,
    VendorShare,
    Weighting,
)
from graph.risk.concentration_shares import (
    concentration_band,
    concentration_metrics,
    hhi,
    layer_concentration,
    layer_concentrations,
    layer_intersections,
)
from graph.risk.concentration_table import LayerSummary, ShareFigures, layer_summaries
from graph.risk.concentration_usage import ESTATE, EstateUsage, estate_usage
from graph.risk.controls.base import ControlsPolicy

if TYPE_CHECKING:
    from graph.risk.snapshot import Snapshot

_POLICY = ConcentrationPolicy()

__all__ = [
    "ESTATE",
    "Band",
    "ConcentrationMetrics",
    "ConcentrationPolicy",
    "ConcentrationReport",
    "ConcentrationSummary",
    "CoverageGap",
    "ExposureSet",
    "LayerConcentration",
    "LayerIntersection",
    "LayerSummary",
    "Scope",
    "ScopeKind",
    "ShareFigures",
    "SingleVendorDependency",
    "SystemicVendor",
    "VendorShare",
    "Weighting",
    "concentration_band",
    "concentration_metrics",
    "concentration_report",
    "concentration_summary",
    "hhi",
    "layer_concentration",
    "layer_concentrations",
    "layer_intersections",
    "single_vendor_dependencies",
    "systemic_vendors",
]


def concentration_report(
    view: nx.MultiDiGraph,
    *,
    scope_kinds: Iterable[ScopeKind] = tuple(ScopeKind),
    intersection_scopes: Iterable[ScopeKind] = (ScopeKind.ESTATE, ScopeKind.SECTOR),
    group_level: bool = False,
    policy: ConcentrationPolicy | None = None,
    controls_policy: ControlsPolicy | None = None,
    usage: EstateUsage | None = None,
) -> ConcentrationReport:
    """Everything ``riskgraph concentration`` shows, computed from one pass over the view.

    Sector scopes are always computed for the systemic-vendor test's HHI column, but only
    reported in ``layers`` when ``scope_kinds`` asks for them. ``usage`` may pass
    ``estate_usage(view, group_level=group_level)`` when the caller already has it.
    """
    policy = policy or ConcentrationPolicy()
    kinds = tuple(scope_kinds)
    if usage is None or usage.group_level != group_level:
        usage = estate_usage(view, group_level=group_level)
    layers = layer_concentrations(
        view, scope_kinds={*kinds, ScopeKind.SECTOR}, policy=policy, usage=usage
    )
    reached = Reached(view)  # channel reach and product channels, shared by both findings
    return ConcentrationReport(
        group_level=group_level,
        layers=tuple(lc for lc in layers if lc.scope.kind in kinds),
        intersections=layer_intersections(
            view, scope_kinds=intersection_scopes, policy=policy, usage=usage
        ),
        single_vendor=single_vendor_dependencies(
            view, policy=policy, controls_policy=controls_policy, usage=usage, reached=reached
        ),
        systemic=systemic_vendors(view, layers, policy=policy, usage=usage, reached=reached),
        gaps=usage.gaps,
    )


@dataclass(frozen=True)
class ConcentrationSummary:
    """:class:`ConcentrationReport` with :class:`LayerSummary` layers (no per-vendor host
    groups, products or provenance) and no intersections: what a report lists."""

    group_level: bool
    layers: tuple[LayerSummary, ...]
    single_vendor: tuple[SingleVendorDependency, ...]
    systemic: tuple[SystemicVendor, ...]
    gaps: tuple[CoverageGap, ...]
    scope_kinds: tuple[ScopeKind, ...] = tuple(ScopeKind)
    """The scope kinds ``layers`` covers (every layer of every scope of these kinds)."""

    def with_layers(
        self,
        view: nx.MultiDiGraph,
        usage: EstateUsage,
        scope_kinds: Iterable[ScopeKind],
        policy: ConcentrationPolicy | None = None,
    ) -> ConcentrationSummary:
        """This summary with the layers of ``scope_kinds`` (of ``view`` and ``usage``, the
        ones it was computed from): what :func:`concentration_summary` gives for them.
        The findings do not depend on which layers are listed (the systemic test reads
        sector layers, computed in any case, whose figures do not depend on the other
        scopes computed with them)."""
        kinds = tuple(scope_kinds)
        if kinds == self.scope_kinds:
            return self
        kinds_set = {*kinds, ScopeKind.SECTOR}
        layers = layer_summaries(view, usage, scope_kinds=kinds_set, policy=policy or _POLICY)
        return replace(
            self, layers=tuple(lc for lc in layers if lc.scope.kind in kinds), scope_kinds=kinds
        )

    @property
    def findings(self) -> ConcentrationReport:
        """The findings as a :class:`ConcentrationReport` with no layers or intersections
        (what the control rules read: single-vendor and systemic rows)."""
        return ConcentrationReport(
            group_level=self.group_level,
            layers=(),
            intersections=(),
            single_vendor=self.single_vendor,
            systemic=self.systemic,
            gaps=self.gaps,
        )


def concentration_summary(
    view: nx.MultiDiGraph,
    *,
    scope_kinds: Iterable[ScopeKind] = tuple(ScopeKind),
    group_level: bool = False,
    policy: ConcentrationPolicy | None = None,
    controls_policy: ControlsPolicy | None = None,
    usage: EstateUsage | None = None,
    snapshot: Snapshot | None = None,
) -> ConcentrationSummary:
    """:func:`concentration_report` without intersections and with layer summaries, equal
    to it row for row (:func:`~graph.risk.concentration_table.summarise` of its layers).
    ``snapshot``, the compiled snapshot of ``view`` when the caller has one, answers the
    findings' channel reach and product channels (:class:`Reached`)."""
    policy = policy or ConcentrationPolicy()
    kinds = tuple(scope_kinds)
    if usage is None or usage.group_level != group_level:
        usage = estate_usage(view, group_level=group_level)
    layers = layer_summaries(view, usage, scope_kinds={*kinds, ScopeKind.SECTOR}, policy=policy)
    reached = Reached(view, snapshot)
    return ConcentrationSummary(
        group_level=group_level,
        layers=tuple(lc for lc in layers if lc.scope.kind in kinds),
        single_vendor=single_vendor_dependencies(
            view, policy=policy, controls_policy=controls_policy, usage=usage, reached=reached
        ),
        systemic=systemic_vendors(view, layers, policy=policy, usage=usage, reached=reached),
        gaps=usage.gaps,
        scope_kinds=kinds,
    )
