"""KG-TR-*: transparency from the vendor (controls.md §2, TR-01 to TR-03)."""

from __future__ import annotations

from graph.risk.controls.base import Control
from graph.risk.controls.catalogue.sources import refs as _refs

__all__ = ["TR_01", "TR_02", "TR_03"]


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
