"""Policy and typed results of the concentration analyses (shares are percentages 0-100).

Regulatory numbers (the merger-guideline HHI bands, DORA's 10% breadth) are labelled with
their source; the single-vendor thresholds are *project policy informed by*
shared/domain/concentration.md, never "required by".
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, NonNegativeInt

from graph.model import Provenance
from graph.vocabulary import ProductCategory

__all__ = [
    "Band",
    "ConcentrationMetrics",
    "ConcentrationPolicy",
    "ConcentrationReport",
    "CoverageGap",
    "ExposureSet",
    "HostGroupUsage",
    "LayerConcentration",
    "LayerIntersection",
    "Scope",
    "ScopeKind",
    "SingleVendorDependency",
    "SystemicVendor",
    "VendorShare",
    "VendorUse",
    "Weighting",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ConcentrationPolicy(_Frozen):
    """Thresholds of the concentration analyses."""

    bands_2023: tuple[float, float] = Field(
        (1000.0, 1800.0),
        description="Regulatory: US DOJ/FTC Merger Guidelines 2023, Guideline 1 "
        "(< 1,000 unconcentrated, > 1,800 highly concentrated).",
    )
    bands_2010: tuple[float, float] = Field(
        (1500.0, 2500.0),
        description="Regulatory, for comparison: US Horizontal Merger Guidelines 2010 §5.3.",
    )
    single_vendor_flag_share: float = Field(
        50.0,
        ge=0,
        le=100,
        description="Project policy (informed by concentration.md §2): flag an operator's "
        "critical function when one vendor carries at least this % of its hosts in a layer.",
    )
    single_vendor_escalate_share: float = Field(
        80.0,
        ge=0,
        le=100,
        description="Project policy: escalate at this % when the vendor's channel fails "
        "KG-SR-01 (staged rollout) or KG-CC-01 (customer control).",
    )
    escalate_on_undeclared: bool = Field(
        True,
        description="Project policy: an undeclared SR-01/CC-01 attribute escalates like a "
        "failing one (unknown is never a pass).",
    )
    single_vendor_layers: tuple[ProductCategory, ...] | None = Field(
        None, description="Layers checked for single-vendor dependency; None = every layer."
    )
    systemic_breadth_share: float = Field(
        10.0,
        ge=0,
        le=100,
        description="Mirrors DORA CDR (EU) 2024/1502 Art. 2 (10% of financial entities by "
        "count and by total assets); applied to CII operators of a sector as project policy.",
    )
    systemic_population: Literal["cii", "all"] = Field(
        "cii", description="Operators of a sector counted by the breadth test."
    )
    min_intersection_share: float = Field(
        0.0, ge=0, le=100, description="Layer intersections below this % of scope are dropped."
    )


class ScopeKind(StrEnum):
    ESTATE = "estate"
    OPERATOR = "operator"
    FUNCTION = "function"
    SECTOR = "sector"
    JURISDICTION = "jurisdiction"


class Scope(_Frozen):
    """A set of host groups shares are computed over."""

    kind: ScopeKind
    key: str = Field(description="Node key; 'estate'; or 'jurisdiction:<code>'.")
    name: str


class Band(StrEnum):
    UNCONCENTRATED = "unconcentrated"
    MODERATELY = "moderately-concentrated"
    HIGHLY = "highly-concentrated"


class Weighting(StrEnum):
    HOSTS = "hosts"
    CRITICAL_HOSTS = "critical-hosts"


class ConcentrationMetrics(_Frozen):
    """HHI and friends for one weighting of one layer in one scope."""

    weighting: Weighting
    total: NonNegativeFloat = Field(description="Sum of weights (hosts) in the layer.")
    suppliers: NonNegativeInt = Field(description="Vendors with a positive weight.")
    hhi: float | None = Field(description="Σ share², in [0, 10,000]; None when total is 0.")
    cr1: float | None
    cr3: float | None
    effective_suppliers: float | None = Field(description="10,000 / HHI.")
    band_2023: Band | None
    band_2010: Band | None


class VendorUse(_Frozen):
    """A host group depends on ``vendor`` in ``layer`` through ``via`` (product/platform)."""

    layer: ProductCategory
    vendor: str
    via: str
    provenance: tuple[Provenance, ...] = ()


class HostGroupUsage(_Frozen):
    """What one host group runs, by layer and vendor."""

    host_group: str
    operator: str | None
    hosts: NonNegativeInt
    functions: tuple[str, ...]
    critical: bool = Field(description="Supports at least one critical function.")
    uses: tuple[VendorUse, ...]


class VendorShare(_Frozen):
    """One vendor's share of a layer in a scope.

    A host group using several vendors in one layer splits its hosts between them for the
    shares (they sum to 100); ``hosts_exposed`` counts every host that depends on the vendor.
    """

    vendor: str
    name: str
    members: tuple[str, ...] = Field(description="Vendor keys collapsed into this group.")
    hosts: NonNegativeFloat
    share: float
    critical_hosts: NonNegativeFloat
    critical_share: float | None
    hosts_exposed: NonNegativeInt
    host_groups: tuple[str, ...]
    via: tuple[str, ...] = Field(description="Products/platforms of the vendor in the layer.")
    provenance: tuple[Provenance, ...] = ()


class LayerConcentration(_Frozen):
    scope: Scope
    layer: ProductCategory
    group_level: bool
    hosts_in_scope: NonNegativeInt
    by_hosts: ConcentrationMetrics
    by_critical_hosts: ConcentrationMetrics
    shares: tuple[VendorShare, ...]
    unattributed: tuple[str, ...] = Field(
        (), description="Host groups in the layer whose vendor is unknown (not in shares)."
    )


class ExposureSet(_Frozen):
    """Hosts depending on a vendor in a layer, or on one of its channels."""

    layer: ProductCategory
    vendor: str
    channel: str | None = None


class LayerIntersection(_Frozen):
    """A common-mode set: hosts that depend on both ``a`` and ``b``."""

    scope: Scope
    a: ExposureSet
    b: ExposureSet
    hosts: NonNegativeInt
    critical_hosts: NonNegativeInt
    share_of_scope: float
    share_of_a: float
    share_of_b: float
    host_groups: tuple[str, ...]


class SingleVendorDependency(_Frozen):
    """One vendor carries a large share of an operator's critical function in a layer."""

    operator: str | None
    function: str
    cii: bool
    layer: ProductCategory
    vendor: str
    share: float = Field(description="% of the function's hosts that depend on the vendor.")
    hosts: NonNegativeInt
    function_hosts: NonNegativeInt
    host_groups: tuple[str, ...]
    via: tuple[str, ...]
    channels: tuple[str, ...]
    failing_channels: tuple[str, ...] = Field(description="Channels failing SR-01 or CC-01.")
    undeclared_channels: tuple[str, ...] = Field(
        description="Channels whose SR-01/CC-01 attributes are undeclared."
    )
    escalated: bool
    provenance: tuple[Provenance, ...] = ()


class SystemicVendor(_Frozen):
    """DORA-style breadth of one vendor across a sector's operators."""

    sector: str
    vendor: str
    layers: tuple[ProductCategory, ...]
    population: NonNegativeInt = Field(description="Operators counted (CII by default).")
    operators_using: tuple[str, ...] = Field(description="Using it for a critical function.")
    count_share: float
    size_share: float | None = Field(description="None when no operator declares a size.")
    size_coverage: float = Field(description="Share of the population that declares a size.")
    systemic: bool | None = Field(description="Both tests met; None when size is unknown.")
    max_layer_hhi: float | None = Field(description="Highest HHI (critical hosts) of its layers.")
    common_mode_channels: tuple[str, ...] = Field(
        description="Its channels at host-fatal privilege reaching the sector."
    )


class CoverageGap(_Frozen):
    """Something the analysis could not attribute; never silently dropped."""

    subject: str
    reason: str


class ConcentrationReport(_Frozen):
    group_level: bool
    layers: tuple[LayerConcentration, ...]
    intersections: tuple[LayerIntersection, ...]
    single_vendor: tuple[SingleVendorDependency, ...]
    systemic: tuple[SystemicVendor, ...]
    gaps: tuple[CoverageGap, ...]
