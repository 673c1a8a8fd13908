"""The estate input formats: inventory YAML, host-group CSV rows and channels YAML.

These models *are* the documented formats (docs/estate-formats.md); ``riskgraph schema
inventory|inventory-csv-row|channels`` publishes their JSON Schemas. Every model is frozen
and refuses unknown fields. An omitted optional field stays ``None``: undeclared, which is
not the same as a declared ``false`` or ``0``. YAML values must have the right type
(``host_count: "5"`` is refused); CSV cells are text, so the row model converts them.

Beyond types, :func:`inventory_problems` and :func:`channels_problems` find what a schema
cannot express: duplicate ids and references to ids the same file must declare.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from graph.keys import kind_of_key, normalise_vendor_name
from graph.vocabulary import (
    ChannelKind,
    CustomerDeferral,
    Environment,
    HealthGate,
    Privilege,
    Rollback,
    Substitutability,
)
from ingest.input_errors import ID_PATTERN, PURL_PATTERN

__all__ = [
    "Channel",
    "ChannelsFile",
    "Contract",
    "Deployment",
    "Function",
    "HostGroup",
    "HostGroupRow",
    "Inventory",
    "Operator",
    "Platform",
    "ProductRef",
    "Recovery",
    "channels_problems",
    "inventory_problems",
]


def _no_number(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError(
            "riskgraph_date", "must be a date (YYYY-MM-DD) (got {shown})", {"shown": value}
        )
    return value


def _version_text(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise PydanticCustomError(
            "riskgraph_version",
            "must be a string: quote version numbers, e.g. '{shown}' (got the number {shown})",
            {"shown": value},
        )
    return value


def _as_of(value: Any) -> Any:
    value = _no_number(value)
    if isinstance(value, str) and len(value.strip()) == 10:
        value = date.fromisoformat(value.strip()) if _is_iso_date(value.strip()) else value
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _key(value: str) -> str:
    try:
        kind_of_key(value)
    except ValueError:
        raise PydanticCustomError(
            "riskgraph_key",
            "must be a node key such as operator:northwind or platform:nimbus-cloud (got {v!r})",
            {"v": value},
        ) from None
    return value


Id = Annotated[str, Field(strict=True, pattern=ID_PATTERN, max_length=100)]
Text = Annotated[str, Field(strict=True, min_length=1, max_length=500)]
Version = Annotated[str, BeforeValidator(_version_text), Field(min_length=1, max_length=200)]
Purl = Annotated[str, Field(strict=True, pattern=PURL_PATTERN, max_length=2000)]
NodeKey = Annotated[str, Field(strict=True, min_length=3), AfterValidator(_key)]
Count = Annotated[int, Field(strict=True, ge=0)]
Hours = Annotated[float, Field(strict=True, ge=0)]
Share = Annotated[float, Field(strict=True, ge=0, le=1)]
Flag = Annotated[bool, Field(strict=True)]
Day = Annotated[date, BeforeValidator(_no_number)]
AsOf = Annotated[datetime, BeforeValidator(_as_of), AfterValidator(_aware)]
Jurisdiction = Annotated[str, Field(strict=True, pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")]


class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProductRef(_Input):
    """A product or component named exactly one way: purl, name (+version), serial or key."""

    purl: Purl | None = Field(default=None, description="Package URL of the SBOM's subject.")
    name: Text | None = Field(default=None, description="Product name as its SBOM spells it.")
    version: Version | None = Field(default=None, description="With `name` only.")
    serial: Text | None = Field(
        default=None, description="Serial number (CycloneDX serialNumber) of the describing SBOM."
    )
    key: NodeKey | None = Field(default=None, description="A node key, e.g. platform:nimbus-cloud.")

    @model_validator(mode="after")
    def _one_way(self) -> ProductRef:
        given = [f for f in ("purl", "name", "serial", "key") if getattr(self, f) is not None]
        if len(given) != 1:
            shown = ", ".join(given) if given else "none"
            raise ValueError(f"give exactly one of purl, name, serial or key (got {shown})")
        if self.version is not None and self.name is None:
            raise ValueError("version is only allowed with name")
        return self


class Deployment(ProductRef):
    """A product running on a host group, with the operator's own rollout control for it."""

    ring: Count | None = Field(default=None, description="Operator ring, 0 = first to update.")
    pinned_version: Version | None = Field(
        default=None, description="Version the group is held at."
    )
    channels: tuple[Id, ...] | None = Field(
        default=None, description="Channel ids this group takes; omitted = all the product's."
    )


