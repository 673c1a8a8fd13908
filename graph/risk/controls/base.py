"""Findings, control definitions, the rule protocol and severity grading.

A control rule is a small object: ``subjects(context)`` names what it inspects (channels,
host groups, contracts, ...) and ``check(subject, context)`` returns a finding
(:class:`graph.risk.controls.records.FindingItem`, the fields of a :class:`Finding`)
when the control is missing or cannot be confirmed, ``None`` when it is in place. An
undeclared attribute is never a pass: it gives a finding with status ``unknown`` ("ask the
vendor").

Severity starts from the catalogue's guidance for the control (which already encodes the
channel's privilege) and is then graded by reach and irreversibility (:func:`grade`).

Examples
--------
>>> grade(Severity.CRITICAL, Reach(hosts=10), irreversible=False, policy=ControlsPolicy())
<Severity.HIGH: 'high'>
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, NonNegativeInt

from graph.model import Provenance
from graph.risk.reach import Reach
from graph.trusted import trusted_model
from graph.vocabulary import Environment, NodeKind, Severity

if TYPE_CHECKING:
    from graph.risk.controls.context import RuleContext
    from graph.risk.controls.records import FindingItem

__all__ = [
    "Control",
    "ControlsPolicy",
    "Evidence",
    "EvidenceValue",
    "Finding",
    "FindingStatus",
    "RiskRemoved",
    "Rule",
    "RuleSubject",
    "Tristate",
    "all_of",
    "any_of",
    "at_least",
    "grade",
    "is_recent",
    "item_plan_key",
    "plan_key",
    "rule_subject",
    "shift",
    "sort_findings",
]

Tristate = bool | None
"""True = control present, False = absent, None = undeclared (unknown)."""

EvidenceValue = str | int | float | bool | None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FindingStatus(StrEnum):
    MISSING = "missing"
    UNKNOWN = "unknown"


class ControlsPolicy(_Frozen):
    """Thresholds of the control rules.

    Every number is *project policy informed by* shared/domain/controls.md (the evidence
    column's examples); none is a regulatory requirement.
    """

    min_rollout_stages: int = Field(
        3, ge=1, description="SR-01: internal -> canary/early -> broad (controls.md SR-01)."
    )
    max_canary_share: float = Field(
        0.05, gt=0, le=1, description="SR-02: canary ring at most 5% (controls.md SR-02)."
    )
    min_bake_hours_content: float = Field(
        1.0, ge=0, description="SR-04: bake time for content/signature/policy channels."
    )
    min_bake_hours_code: float = Field(
        24.0, ge=0, description="SR-04: bake time for code, driver and firmware channels."
    )
    min_customer_pin_versions: int = Field(
        1, ge=0, description="CC-01: customer can pin at least N-1."
    )
    emergency_cadence_per_day: float = Field(
        1.0, ge=0, description="SR-07: High above this cadence on host-fatal channels."
    )
    min_keys_escrowed_share: float = Field(
        0.99, ge=0, le=1, description="RR-01: share of recovery keys escrowed (>= 99%)."
    )
    playbook_max_age_days: int = Field(
        365, ge=0, description="RR-03: mass-recovery playbook exercised within 12 months."
    )
    exit_test_max_age_days: int = Field(
        365, ge=0, description="SD-04: exit plan tested within this many days."
    )
    oob_environments: tuple[Environment, ...] = Field(
        (Environment.ON_PREMISES, Environment.CLOUD_VM, Environment.OT),
        description="RR-02 applies to host groups in these environments (servers, cloud "
        "VMs, OT: controls.md operator amplifiers).",
    )
    sbom_min_purl_share: float = Field(
        0.9, ge=0, le=1, description="TR-01 quality: share of SBOM components with a purl."
    )
    wide_reach_hosts: int = Field(
        10_000, ge=1, description="Reach that raises a finding one severity step (hosts)."
    )
    wide_reach_cii_operators: int = Field(
        3, ge=1, description="Reach that raises a finding one severity step (CII operators)."
    )
    unknown_downgrade: int = Field(
        1, ge=0, le=3, description="Steps an 'unknown' finding sits below a 'missing' one."
    )


class Control(_Frozen):
    """One catalogue entry of controls.md, namespaced ``KG-``."""

    id: str = Field(description="Stable id, e.g. KG-SR-01.")
    title: str
    evidence: str = Field(description="The attributes that decide it (controls.md Evidence).")
    severity_guidance: str
    references: tuple[str, ...] = Field(description="Framework references, as controls.md.")
    remediation: str
    ask: Literal["vendor", "operator"] = Field(
        "vendor", description="Who answers when the attributes are undeclared."
    )


class RiskRemoved(_Frozen):
    """What remediating the finding avoids, from the lead's simulation."""

    hosts_down_avoided: NonNegativeFloat = 0
    operators_avoided: NonNegativeInt = 0
    recovery_hours_avoided: NonNegativeFloat = 0


class Evidence(_Frozen):
    """One attribute behind a finding and the documents that asserted it."""

    subject: str = Field(description="Node key carrying the attribute.")
    attribute: str
    value: EvidenceValue
    provenance: tuple[Provenance, ...] = ()


class RuleSubject(_Frozen):
    """What a rule inspects: a node, plus a qualifier when one node has several findings."""

    key: str
    kind: NodeKind
    qualifier: str | None = None


_SUBJECT_SET = {"key", "kind"}
_QUALIFIED_SET = {"key", "kind", "qualifier"}


def rule_subject(key: str, kind: NodeKind, qualifier: str | None = None) -> RuleSubject:
    """``RuleSubject(key=key, kind=kind[, qualifier=qualifier])`` (the qualifier counted
    as set only when there is one), made without revalidation when every value already
    has its field's type (rules make one per channel, host group, product, ...)."""
    plain = qualifier is None or type(qualifier) is str
    if plain and type(key) is str and type(kind) is NodeKind:
        values = {"key": key, "kind": kind, "qualifier": qualifier}
        return trusted_model(  # one shared, never-changed fields-set (as graph.risk.reach)
            RuleSubject, values, _SUBJECT_SET if qualifier is None else _QUALIFIED_SET
        )
    if qualifier is None:
        return RuleSubject(key=key, kind=kind)
    return RuleSubject(key=key, kind=kind, qualifier=qualifier)


class Finding(_Frozen):
    """A missing or unconfirmed control on one subject."""

    id: str = Field(description="control:subject[@qualifier], stable across runs.")
    control: str
    title: str
    severity: Severity
    status: FindingStatus
    subject: str
    subject_kind: NodeKind
    qualifier: str | None = None
    vendor: str | None = None
    channel: str | None = None
    operator: str | None = None
    evidence: tuple[Evidence, ...] = ()
    references: tuple[str, ...] = ()
    remediation: str
    related_controls: tuple[str, ...] = Field(
        (), description="Controls whose absence makes up a composite finding."
    )
    reach: Reach = Reach()
    risk_removed: RiskRemoved | None = None

    def sort_key(self) -> tuple[bool, float, int, float, int, int, bool, int, str]:
        """Risk removed first (when simulated), then severity, status (missing before
        unknown), composite before single findings, reach (hosts), id."""
        removed = self.risk_removed or _NOTHING_REMOVED
        return (
            self.risk_removed is None,
            -removed.hosts_down_avoided,
            -removed.operators_avoided,
            -removed.recovery_hours_avoided,
            self.severity.rank,
            0 if self.status is FindingStatus.MISSING else 1,
            not self.related_controls,
            -self.reach.hosts,
            self.id,
        )


_NOTHING_REMOVED = RiskRemoved()


def sort_findings(findings: list[Finding] | tuple[Finding, ...]) -> tuple[Finding, ...]:
    """Findings as a remediation plan: most risk removed first, deterministic."""
    return tuple(sorted(findings, key=plan_key))


def plan_key(finding: Finding) -> tuple[bool, float, int, float, int, int, bool, int, str]:
    """:meth:`Finding.sort_key`, read from the record's values directly (the plan sorts
    about 93,000 findings twice at 100k)."""
    values = finding.__dict__
    return _key(
        values["risk_removed"],
        values["severity"],
        values["status"],
        values["related_controls"],
        values["reach"].hosts,
        values["id"],
    )


def item_plan_key(
    item: FindingItem, removed: RiskRemoved | None = None
) -> tuple[bool, float, int, float, int, int, bool, int, str]:
    """:func:`plan_key` of the finding ``item`` holds, with ``removed`` as its risk
    removed."""
    return _key(removed, item[3], item[4], item[14], item[15].hosts, item[0])


def _key(
    removed: RiskRemoved | None,
    severity: Severity,
    status: FindingStatus,
    related: object,
    hosts: int,
    finding_id: str,
) -> tuple[bool, float, int, float, int, int, bool, int, str]:
    """The plan key of one finding's values (most risk removed first)."""
    if removed is None:
        down, operators, hours = 0.0, 0, 0.0
    else:
        figures = removed.__dict__
        down = -figures["hosts_down_avoided"]
        operators = -figures["operators_avoided"]
        hours = -figures["recovery_hours_avoided"]
    return (
        removed is None,
        down,
        operators,
        hours,
        _SEVERITY_RANK[severity],
        0 if status is FindingStatus.MISSING else 1,
        not related,
        -hosts,
        finding_id,
    )


_SEVERITY_RANK = {s: s.rank for s in Severity}


class Rule(Protocol):
    """A control rule: what it inspects and how it judges one subject."""

    @property
    def control(self) -> Control: ...

    def subjects(self, context: RuleContext) -> list[RuleSubject]: ...

    def check(self, subject: RuleSubject, context: RuleContext) -> FindingItem | None: ...


def all_of(*values: Tristate) -> Tristate:
    """False if any is False, else None if any is undeclared, else True."""
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def any_of(*values: Tristate) -> Tristate:
    """True if any is True, else None if any is undeclared, else False."""
    if any(v is True for v in values):
        return True
    if any(v is None for v in values):
        return None
    return False


def at_least(value: float | None, threshold: float) -> Tristate:
    """``value >= threshold``, or None when undeclared."""
    return None if value is None else value >= threshold


def is_recent(iso_date: str | None, as_of: date, max_age_days: int) -> Tristate:
    """True when ``iso_date`` lies within ``max_age_days`` before ``as_of``; an
    unparseable date, or one after ``as_of``, counts as undeclared."""
    if not iso_date:
        return None
    try:
        when = date.fromisoformat(iso_date[:10])
    except ValueError:
        return None
    age = (as_of - when).days
    return None if age < 0 else age <= max_age_days


_LADDER = (Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)


def shift(severity: Severity, steps: int) -> Severity:
    """Move ``severity`` up (positive) or down the ladder, within low..critical."""
    index = _LADDER.index(severity) if severity in _LADDER else 0
    return _LADDER[max(0, min(len(_LADDER) - 1, index + steps))]


def grade(
    guidance: Severity, reach: Reach, *, irreversible: bool, policy: ControlsPolicy
) -> Severity:
    """Severity of a missing control from its guidance, reach and irreversibility.

    controls.md's rule of thumb: Critical needs a critical function of a CII operator in
    reach; otherwise raise or lower by reach. So: one step down when nothing in the estate
    is reached or no critical function is; one step up for wide reach or an irreversible
    change (rollback impossible); net at most one step; capped at High without a CII
    critical function.
    """
    steps = 0
    if not reach.critical_functions:
        steps -= 1
    wide = (
        reach.hosts >= policy.wide_reach_hosts
        or len(reach.cii_operators) >= policy.wide_reach_cii_operators
    )
    if wide or irreversible:
        steps += 1
    severity = shift(guidance, max(-1, min(1, steps)))
    if severity is Severity.CRITICAL and not reach.cii_critical_functions:
        return Severity.HIGH
    return severity
