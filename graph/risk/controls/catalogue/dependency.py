"""KG-SD-*: supplier dependency (controls.md §2, SD-01 to SD-04)."""

from __future__ import annotations

from graph.risk.controls.base import Control
from graph.risk.controls.catalogue.sources import refs as _refs

__all__ = ["SD_01", "SD_02", "SD_03", "SD_04"]


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
