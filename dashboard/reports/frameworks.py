"""Which framework each control reference belongs to.

References are the catalogue's strings, copied verbatim from shared/domain/controls.md;
this module only files them under a framework, by prefix, so a report can list findings
per framework. Nothing is added that controls.md does not say: a reference no prefix
matches is filed under "Incident and industry sources".

Examples
--------
>>> framework_of("SP 800-53 CM-3, CM-4")
'NIST SP 800-53'
>>> framework_of("CIR 2024/2690 6.4")
'NIS2 Art. 21 / CIR (EU) 2024/2690'
>>> framework_of("CrowdStrike RCA Finding 6")
'Incident and industry sources'
"""

from __future__ import annotations

from collections.abc import Iterable

from dashboard.reports.model import FrameworkRef

__all__ = ["FRAMEWORKS", "OTHER", "framework_of", "framework_refs"]

OTHER = "Incident and industry sources"

# (prefix, framework); the first matching prefix wins, so longer prefixes come first
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("SP 800-161", "NIST SP 800-161"),
    ("SP 800-53", "NIST SP 800-53"),
    ("NIST SI-", "NIST SP 800-53"),
    ("NIST SR-", "NIST SP 800-53"),
    ("NIST CSF", "NIST CSF 2.0"),
    ("SSDF", "NIST SSDF (SP 800-218)"),
    ("CISA SSD", "CISA Safe Software Deployment"),
    ("DORA", "DORA (EU) 2022/2554 Art. 28-31"),
    ("ITS 2024/2956", "DORA (EU) 2022/2554 Art. 28-31"),
    ("CDR 2024/1502", "DORA (EU) 2022/2554 Art. 28-31"),
    ("ESAs CTPP", "DORA (EU) 2022/2554 Art. 28-31"),
    ("CIR 2024/2690", "NIS2 Art. 21 / CIR (EU) 2024/2690"),
    ("NIS2", "NIS2 Art. 21 / CIR (EU) 2024/2690"),
    ("CRA", "EU Cyber Resilience Act"),
    ("GB/T", "GB/T (China national standards)"),
    ("EO 14028", "US EO 14028"),
    ("UK CTP", "UK critical third parties"),
    ("DOJ/FTC", "US Merger Guidelines (HHI bands)"),
)

FRAMEWORKS: tuple[str, ...] = (*dict.fromkeys(name for _, name in _PREFIXES), OTHER)
"""Every framework name, in the order reports list them."""


def framework_of(reference: str) -> str:
    """The framework a controls.md reference string belongs to."""
    text = reference.strip()
    for prefix, name in _PREFIXES:
        if text.startswith(prefix):
            return name
    return OTHER


def framework_refs(references: Iterable[str]) -> tuple[FrameworkRef, ...]:
    """References filed by framework, in catalogue order."""
    return tuple(FrameworkRef(framework=framework_of(r), reference=r) for r in references)
