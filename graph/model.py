"""The ontology: frozen records that every ingest module emits and every store keeps.

A document (one ingested file) asserts nodes and edges. Each assertion carries its
:class:`Provenance`, so any analysis result can name the files behind it. Node keys are
stable, human-readable and prefixed by kind (``component:pkg:npm/lodash@4.17.21``,
``vendor:microsoft``), so the same purl asserted by two SBOMs is one node with two
provenances.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, NonNegativeInt, TypeAdapter

from graph.vocabulary import (
    BootStart,
    ChannelKind,
    ComponentType,
    CustomerDeferral,
    DocumentFormat,
    DocumentStatus,
    EdgeKind,
    Environment,
    HealthGate,
    NodeKind,
    Privilege,
    ProductCategory,
    Rollback,
    Severity,
    Substitutability,
)

__all__ = [
    "NODE_ADAPTER",
    "ComponentNode",
    "ContractNode",
    "DataQualityFinding",
    "DocumentInfo",
    "Edge",
    "Frozen",
    "FunctionNode",
    "Hash",
    "HostGroupNode",
    "Node",
    "OperatorNode",
    "ParsedDocument",
    "PlatformNode",
    "ProductNode",
    "ProductRing",
    "Provenance",
    "Reference",
    "SectorNode",
    "ServiceNode",
    "UpdateChannelNode",
    "VendorNode",
    "VulnerabilityNode",
]


class Frozen(BaseModel):
    """Base of every record: immutable, hashable, unknown fields refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class Provenance(Frozen):
    """Which document asserted a node or an edge, and where inside it."""

    document_id: str = Field(description="Stable id of the asserting document (doc-<sha256[:16]>).")
    sha256: str = Field(description="SHA-256 of the document's bytes.")
    location: str | None = Field(
        default=None,
        description="Where in the document: a JSON pointer, an XML path or 'line N'.",
    )


class Hash(Frozen):
    algorithm: str
    value: str


class _NodeBase(Frozen):
    key: str = Field(description="Stable, kind-prefixed node id.")
    name: str
    provenance: Provenance


class _Software(_NodeBase):
    """Fields shared by products and components (both come from SBOM entries)."""

    version: str | None = None
    group: str | None = None
    purl: str | None = None
    cpes: tuple[str, ...] = ()
    component_type: ComponentType | None = None
    hashes: tuple[Hash, ...] = ()
    licenses: tuple[str, ...] = ()
    description: str | None = None
    privilege: Privilege | None = Field(
        default=None, description="Level at which its code runs; None when undeclared."
    )
    boot_start: BootStart | None = None
    platforms: tuple[str, ...] = Field(
        default=(), description="OS families it runs on (e.g. windows, linux); empty = any."
    )
    crash_loop_guard: bool | None = None


class ComponentNode(_Software):
    kind: Literal[NodeKind.COMPONENT] = NodeKind.COMPONENT


class ProductNode(_Software):
    """A shipped product: an SBOM's subject, an inventory deployment or a platform image."""

    kind: Literal[NodeKind.PRODUCT] = NodeKind.PRODUCT
    category: ProductCategory | None = None


class ServiceNode(_NodeBase):
    kind: Literal[NodeKind.SERVICE] = NodeKind.SERVICE
    version: str | None = None
    group: str | None = None
    endpoints: tuple[str, ...] = ()
    authenticated: bool | None = None
    crosses_trust_boundary: bool | None = None


class VendorNode(_NodeBase):
    """A legal entity; ``aliases`` are the spellings that were merged into it."""

    kind: Literal[NodeKind.VENDOR] = NodeKind.VENDOR
    aliases: tuple[str, ...] = ()
    lei: str | None = None
    parent: str | None = Field(default=None, description="Key of the parent group's vendor node.")
    country: str | None = None
    urls: tuple[str, ...] = ()
    rca_published: bool | None = Field(
        default=None, description="Published a root-cause analysis of its last update incident."
    )


class VulnerabilityNode(_NodeBase):
    kind: Literal[NodeKind.VULNERABILITY] = NodeKind.VULNERABILITY
    source: str | None = None
    severity: str | None = None
    score: float | None = None


class SectorNode(_NodeBase):
    kind: Literal[NodeKind.SECTOR] = NodeKind.SECTOR


class OperatorNode(_NodeBase):
    kind: Literal[NodeKind.OPERATOR] = NodeKind.OPERATOR
    sectors: tuple[str, ...] = ()
    jurisdictions: tuple[str, ...] = ()
    cii: bool = False
    size: NonNegativeFloat | None = Field(
        default=None, description="Size measure (customers served, total assets)."
    )
    size_unit: str | None = None


class FunctionNode(_NodeBase):
    kind: Literal[NodeKind.FUNCTION] = NodeKind.FUNCTION
    operator: str
    critical: bool = True
    rto_hours: NonNegativeFloat | None = None


class ProductRing(Frozen):
    """An operator's own rollout control for one product on one host group."""

    product: str = Field(description="Product node key.")
    ring: int | None = Field(default=None, description="Operator ring number, 0 = first.")
    pinned_version: str | None = None
    takes_channels: tuple[str, ...] | None = Field(
        default=None, description="Channel keys this group takes; None = all of the product's."
    )


