"""Recovery estimates: hands-on hosts x minutes per host / technicians, plus waits.

Calibration (incident-facts.md): CrowdStrike reverted 78 minutes after the push but
crashed hosts stayed down; remediation was a hands-on boot to safe mode/WinRE to delete
the channel file, needing the BitLocker recovery key on encrypted disks; cloud VMs without
a console needed a rescue workflow; >97% of sensors were back by day 6 (Delta: 37,000
computers, ~5 days).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from graph.risk.policy import RecoveryPolicy
from graph.vocabulary import Environment

__all__ = ["GroupRecovery", "curve_hours", "estimate_group", "hosts_back_at"]


@dataclass(frozen=True, slots=True)
class GroupRecovery:
    """One host group's recovery: ``auto`` hosts come back at ``auto_hours``; ``hands_on``
    hosts come back at a steady rate from ``start_hours`` to ``end_hours``."""

    down: int
    hands_on: int
    auto_hours: float
    start_hours: float
    end_hours: float
    minutes_per_host: float
    unknowns: tuple[str, ...] = ()

    @property
    def hours(self) -> float:
        if self.down == 0:
            return 0.0
        return self.end_hours if self.hands_on else self.auto_hours


def estimate_group(
    group: Mapping[str, Any],
    *,
    down: int,
    needs_hands: bool,
    firmware: bool,
    escrow_down: bool,
    policy: RecoveryPolicy,
) -> GroupRecovery:
    """Recovery of ``down`` hosts of ``group`` (a HostGroup node's attributes)."""
    auto = policy.automatic_recovery_hours
    if down == 0 or not (needs_hands or firmware) or group.get("automated_recovery"):
        return GroupRecovery(down, 0, auto, 0.0, auto if down else 0.0, 0.0)
    unknowns: list[str] = []
    hands_on = down if firmware else round(down * (1 - policy.reboot_self_recovery_share))
    minutes = _minutes_per_host(group, firmware, policy, unknowns)
    technicians = group.get("technicians")
    if not technicians:
        unknowns.append("technicians")
        technicians = max(
            1, math.ceil(int(group.get("host_count", 0)) * policy.technicians_per_1000_hosts / 1000)
        )
    encrypted = _encrypted(group)
    wait = policy.escrow_outage_hours if encrypted and escrow_down else 0.0
    work = hands_on * minutes / 60.0 / technicians
    return GroupRecovery(down, hands_on, auto, wait, wait + work, minutes, tuple(unknowns))


def _encrypted(group: Mapping[str, Any]) -> bool:
    enc = group.get("disk_encryption")
    return bool(enc) and str(enc).lower() not in {"none", "no", "false"}


def _minutes_per_host(
    group: Mapping[str, Any], firmware: bool, policy: RecoveryPolicy, unknowns: list[str]
) -> float:
    environment = group.get("environment")
    oob = group.get("oob_console")
    if environment == Environment.CLOUD_VM.value:
        if group.get("cloud_rescue_runbook") or oob:
            base = policy.cloud_runbook_minutes
        else:
            base = policy.cloud_rescue_minutes
    else:
        base = policy.firmware_minutes if firmware else policy.minutes_per_host
        if oob is None:
            unknowns.append("oob_console")
        if not oob:
            base += policy.travel_minutes
    if not _encrypted(group):
        return base
    escrowed = group.get("keys_escrowed_share")
    if escrowed is None:
        unknowns.append("keys_escrowed_share")
        escrowed = 0.0
    with_key = base + policy.key_lookup_minutes
    return float(escrowed) * with_key + (1 - float(escrowed)) * policy.reimage_minutes


def curve_hours(horizon: float) -> list[float]:
    """Sample points for a recovery curve up to ``horizon`` hours."""
    points = [0.0, 1.0, 2.0, 4.0, 8.0, 12.0, 24.0, 48.0, 72.0, 96.0, 120.0, 144.0, 168.0]
    day = 192.0
    while day <= horizon + 24:
        points.append(day)
        day += 24.0
    out = [p for p in points if p < horizon]
    out.append(round(horizon, 2))
    return sorted(set(out))


def hosts_back_at(groups: Iterable[GroupRecovery], hour: float) -> int:
    """Hosts back up ``hour`` hours after the failure."""
    back = 0.0
    for g in groups:
        auto = g.down - g.hands_on
        if hour >= g.auto_hours:
            back += auto
        if g.hands_on:
            if hour >= g.end_hours:
                back += g.hands_on
            elif hour > g.start_hours:
                back += g.hands_on * (hour - g.start_hours) / (g.end_hours - g.start_hours)
    return int(back)
