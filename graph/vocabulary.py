"""Closed vocabularies of the ontology.

Every label, relationship type and enumerated attribute value that reaches a store comes
from one of these enums, so a store may use them as labels (Neo4j cannot parameterise
labels) without ever building a query from user text.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "BootStart",
    "ChannelKind",
    "ComponentType",
    "CustomerDeferral",
    "DocumentFormat",
    "DocumentStatus",
    "EdgeKind",
    "Environment",
    "HealthGate",
    "NodeKind",
    "Privilege",
    "ProductCategory",
    "Rollback",
    "Severity",
    "Substitutability",
]


class NodeKind(StrEnum):
    """Node labels of the graph."""

    SECTOR = "Sector"
    OPERATOR = "Operator"
    FUNCTION = "Function"
    HOST_GROUP = "HostGroup"
    PRODUCT = "Product"
    COMPONENT = "Component"
    SERVICE = "Service"
    VENDOR = "Vendor"
    UPDATE_CHANNEL = "UpdateChannel"
    PLATFORM = "Platform"
    VULNERABILITY = "Vulnerability"
    CONTRACT = "Contract"


class EdgeKind(StrEnum):
    """Relationship types (predicates), always read as ``source PREDICATE target``."""

    IN_SECTOR = "IN_SECTOR"  # operator -> sector
    OPERATES = "OPERATES"  # operator -> host group / function
    SUPPORTS = "SUPPORTS"  # host group -> function
    RUNS = "RUNS"  # host group -> product (a deployment)
    RUNS_ON = "RUNS_ON"  # host group / product -> platform
    CONTAINS = "CONTAINS"  # product -> component, component -> nested component
    DEPENDS_ON = "DEPENDS_ON"  # component/product -> component/service
    SUPPLIED_BY = "SUPPLIED_BY"  # product/component/channel/platform -> vendor
    UPDATED_VIA = "UPDATED_VIA"  # component/product/platform -> update channel
    OPERATED_BY = "OPERATED_BY"  # service/channel -> vendor that runs it
    AFFECTS = "AFFECTS"  # vulnerability -> component/product
    CONTRACTS = "CONTRACTS"  # operator -> contract (contract SUPPLIED_BY vendor)


class ComponentType(StrEnum):
    """CycloneDX 1.7 component types plus the SPDX package purposes CycloneDX lacks."""

    APPLICATION = "application"
    FRAMEWORK = "framework"
    LIBRARY = "library"
    CONTAINER = "container"
    PLATFORM = "platform"
    OPERATING_SYSTEM = "operating-system"
    DEVICE = "device"
    DEVICE_DRIVER = "device-driver"
    FIRMWARE = "firmware"
    FILE = "file"
    MACHINE_LEARNING_MODEL = "machine-learning-model"
    DATA = "data"
    CRYPTOGRAPHIC_ASSET = "cryptographic-asset"
    SOURCE = "source"
    ARCHIVE = "archive"
    INSTALL = "install"
    OTHER = "other"


class Privilege(StrEnum):
    """The level at which a component's code, or a channel's payload, is interpreted."""

    KERNEL = "kernel"
    BOOT_START_DRIVER = "boot-start-driver"
    FIRMWARE = "firmware"
    HYPERVISOR = "hypervisor"
    SYSTEM_SERVICE = "system-service"
    USER = "user"
    CLOUD_SERVICE = "cloud-service"

    @property
    def takes_host_down(self) -> bool:
        """True when a crash at this level takes the whole host down."""
        return self in _HOST_FATAL


_HOST_FATAL = frozenset(
    {Privilege.KERNEL, Privilege.BOOT_START_DRIVER, Privilege.FIRMWARE, Privilege.HYPERVISOR}
)


class BootStart(StrEnum):
    """Windows driver StartType vocabulary (``boot`` loads before the OS is up)."""

    BOOT = "boot"
    SYSTEM = "system"
    AUTO = "auto"
    DEMAND = "demand"
    DISABLED = "disabled"


class ChannelKind(StrEnum):
    """What an update channel delivers."""

    CODE = "code"
    DRIVER = "driver"
    CONTENT = "content"
    SIGNATURES = "signatures"
    FIRMWARE = "firmware"
    POLICY = "policy"


class HealthGate(StrEnum):
    NONE = "none"
    MANUAL = "manual"
    AUTOMATIC = "automatic"


class Rollback(StrEnum):
    NONE = "none"
    VENDOR_PUSH = "vendor-push"
    CUSTOMER_LOCAL = "customer-local"
    BOTH = "both"
    IMPOSSIBLE = "impossible"  # irreversible by design (e.g. Secure Boot revocations)


class CustomerDeferral(StrEnum):
    NONE = "none"
    SENSOR_ONLY = "sensor-only"
    CHANNEL = "channel"


class Environment(StrEnum):
    ON_PREMISES = "on-premises"
    CLOUD_VM = "cloud-vm"
    KIOSK = "kiosk"
    OT = "ot"
    ENDPOINT = "endpoint"


class ProductCategory(StrEnum):
    """Layer a product belongs to, used for concentration per layer."""

    OS = "os"
    EDR = "edr"
    HYPERVISOR = "hypervisor"
    CLOUD = "cloud"
    IDENTITY = "identity"
    REMOTE_MANAGEMENT = "remote-management"
    FIRMWARE = "firmware"
    DATABASE = "database"
    APPLICATION = "application"
    NETWORK = "network"
    BACKUP = "backup"
    OTHER = "other"


class Substitutability(StrEnum):
    EASY = "easy"
    HARD = "hard"
    NONE = "none"


class DocumentFormat(StrEnum):
    """Input document formats, detected from content, never from the file name."""

    CYCLONEDX_JSON = "cyclonedx-json"
    CYCLONEDX_XML = "cyclonedx-xml"
    SPDX_JSON = "spdx-json"
    SPDX_YAML = "spdx-yaml"
    SPDX_XML = "spdx-xml"
    SPDX_RDF = "spdx-rdf"
    SPDX_TAG_VALUE = "spdx-tag-value"
    SPDX3_JSONLD = "spdx3-jsonld"
    INVENTORY_YAML = "inventory-yaml"
    INVENTORY_CSV = "inventory-csv"
    CHANNELS_YAML = "channels-yaml"
    VENDOR_ALIASES_YAML = "vendor-aliases-yaml"


class DocumentStatus(StrEnum):
    ACTIVE = "active"
    SUPERSEDED = "superseded"


class Severity(StrEnum):
    """Severity of findings, ordered from most to least severe by ``rank``."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for critical up to 4 for info: sort ascending for most severe first."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}
