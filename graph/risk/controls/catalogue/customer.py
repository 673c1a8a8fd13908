"""KG-CC-*: customer control of update timing (controls.md §2, CC-01 to CC-03)."""

from __future__ import annotations

from graph.risk.controls.base import Control
from graph.risk.controls.catalogue.sources import refs as _refs

__all__ = ["CC_01", "CC_02", "CC_03"]


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
