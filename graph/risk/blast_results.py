"""Typed results of a blast-radius query (their JSON Schemas are published)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from graph.model import Provenance
from graph.risk.subject import FailureMode, Subject

__all__ = [
    "BlastRadius",
    "EvidenceStep",
    "FailingNode",
    "FunctionImpact",
    "GroupTotals",
    "HostGroupImpact",
    "OperatorImpact",
    "RecoveryPoint",
]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FailingNode(_Result):
    """A node whose failure the query assumes, and how the failure is interpreted."""

    key: str
    privilege: str | None
    host_fatal: bool
    crash_loop: bool
    platforms: list[str] = Field(description="OS families it can hit; empty = any.")
    channel: str | None = Field(description="Channel the failure arrives by, if any.")
    rollout_fraction: float
    rollout_explanation: str


class EvidenceStep(_Result):
    source: str
    kind: str
    target: str
    documents: list[Provenance]


class HostGroupImpact(_Result):
    host_group: str
    name: str
    operator: str
    platform: str | None
    environment: str
    host_count: int
    hosts_hit: int
    hosts_down: int
    hosts_degraded: int
    hosts_compromised: int
    crash_loop: bool
    hands_on_hosts: int
    recovery_hours: float
    protected_by: str | None = Field(description="Why the group escaped, when it did.")
    via: list[str] = Field(description="Failing nodes that reach this group.")


class FunctionImpact(_Result):
    function: str
    name: str
    operator: str
    critical: bool
    rto_hours: float | None
    hosts_total: int
    hosts_down: int
    hosts_degraded: int
    status: str = Field(description="lost | degraded")
    recovery_hours: float
    rto_breached: bool | None


class OperatorImpact(_Result):
    operator: str
    name: str
    sectors: list[str]
    jurisdictions: list[str]
    cii: bool
    hosts_down: int
    hosts_degraded: int
    hosts_compromised: int
    recovery_hours: float
    functions_lost: list[str]
    evidence_path: list[EvidenceStep]


class GroupTotals(_Result):
    """Totals for one sector or jurisdiction."""

    name: str
    operators_hit: int
    hosts_down: int
    hosts_degraded: int
    hosts_compromised: int
    functions_lost: int


class RecoveryPoint(_Result):
    hour: float
    hosts_back: int
    share_back: float


class BlastRadius(_Result):
    """What fails, how badly, where, and how long recovery takes."""

    subject: Subject
    mode: FailureMode
    failing: list[FailingNode]
    online_fraction: float = Field(description="Flat online share (used when push_time is null).")
    push_time: datetime | None = Field(
        None, description="When set, online shares follow each group's local time of day."
    )
    window_hours: float
    hosts_down: int
    hosts_degraded: int
    hosts_compromised: int
    hands_on_hosts: int
    recovery_hours: float = Field(description="Until the last affected host is back.")
    operators_hit: int
    sectors_hit: list[str]
    critical_functions_lost: int
    host_groups: list[HostGroupImpact]
    operators: list[OperatorImpact]
    functions: list[FunctionImpact]
    sectors: list[GroupTotals]
    jurisdictions: list[GroupTotals]
    recovery_curve: list[RecoveryPoint]
    unknowns: list[str] = Field(description="Undeclared facts taken at their worst.")