class Recovery(_Input):
    """How a host group comes back after a crash (every field: omitted = unknown)."""

    disk_encryption: Text | None = Field(
        default=None, description="bitlocker, luks, filevault, none, ..."
    )
    keys_escrowed_share: Share | None = Field(
        default=None, description="Share 0..1 of recovery keys escrowed where staff can get them."
    )
    key_escrow_host_group: Id | None = Field(
        default=None, description="Host group id (same operator) the key escrow runs on."
    )
    key_escrow_platform: Id | None = Field(
        default=None, description="Platform id the key escrow runs on."
    )
    oob_console: Flag | None = Field(default=None, description="Out-of-band console (iLO, IPMI).")
    cloud_rescue_runbook: Flag | None = Field(default=None, description="Tested cloud rescue.")
    automated_recovery: Flag | None = Field(default=None, description="Crash-loop auto-recovery.")
    technicians: Count | None = Field(default=None, description="Hands-on technicians available.")
    playbook_tested: Day | None = Field(default=None, description="Date recovery last rehearsed.")


class HostGroup(_Input):
    id: Id
    name: Text | None = None
    platform: Id | None = Field(default=None, description="Platform id (declared anywhere).")
    platform_version: Version | None = None
    hosted_on: tuple[Id, ...] = Field(
        default=(), description="Platform ids beneath the OS: hypervisor or cloud."
    )
    host_count: Count = Field(description="Number of hosts in the group.")
    environment: Environment
    functions: tuple[Id, ...] = Field(default=(), description="Ids of the operator's functions.")
    recovery: Recovery = Recovery()
    deployments: tuple[Deployment, ...] = ()


class Function(_Input):
    id: Id
    name: Text | None = None
    critical: Flag = Field(default=True, description="Critical or important function (CII).")
    rto_hours: Hours | None = Field(default=None, description="Recovery time objective, hours.")


class Contract(_Input):
    id: Id | None = Field(default=None, description="Defaults to the vendor name's slug.")
    vendor: Text
    exit_plan: Flag | None = None
    exit_tested: Day | None = Field(default=None, description="Date the exit plan was tested.")
    substitutability: Substitutability | None = None
    notification_clause: Flag | None = None

    @property
    def effective_id(self) -> str:
        return self.id or normalise_vendor_name(self.vendor)


class Operator(_Input):
    id: Id
    name: Text
    sector: Text | None = Field(default=None, description="One sector; or use `sectors`.")
    sectors: tuple[Text, ...] | None = None
    jurisdiction: Jurisdiction | None = Field(default=None, description="ISO 3166 code.")
    jurisdictions: tuple[Jurisdiction, ...] | None = None
    cii: Flag = Field(description="Designated critical infrastructure (CII / NIS2 essential).")
    size: Annotated[float, Field(strict=True, ge=0)] | None = None
    size_unit: Text | None = Field(default=None, description="customers, EUR assets, ...")
    functions: tuple[Function, ...] = ()
    host_groups: tuple[HostGroup, ...] = ()
    contracts: tuple[Contract, ...] = ()

    @model_validator(mode="after")
    def _either_or(self) -> Operator:
        if self.sector is not None and self.sectors is not None:
            raise ValueError("give sector or sectors, not both")
        if self.sector is None and not self.sectors:
            raise ValueError("sector (or sectors) is required")
        if self.jurisdiction is not None and self.jurisdictions is not None:
            raise ValueError("give jurisdiction or jurisdictions, not both")
        if self.size is not None and self.size_unit is None:
            raise ValueError("size needs size_unit (customers, EUR assets, ...)")
        return self

    @property
    def sector_names(self) -> tuple[str, ...]:
        return (self.sector,) if self.sector is not None else tuple(self.sectors or ())

    @property
    def jurisdiction_codes(self) -> tuple[str, ...]:
        if self.jurisdiction is not None:
            return (self.jurisdiction,)
        return tuple(self.jurisdictions or ())


class Platform(_Input):
    id: Id
    name: Text | None = None
    kind: Literal["os", "hypervisor", "cloud"]
    family: Literal["windows", "linux", "macos", "other"] | None = None
    version: Version | None = None
    vendor: Text | None = None


class Inventory(_Input):
    """An estate inventory: one or more operators, optionally the platforms they run."""

    name: Text | None = None
    as_of: AsOf | None = Field(default=None, description="When the inventory was true.")
    operators: tuple[Operator, ...] = Field(min_length=1)
    platforms: tuple[Platform, ...] = ()