class HostGroupNode(_NodeBase):
    kind: Literal[NodeKind.HOST_GROUP] = NodeKind.HOST_GROUP
    operator: str
    platform: str | None = Field(default=None, description="Platform node key.")
    platform_version: str | None = None
    host_count: NonNegativeInt
    environment: Environment
    disk_encryption: str | None = None
    keys_escrowed_share: float | None = Field(default=None, ge=0, le=1)
    key_escrow_platform: str | None = Field(
        default=None, description="Platform node key the key escrow itself runs on."
    )
    key_escrow_host_group: str | None = Field(
        default=None, description="Host group node key the key escrow itself runs on."
    )
    oob_console: bool | None = None
    cloud_rescue_runbook: bool | None = None
    automated_recovery: bool | None = None
    technicians: NonNegativeInt | None = None
    recovery_playbook_tested: str | None = Field(
        default=None, description="ISO date the mass-recovery playbook was last exercised."
    )
    local_admin_breakglass: bool | None = None
    dr_for: str | None = Field(
        default=None, description="Key of the host group this one is the disaster-recovery pair of."
    )
    rings: tuple[ProductRing, ...] = ()


class UpdateChannelNode(_NodeBase):
    """How updates reach components; ``None`` on any control means undeclared (unknown)."""

    kind: Literal[NodeKind.UPDATE_CHANNEL] = NodeKind.UPDATE_CHANNEL
    vendor: str | None = None
    channel_kind: ChannelKind | None = None
    privilege: Privilege | None = None
    platforms: tuple[str, ...] = ()
    cadence_per_day: NonNegativeFloat | None = None
    rollout_stages: NonNegativeInt | None = None
    internal_ring: bool | None = None
    canary_share: float | None = Field(default=None, ge=0, le=1)
    bake_time_hours: NonNegativeFloat | None = None
    health_gate: HealthGate | None = None
    auto_halt: bool | None = None
    rollback: Rollback | None = None
    rollback_tested: bool | None = None
    customer_deferral: CustomerDeferral | None = None
    customer_pin_versions: NonNegativeInt | None = None
    release_notes: bool | None = None
    signed: bool | None = None
    signature_verified_on_host: bool | None = None
    schema_validated: bool | None = None
    runtime_bounds_checked: bool | None = None
    fuzzed: bool | None = None
    coverage_all_fields: bool | None = None
    e2e_tested_in_interpreter: bool | None = None
    emergency_path_documented: bool | None = None
    sdp_attested: bool | None = None
    targeting_rule: str | None = None


class PlatformNode(_NodeBase):
    """An OS, hypervisor or cloud that host groups run on."""

    kind: Literal[NodeKind.PLATFORM] = NodeKind.PLATFORM
    platform_kind: Literal["os", "hypervisor", "cloud"]
    family: str | None = Field(default=None, description="OS family: windows, linux, macos.")
    version: str | None = None


class ContractNode(_NodeBase):
    kind: Literal[NodeKind.CONTRACT] = NodeKind.CONTRACT
    operator: str
    vendor: str
    exit_plan: bool | None = None
    exit_tested: str | None = None
    substitutability: Substitutability | None = None
    notification_clause: bool | None = None


Node = Annotated[
    ComponentNode
    | ProductNode
    | ServiceNode
    | VendorNode
    | VulnerabilityNode
    | SectorNode
    | OperatorNode
    | FunctionNode
    | HostGroupNode
    | UpdateChannelNode
    | PlatformNode
    | ContractNode,
    Field(discriminator="kind"),
]
NODE_ADAPTER: TypeAdapter[Node] = TypeAdapter(Node)


class Edge(Frozen):
    """A directed assertion ``source kind target``; ``role`` qualifies it (e.g. supplier)."""

    source: str
    target: str
    kind: EdgeKind
    role: str = ""
    provenance: Provenance

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """What makes two assertions the same edge (provenance aside)."""
        return (self.source, self.kind.value, self.target, self.role)


class DataQualityFinding(Frozen):
    """Something wrong or missing in a document that did not stop it being ingested."""

    document_id: str
    severity: Severity
    code: str = Field(description="Stable code, e.g. DQ-SCHEMA, DQ-DANGLING-REF.")
    message: str
    location: str | None = None


class DocumentInfo(Frozen):
    """One ingested file."""

    id: str = Field(description="doc-<first 16 hex digits of sha256>.")
    sha256: str
    path: str = Field(description="Path the document was ingested from.")
    size: NonNegativeInt
    format: DocumentFormat
    spec_version: str
    name: str = Field(description="What the document describes (product, operator, ...).")
    serial: str | None = None
    bom_version: int | None = None
    lineage: str = Field(
        description="Documents of one lineage describe the same subject; the newest is active."
    )
    created: datetime | None = None
    ingested_at: datetime | None = None
    status: DocumentStatus = DocumentStatus.ACTIVE
    superseded_by: str | None = None


class Reference(Frozen):
    """An edge whose target another document must assert, named the way the input named it.

    Inventories name products by purl, by name and version, or by SBOM serial number;
    ``ingest.resolve`` turns each reference into an :class:`Edge` against what the store
    (and the same ingest batch) holds, or reports it as unresolved.
    """

    source: str = Field(description="Key of the node in this document the edge starts at.")
    kind: EdgeKind
    role: str = ""
    target_kind: NodeKind
    by: Literal["key", "purl", "name", "serial"]
    value: str
    version: str | None = None
    reverse: bool = Field(
        default=False,
        description="The edge runs from the referenced node to ``source`` "
        "(e.g. component UPDATED_VIA channel, operator OPERATES host group).",
    )
    provenance: Provenance


class ParsedDocument(Frozen):
    """Everything one document asserts, ready for a store's atomic upsert.

    ``references`` must be resolved into ``edges`` before the document reaches a store.
    """

    info: DocumentInfo
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    findings: tuple[DataQualityFinding, ...] = ()
    references: tuple[Reference, ...] = ()
