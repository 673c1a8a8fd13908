"""KG-KM-*: kernel-mode minimisation and crash-loop protection (controls.md §2)."""

from __future__ import annotations

from graph.risk.controls.base import Control
from graph.risk.controls.catalogue.sources import refs as _refs

__all__ = ["KM_01", "KM_02"]


KM_01 = Control(
    id="KG-KM-01",
    title="Content interpreted in kernel mode",
    evidence=(
        "`channel.privilege != kernel for content channels` (or product uses OS "
        "user-mode security platform, e.g. WESP) ⇢ kernel-interpreted content"
    ),
    severity_guidance="High; input multiplier for all SR/VT severities",
    references=_refs(
        "Microsoft 27 Jul 2024 blog; MDE \"doesn't include kernel changes in intelligence "
        'updates"; Windows Resiliency Initiative; SP 800-53 SC-39'
    ),
    remediation=(
        "Move content parsing and detection logic to user mode; keep the kernel to "
        "sensing and enforcement (e.g. an OS user-mode security platform)."
    ),
)


KM_02 = Control(
    id="KG-KM-02",
    title="No crash-loop protection",
    evidence=("`product.crash_loop_guard = true` and/or `hostgroup.qmr_enabled = true` ⇢ neither"),
    severity_guidance="Critical for boot_start_driver channels",
    references=_refs(
        'Microsoft QMR (WRI); CrowdStrike RCA (driver "loaded from an early phase of '
        'system boot"); SP 800-53 SC-24, SI-17'
    ),
    remediation=(
        "Ship a crash-loop guard (self-disable or fall back to last-known-good content "
        "after N crashes) and enable OS automatic recovery (QMR/WinRE) on these hosts."
    ),
)