class Channel(_Input):
    """An update channel; every control omitted = undeclared, never assumed absent."""

    id: Id
    name: Text | None = None
    vendor: Text
    kind: ChannelKind | None = None
    updates: tuple[ProductRef, ...] = Field(default=(), description="What the channel updates.")
    privilege: Privilege | None = Field(default=None, description="Where the payload is run.")
    platforms: tuple[Literal["windows", "linux", "macos", "other"], ...] = ()
    cadence_per_day: Hours | None = None
    rollout_stages: Annotated[int, Field(strict=True, ge=1)] | None = None
    internal_ring: Flag | None = None
    canary_share: Share | None = None
    bake_time_hours: Hours | None = None
    health_gate: HealthGate | None = None
    auto_halt: Flag | None = None
    rollback: Rollback | None = None
    rollback_tested: Flag | None = None
    customer_deferral: CustomerDeferral | None = None
    customer_pin_versions: Count | None = None
    release_notes: Flag | None = None
    signed: Flag | None = None
    signature_verified_on_host: Flag | None = None
    schema_validated: Flag | None = None
    runtime_bounds_checked: Flag | None = None
    fuzzed: Flag | None = None
    e2e_tested_in_interpreter: Flag | None = None
    emergency_path_documented: Flag | None = None
    sdp_attested: Flag | None = None
    targeting_rule: Text | None = None


class ChannelsFile(_Input):
    """Update-channel declarations, optionally with the platforms they update."""

    name: Text | None = None
    as_of: AsOf | None = None
    channels: tuple[Channel, ...]
    platforms: tuple[Platform, ...] = ()


def _split(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(";") if part.strip())
    return value


class HostGroupRow(_Input):
    """One CSV row: a host group of an operator declared elsewhere. Lists use ``;``."""

    operator: Id = Field(description="Operator id (its inventory may be another file).")
    host_group: Id
    name: Text | None = None
    platform: Id | None = None
    platform_version: Text | None = None
    hosted_on: Annotated[tuple[Id, ...], BeforeValidator(_split)] = Field(
        default=(), description="Platform ids beneath the OS (cloud, hypervisor), ';'-separated."
    )
    host_count: Annotated[int, Field(ge=0)]
    environment: Environment
    functions: Annotated[tuple[Id, ...], BeforeValidator(_split)] = Field(
        default=(), description="Function ids of the operator, separated by ';'."
    )
    products: Annotated[tuple[Purl, ...], BeforeValidator(_split)] = Field(
        default=(), description="Purls of the products it runs, separated by ';'."
    )
    ring: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="Operator ring for every product of the row."
    )
    disk_encryption: Text | None = None
    keys_escrowed_share: Annotated[float, Field(ge=0, le=1)] | None = None
    key_escrow_host_group: Id | None = None
    key_escrow_platform: Id | None = None
    oob_console: bool | None = None
    cloud_rescue_runbook: bool | None = None
    automated_recovery: bool | None = None
    technicians: Annotated[int, Field(ge=0)] | None = None
    playbook_tested: date | None = None
    as_of: AsOf | None = Field(default=None, description="Same in every row, or empty.")


def _duplicates(items: Iterable[tuple[str, str]]) -> list[str]:
    """``path.id: duplicate id 'x' (also at path)`` for each repeated id."""
    seen: dict[str, str] = {}
    out = []
    for path, ident in items:
        if ident in seen:
            out.append(f"{path}.id: duplicate id {ident!r} (also at {seen[ident]})")
        else:
            seen[ident] = path
    return out


def inventory_problems(inventory: Inventory) -> list[str]:
    """What the schema cannot say: duplicate ids and unknown same-file ids, in file order."""
    problems = _duplicates((f"platforms[{i}]", p.id) for i, p in enumerate(inventory.platforms))
    problems += _duplicates((f"operators[{i}]", o.id) for i, o in enumerate(inventory.operators))
    for i, op in enumerate(inventory.operators):
        at = f"operators[{i}]"
        problems += _duplicates((f"{at}.functions[{j}]", f.id) for j, f in enumerate(op.functions))
        problems += _duplicates(
            (f"{at}.host_groups[{j}]", h.id) for j, h in enumerate(op.host_groups)
        )
        problems += _duplicates(
            (f"{at}.contracts[{j}]", c.effective_id) for j, c in enumerate(op.contracts)
        )
        functions = {f.id for f in op.functions}
        groups = {h.id for h in op.host_groups}
        for j, group in enumerate(op.host_groups):
            for k, fn in enumerate(group.functions):
                if fn not in functions:
                    problems.append(
                        f"{at}.host_groups[{j}].functions[{k}]: operator {op.id!r} declares no "
                        f"function {fn!r} (declared: {', '.join(sorted(functions)) or 'none'})"
                    )
            escrow = group.recovery.key_escrow_host_group
            if escrow is not None and escrow not in groups:
                problems.append(
                    f"{at}.host_groups[{j}].recovery.key_escrow_host_group: operator "
                    f"{op.id!r} declares no host group {escrow!r}"
                )
    return problems


def channels_problems(channels: ChannelsFile) -> list[str]:
    """Duplicate channel and platform ids, in file order."""
    return _duplicates(
        (f"platforms[{i}]", p.id) for i, p in enumerate(channels.platforms)
    ) + _duplicates((f"channels[{i}]", c.id) for i, c in enumerate(channels.channels))
