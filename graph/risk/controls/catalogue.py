# ruff: noqa: RUF001  (references are quoted verbatim from controls.md, en dashes included)
"""The control catalogue of shared/domain/controls.md, namespaced ``KG-``.

Evidence, severity guidance and framework references are copied verbatim from
controls.md §2 (and §3 for the composite July-2024 pattern); remediation text is the
project's. Where controls.md only names the kernel case, rules grade other privileges
Medium (project policy, see the rule modules). Not encoded: SD-05 (register incl.
subcontractors) and SD-06 (pre-contract assessment): the model has no attribute for them.
"""

from __future__ import annotations

from graph.risk.controls.base import Control

__all__ = [
    "CC_01",
    "CC_02",
    "CC_03",
    "CONTROLS",
    "KM_01",
    "KM_02",
    "PATTERN_0719",
    "RR_01",
    "RR_02",
    "RR_03",
    "RR_04",
    "SD_01",
    "SD_02",
    "SD_03",
    "SD_04",
    "SR_01",
    "SR_02",
    "SR_03",
    "SR_04",
    "SR_05",
    "SR_06",
    "SR_07",
    "TR_01",
    "TR_02",
    "TR_03",
    "VT_01",
    "VT_02",
    "VT_03",
    "VT_04",
    "VT_05",
    "control",
]


def _refs(sources: str) -> tuple[str, ...]:
    """controls.md's Sources cell, one reference per ``;``-separated entry."""
    return tuple(part.strip() for part in sources.split("; "))


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

CC_01 = Control(
    id="KG-CC-01",
    title="No customer deferral or pinning",
    evidence=(
        "`customer_deferral = channel AND customer_pin_versions >= 1` ⇢ "
        "`customer_deferral in {none, sensor_only}`"
    ),
    severity_guidance=("**Critical** for kernel content channels on CII operators; High otherwise"),
    references=_refs(
        'CrowdStrike PIR "granular selection of when and where"; CRA Annex I Part '
        'I(2)(c) "option to temporarily postpone"; MDE "apply updates at a lower '
        'frequency for critical systems"; CIR 2024/2690 6.6.1(b)'
    ),
    remediation=(
        "Contract for per-channel customer control (defer, pause, pin N-1/N-2), "
        "including content channels; configure critical systems to take updates last."
    ),
)

CC_02 = Control(
    id="KG-CC-02",
    title="Operator does not run its own rings",
    evidence=(
        "`deployment.ring_policy != 'all_at_once'` and critical functions in last ring ⇢ "
        "single ring"
    ),
    severity_guidance="High for CII operators (operator-side finding)",
    references=_refs(
        'MDE "place lower-valued assets in earlier rings"; NIST SI-2(b), CM-4(1); CIR '
        "2024/2690 6.6.1(b); UK CTP change management"
    ),
    remediation=(
        "Assign host groups to rings (test group, low-value assets, critical functions "
        "last) for this product and honour them on every channel that supports deferral."
    ),
    ask="operator",
)

CC_03 = Control(
    id="KG-CC-03",
    title="No release notes",
    evidence="`release_notes = true` ⇢ none",
    severity_guidance="Medium",
    references=_refs(
        "CrowdStrike PIR (subscribable release notes); SP 800-53 SR-8; CIR 2024/2690 "
        "recital 16 (inform customers)"
    ),
    remediation=(
        "Require subscribable advance notice and release notes for every release of every channel."
    ),
)

VT_01 = Control(
    id="KG-VT-01",
    title="No schema validation of content",
    evidence="`schema_validated = true` ⇢ false",
    severity_guidance="Critical on kernel-interpreted content",
    references=_refs("CrowdStrike RCA Findings 1 and 4; SSDF PW.7/PW.8; SP 800-53 SA-11, CM-3(2)"),
    remediation=(
        "Validate every content file against the interpreter's actual interface (field "
        "count, types, ranges) at build and compile time."
    ),
)

VT_02 = Control(
    id="KG-VT-02",
    title="No runtime bounds checking",
    evidence="`runtime_bounds_checked = true` ⇢ false",
    severity_guidance="Critical on kernel parsers",
    references=_refs("CrowdStrike RCA Finding 2; SP 800-53 SC-24 (fail in known state), SI-10"),
    remediation=(
        "Bounds-check every field at run time and fail safe: a malformed input must be "
        "rejected, never crash the host."
    ),
)

