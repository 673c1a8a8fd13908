"""The blast radius each control finding's remediation would remove.

Rollout controls (staging, canary, health gate, bake time, content treated like code,
customer deferral, the July-2024 composite) are simulated with the policy's remedy
rollout. Controls that keep a malformed update from crashing the host at all (validation,
bounds checking, fuzzing, end-to-end tests, kernel-mode minimisation) would have removed
every host-down of the channel's radius. Other findings carry no simulated figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import networkx as nx

from graph.risk.blast import blast_radius
from graph.risk.controls.base import Finding, RiskRemoved
from graph.risk.controls.engine import with_risk_removed
from graph.risk.policy import Policy
from graph.risk.rollout import RolloutOverride
from graph.risk.subject import Subject, resolve_subject

if TYPE_CHECKING:
    from graph.risk.fastreport import SnapshotRadii
    from graph.risk.snapshot import Snapshot

__all__ = [
    "ROLLOUT_CONTROLS",
    "SAFE_FAILURE_CONTROLS",
    "Remediable",
    "attach_risk_removed",
    "risk_removed",
]

ROLLOUT_CONTROLS = frozenset(
    {"KG-SR-01", "KG-SR-02", "KG-SR-03", "KG-SR-04", "KG-SR-06", "KG-CC-01", "KG-PATTERN-0719"}
)
SAFE_FAILURE_CONTROLS = frozenset({"KG-VT-01", "KG-VT-02", "KG-VT-03", "KG-VT-04", "KG-KM-01"})


class Remediable(Protocol):
    """What risk removed reads of a finding (a :class:`Finding` or its tuple)."""

    @property
    def id(self) -> str: ...

    @property
    def control(self) -> str: ...

    @property
    def channel(self) -> str | None: ...


def attach_risk_removed(
    view: nx.MultiDiGraph,
    findings: tuple[Finding, ...],
    *,
    policy: Policy | None = None,
    snapshot: Snapshot | None = None,
) -> tuple[Finding, ...]:
    """``findings`` with ``risk_removed`` filled where a remediation can be simulated
    (:func:`risk_removed`), re-sorted as a remediation plan."""
    removed = risk_removed(view, findings, policy=policy or Policy(), snapshot=snapshot)
    return with_risk_removed(findings, removed)


def risk_removed(
    view: nx.MultiDiGraph,
    findings: Iterable[Remediable],
    *,
    policy: Policy,
    snapshot: Snapshot | None = None,
) -> dict[str, RiskRemoved]:
    """What remediating each finding removes, by finding id (findings whose remediation
    cannot be simulated are left out).

    Rollout figures are :func:`graph.risk.simulate.simulate`'s with the remedy rollout;
    each channel's declared radius is computed once for both kinds of control. With
    ``snapshot`` (``view``'s) the radii come from the compiled engine's what-if path
    (:mod:`graph.risk.fastreport`), with the same figures.
    """
    measure = _Measure(view, policy, snapshot)
    staged: dict[str, RiskRemoved] = {}
    safe: dict[str, RiskRemoved] = {}
    removed: dict[str, RiskRemoved] = {}
    for finding in findings:
        channel = finding.channel
        if channel is None or channel not in view:
            continue
        if finding.control in ROLLOUT_CONTROLS:
            if channel not in staged:
                before = measure.declared(channel)
                after = measure.figures(channel, policy.remedy)
                # a channel already better than the remedy gains nothing (never "negative")
                staged[channel] = RiskRemoved(
                    hosts_down_avoided=max(0, before.hosts_down - after.hosts_down),
                    operators_avoided=max(0, before.operators_hit - after.operators_hit),
                    recovery_hours_avoided=max(0.0, round(before.work_hours - after.work_hours, 2)),
                )
            removed[finding.id] = staged[channel]
        elif finding.control in SAFE_FAILURE_CONTROLS:
            if channel not in safe:
                radius = measure.declared(channel)
                safe[channel] = RiskRemoved(
                    hosts_down_avoided=radius.hosts_down,
                    operators_avoided=radius.operators_down,
                    recovery_hours_avoided=round(radius.work_hours, 2),
                )
            removed[finding.id] = safe[channel]
    return removed


@dataclass(frozen=True)
class _Figures:
    """What risk removed reads of a channel's radius."""

    hosts_down: int
    operators_hit: int
    operators_down: int  # operators with a host down
    work_hours: float  # each affected operator's time to recover, summed (as ``simulate``)


class _Measure:
    """A channel's radius as declared (computed once) or on a remedy rollout."""

    def __init__(self, view: nx.MultiDiGraph, policy: Policy, snapshot: Snapshot | None) -> None:
        self.view, self.policy = view, policy
        self._declared: dict[str, _Figures] = {}
        self._radii: SnapshotRadii | None = None
        if snapshot is not None:
            from graph.risk.fastreport import SnapshotRadii  # noqa: PLC0415 (numba)

            self._radii = SnapshotRadii(snapshot, view, policy=policy)

    def declared(self, channel: str) -> _Figures:
        found = self._declared.get(channel)
        if found is None:
            found = self._declared[channel] = self.figures(channel, None)
        return found

    def figures(self, channel: str, remedy: RolloutOverride | None) -> _Figures:
        """A bad push on ``channel`` as declared, or with every resolved key on ``remedy``."""
        subject = Subject(kind="channel", ref=channel)
        overrides = (
            None if remedy is None else dict.fromkeys(resolve_subject(self.view, subject), remedy)
        )
        node = None if self._radii is None else self._radii.node_of(subject)
        if self._radii is not None and node is not None:
            ops = self._radii.operators(node, overrides)
            return _Figures(
                hosts_down=sum(ops.down),
                operators_hit=len(ops.slots),
                operators_down=sum(1 for d in ops.down if d),
                work_hours=sum(ops.hours),
            )
        radius = blast_radius(
            self.view, subject, policy=self.policy, overrides=overrides, evidence_paths=False
        )
        return _Figures(
            hosts_down=radius.hosts_down,
            operators_hit=radius.operators_hit,
            operators_down=sum(1 for o in radius.operators if o.hosts_down),
            work_hours=sum(o.recovery_hours for o in radius.operators),
        )
