"""KG-PATTERN-0719: the July-2024 composite pattern (controls.md §3)."""

from __future__ import annotations

from graph.risk.controls.base import Control

__all__ = ["PATTERN_0719"]


PATTERN_0719 = Control(
    id="KG-PATTERN-0719",
    title="July-2024 pattern: kernel-interpreted content pushed in one stage, no deferral, "
    "no bounds check",
    evidence=(
        "`privilege ∈ {kernel, boot_start_driver}` AND `kind = content_config` AND "
        "`rollout_stages ≤ 1` AND `customer_deferral ≠ channel` AND "
        "`runtime_bounds_checked = false`"
    ),
    severity_guidance="Critical. Evidence pack: SR-01, SR-06, CC-01, VT-02.",
    references=(
        "CISA SSD",
        "CrowdStrike RCA F2/F6",
        "SP 800-53 CM-3/SI-2(b)",
        "CIR 2024/2690 6.6.1(b)",
        "CRA Annex I Part I(2)(c)",
    ),
    remediation=(
        "Fix all four together: stage the content channel (KG-SR-01/SR-06), give customers "
        "per-channel deferral (KG-CC-01), bounds-check the kernel parser (KG-VT-02) - or move "
        "content interpretation to user mode (KG-KM-01). Meanwhile plan recovery (KG-RR-*)."
    ),
)
