# ruff: noqa: RUF001  (references are quoted verbatim from controls.md, en dashes included)
"""KG-SR-*: the vendor"s safe deployment practice (controls.md §2, SR-01 to SR-07)."""

from __future__ import annotations

from graph.risk.controls.base import Control
from graph.risk.controls.catalogue.sources import refs as _refs

__all__ = ["SR_01", "SR_02", "SR_03", "SR_04", "SR_05", "SR_06", "SR_07"]


SR_01 = Control(
    id="KG-SR-01",
    title="No staged rollout",
    evidence=(
        "`channel.rollout_stages >= 3` (internal → canary/early → broad) ⇢ "
        '`rollout_stages <= 1` ("global simultaneous push")'
    ),
    severity_guidance=(
        "**Critical** if privilege ∈ {kernel, boot_start_driver, firmware}; High for "
        "user-mode on critical functions; Medium otherwise"
    ),
    references=_refs(
        'CISA SSD phases 3–5; Azure SDP (canary→pilot→broad); WAF OE:11 "progressive '
        'exposure"; MDE SDP; CrowdStrike RCA Finding 6; CIR 2024/2690 6.4; SP 800-53 '
        "CM-3, CM-4"
    ),
    remediation=(
        "Require at least internal -> canary -> broad stages for this channel, content "
        "included; until the vendor stages it, defer it where possible and stagger "
        "exposure across your own rings."
    ),
)


SR_02 = Control(
    id="KG-SR-02",
    title="No internal and canary rings",
    evidence=("`internal_ring = true AND canary_pct > 0 AND canary_pct <= 5` ⇢ either missing"),
    severity_guidance="High (Critical with SR-01 absent on kernel channels)",
    references=_refs(
        'CISA SSD "internal rollout", "deployment and canary testing"; Azure EUAP canary '
        "regions; MDE \"first stabilization ring targets Microsoft's ... internal "
        'devices"; CrowdStrike PIR "starting with a canary deployment"'
    ),
    remediation=(
        "Ask the vendor to dogfood every release on its own fleet first and then to a "
        "canary ring of at most 5% of customers before broad release."
    ),
)


SR_03 = Control(
    id="KG-SR-03",
    title="No health-gated promotion with automatic halt",
    evidence=("`health_gate = automatic AND auto_halt = true` ⇢ `health_gate in {none, manual}`"),
    severity_guidance=(
        "Critical on kernel/boot-start channels (time to detect beats time to push); High otherwise"
    ),
    references=_refs(
        'WAF OE:11 "Deployments must pass health checks before each phase"; Azure '
        'Deployment Manager "deployment will automatically stop"; CrowdStrike PIR '
        '"improve monitoring for both sensor and system performance"; SP 800-53 SI-4, '
        "SI-6"
    ),
    remediation=(
        "Gate each promotion on crash, boot-failure and heartbeat telemetry with an "
        "automatic halt, so a bad push stops at the first ring."
    ),
)


SR_04 = Control(
    id="KG-SR-04",
    title="No bake time between rings",
    evidence=(
        "`bake_time_min_hours >= policy_min` (e.g. ≥1 h for content, ≥24 h for code; "
        "project-set) ⇢ `bake_time_min_hours == 0`"
    ),
    severity_guidance="High; Medium if the channel is signature-only and user-mode",
    references=_refs(
        'WAF OE:11 "hours and days rather than minutes"; Azure "observation period in '
        'the pilot region"; MDE "weeks in stabilization" for driver updates'
    ),
    remediation=(
        "Set a minimum observation period between rings (hours for content, a day or "
        "more for code and drivers), increasing per ring."
    ),
)


SR_05 = Control(
    id="KG-SR-05",
    title="No tested vendor rollback",
    evidence=(
        "`rollback in {vendor_push, both} AND rollback_tested = true` ⇢ `rollback = "
        "none` or untested"
    ),
    severity_guidance=(
        "High. Note: vendor rollback **does not help hosts that cannot boot** "
        "(CrowdStrike reverted at 05:27 UTC but crashed hosts stayed down), so pair with "
        "RR-*"
    ),
    references=_refs(
        'CISA SSD emergency protocols "recovery and rollback"; WAF OE:11; MDE rollback '
        'controls; CrowdStrike PIR "content update and rollback testing"; SP 800-53 '
        "CM-2(3), CP-10(4)"
    ),
    remediation=(
        "Provide a tested kill-switch to the last-known-good version; pair it with "
        "recovery controls (KG-RR-*), because rollback does not reach hosts that no "
        "longer boot."
    ),
)


SR_06 = Control(
    id="KG-SR-06",
    title="Content not held to the code channel's SDP",
    evidence=(
        "`channel.kind = content_config AND same SDP attestations as the code channel` ⇢ "
        "content channel exempt from the SDP the code channel follows"
    ),
    severity_guidance="**Critical** when content is interpreted in kernel mode",
    references=_refs(
        'CISA SSD "all code and configuration changes"; WAF OE:11 "no low-risk '
        'deployments"; CrowdStrike PIR (sensor staged, RRC not)'
    ),
    remediation=(
        "Put content and configuration through the same stages, gates and tests as the "
        "code channel of the same product."
    ),
)


SR_07 = Control(
    id="KG-SR-07",
    title="No documented emergency protocol",
    evidence="`emergency_path_documented = true` ⇢ absent",
    severity_guidance="Medium; High if cadence_per_day > 1 on a kernel channel",
    references=_refs(
        'WAF OE:11 "Emergency SDP protocols"; CIR 2024/2690 6.4.3; CISA SSD "bandwidth '
        'to address urgent security fixes"'
    ),
    remediation=(
        "Document who may shorten which gates for an urgent release, and which gates are "
        "never skipped."
    ),
)