VT_03 = Control(
    id="KG-VT-03",
    title="No fuzzing or all-fields coverage",
    evidence="`fuzzed = true AND coverage_all_fields = true` ⇢ false",
    severity_guidance="High",
    references=_refs("CrowdStrike RCA Finding 3; PIR (stress, fuzz, fault injection); SSDF PW.8.2"),
    remediation=(
        "Fuzz the content parser, cover all fields without wildcards, and inject faults "
        "before release."
    ),
)

VT_04 = Control(
    id="KG-VT-04",
    title="No end-to-end test in the real interpreter",
    evidence="`e2e_tested_in_interpreter = true` ⇢ false",
    severity_guidance="High (Critical with SR-01 absent)",
    references=_refs(
        "CrowdStrike RCA Finding 5; SP 800-53 CM-4(1); CISA SSD development and testing"
    ),
    remediation=(
        "Test every content instance end to end in the real interpreter on "
        "production-like hosts before release."
    ),
)

VT_05 = Control(
    id="KG-VT-05",
    title="Updates not signed and verified on host",
    evidence="`signed AND signature_verified_on_host` ⇢ either false",
    severity_guidance="High (supply-chain compromise path, e.g. SolarWinds-type)",
    references=_refs(
        "SP 800-53 CM-14, SI-7(15); SSDF PS.2.1; CIR 2024/2690 6.6.1(c); CRA Annex I Part II(7)"
    ),
    remediation=("Sign every update and verify the signature on the host before it is loaded."),
)

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

RR_01 = Control(
    id="KG-RR-01",
    title="Recovery keys not escrowed independently",
    evidence=(
        "`key_escrowed_pct >= 99` and escrow system not on the same failed platform ⇢ `< "
        "99` or escrow hosted only on affected Windows servers"
    ),
    severity_guidance=("High for fleets with BitLocker; Critical for CII front-line functions"),
    references=_refs(
        "SP 800-53 SC-12(1); Microsoft recovery tool needs the BitLocker key for WinPE "
        "path; BitLocker recovery prompts after the Jul 2024 update"
    ),
    remediation=(
        "Escrow >= 99% of disk-encryption recovery keys in a system that does not run on "
        "the same platform or channels as the fleet, with a bulk export path."
    ),
    ask="operator",
)

RR_02 = Control(
    id="KG-RR-02",
    title="No out-of-band recovery access",
    evidence="`oob_console != none OR cloud_rescue_runbook = true` ⇢ none",
    severity_guidance="High (drives time to recover per host)",
    references=_refs(
        "AWS re:Post rescue runbook; Azure VM recovery options; Microsoft QMR; SP 800-53 MA-4"
    ),
    remediation=(
        "Provide out-of-band recovery: BMC/serial console, cloud serial console or a "
        "tested cloud rescue runbook, or OS automatic recovery."
    ),
    ask="operator",
)

RR_03 = Control(
    id="KG-RR-03",
    title="No tested mass-recovery playbook",
    evidence=(
        "`playbook_tested_date within 12 months AND rto_hours <= function.rto` ⇢ absent or stale"
    ),
    severity_guidance="High for CII; Medium otherwise",
    references=_refs(
        "SP 800-53 CP-2, CP-4, CP-10; DORA Art. 28(8) (tested plans); CISA SSD emergency "
        "protocols; NIST CSF GV.SC-08"
    ),
    remediation=(
        "Write and exercise (at least yearly) a mass-recovery playbook sized by hosts x "
        "minutes per host / technicians against the function's RTO."
    ),
    ask="operator",
)

RR_04 = Control(
    id="KG-RR-04",
    title="No break-glass local admin path",
    evidence="`local_admin_breakglass = true` ⇢ false",
    severity_guidance="Medium",
    references=_refs("Microsoft recovery tool Safe Mode option (local admin; TPM-only protectors)"),
    remediation=(
        "Document a break-glass local administrator / Safe Mode path for hosts whose "
        "recovery keys are unavailable."
    ),
    ask="operator",
)

SD_01 = Control(
    id="KG-SD-01",
    title="Single-vendor dependency of a critical function",
    evidence=(
        "`share_top_vendor(function) <= threshold` or documented acceptance ⇢ above "
        "threshold without acceptance"
    ),
    severity_guidance=("High for CII functions; Critical if SR-01 also fails on that channel"),
    references=_refs(
        "SP 800-53 SR-3(1), SC-29; CIR 2024/2690 5.1.2(d); DORA Art. 29(1)(a)/(b); GB/T "
        "36637 (供应中断 supply interruption); GB/T 43698 Ch. 7 [V]"
    ),
    remediation=(
        "Diversify the function across vendors (or channels and rings), or record a "
        "documented acceptance with compensating recovery controls."
    ),
    ask="operator",
)

