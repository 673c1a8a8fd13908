"""KG-VT-*: validation and testing of what is pushed (controls.md §2, VT-01 to VT-05)."""

from __future__ import annotations

from graph.risk.controls.base import Control
from graph.risk.controls.catalogue.sources import refs as _refs

__all__ = ["VT_01", "VT_02", "VT_03", "VT_04", "VT_05"]


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
