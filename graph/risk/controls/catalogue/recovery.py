"""KG-RR-*: the operator"s recovery of hosts that no longer boot (controls.md §2)."""

from __future__ import annotations

from graph.risk.controls.base import Control
from graph.risk.controls.catalogue.sources import refs as _refs

__all__ = ["RR_01", "RR_02", "RR_03", "RR_04"]


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