SD_02 = Control(
    id="KG-SD-02",
    title="Systemic vendor in a sector",
    evidence="Sector dashboard computed ⇢ not computed",
    severity_guidance=(
        "Informational → regulator finding when HHI > 1,800 and failure mode is common-mode"
    ),
    references=_refs(
        "DOJ/FTC 2023 MG Guideline 1; DORA Art. 31 / CDR 2024/1502; ESAs CTPP list; UK "
        "CTP designation"
    ),
    remediation=(
        "Monitor the vendor as systemic for the sector: report to the sector regulator, "
        "require staged rollout and customer control contractually, and plan "
        "sector-level recovery."
    ),
    ask="operator",
)

SD_03 = Control(
    id="KG-SD-03",
    title="DR pair shares a common-mode stack",
    evidence=("`diverse(primary, dr)` on vendor OR channel ring ⇢ identical stack and ring"),
    severity_guidance="High for CII (common-mode across redundancy defeats DR)",
    references=_refs(
        'SP 800-53 SC-29 (common-mode failures); CISA SSD planning "platform and device '
        'diversity"; Azure region pairs never updated together'
    ),
    remediation=(
        "Run the DR pair on a different vendor, build or update ring from the primary, "
        "so one bad update cannot take both."
    ),
    ask="operator",
)

SD_04 = Control(
    id="KG-SD-04",
    title="No tested exit plan",
    evidence=("`contract.exit_plan = true AND exit_tested_date within policy` ⇢ absent"),
    severity_guidance="High for CIF (DORA mandatory)",
    references=_refs("DORA Art. 28(8); NIST CSF GV.SC-10; CIR 2024/2690 5.1.2(d) (limit lock-in)"),
    remediation=(
        "Write an exit and substitution plan for the vendor and test it within the policy period."
    ),
    ask="operator",
)

TR_01 = Control(
    id="KG-TR-01",
    title="SBOM unavailable or poor",
    evidence="`SBOM.exists AND format in {spdx, cyclonedx}` ⇢ none",
    severity_guidance="Medium (High where CRA/EO 14028 applies)",
    references=_refs(
        "EO 14028 §4(e)(vii); SSDF PS.3.2; CRA Annex I Part II(1); GB/T 43698 (SBOM fields)"
    ),
    remediation=(
        "Obtain a machine-readable SBOM (SPDX or CycloneDX) per release, signed, with "
        "purls and dependency relationships."
    ),
)

TR_02 = Control(
    id="KG-TR-02",
    title="No SDP attestation",
    evidence="`sdp_attested = true` ⇢ false",
    severity_guidance="Medium; High for kernel channels",
    references=_refs(
        "Windows Endpoint Security Ecosystem Summit (share SDPs); MVI requirements "
        "(WRI); SP 800-53 SA-4, SA-9, SR-6"
    ),
    remediation=(
        "Require the vendor to disclose and attest its SDP per channel (stages, bake "
        "time, gates, customer controls)."
    ),
)

TR_03 = Control(
    id="KG-TR-03",
    title="No incident notification or published RCA",
    evidence="`notification_clause AND rca_published_for_last_incident` ⇢ absent",
    severity_guidance="Medium",
    references=_refs("SP 800-53 SR-8, SI-02(07) (5.2.0); SSDF RV.3; UK CTP incident reporting"),
    remediation=(
        "Add an incident-notification clause and require a published root-cause analysis "
        "of update failures."
    ),
)


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

CONTROLS: tuple[Control, ...] = (
    PATTERN_0719,
    SR_01,
    SR_02,
    SR_03,
    SR_04,
    SR_05,
    SR_06,
    SR_07,
    CC_01,
    CC_02,
    CC_03,
    VT_01,
    VT_02,
    VT_03,
    VT_04,
    VT_05,
    KM_01,
    KM_02,
    RR_01,
    RR_02,
    RR_03,
    RR_04,
    SD_01,
    SD_02,
    SD_03,
    SD_04,
    TR_01,
    TR_02,
    TR_03,
)
_BY_ID = {c.id: c for c in CONTROLS}


def control(control_id: str) -> Control:
    """The catalogue entry for ``KG-...``; raises ``KeyError`` for an unknown id."""
    return _BY_ID[control_id]
