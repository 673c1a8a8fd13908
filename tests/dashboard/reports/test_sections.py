"""Framework filing, policy parameter labels and evidence in the report's findings."""

from __future__ import annotations

import pytest

from dashboard.reports import Report
from dashboard.reports.frameworks import OTHER, framework_of
from dashboard.reports.sections_controls import policy_parameters
from graph.risk.controls.catalogue import CONTROLS
from graph.risk.policy import Policy


@pytest.mark.parametrize(
    ("reference", "framework"),
    [
        ("SP 800-53 CM-3, CM-4", "NIST SP 800-53"),
        ("SSDF PW.7/PW.8", "NIST SSDF (SP 800-218)"),
        ("CISA SSD phases 3-5", "CISA Safe Software Deployment"),
        ("DORA Art. 28(8) (tested plans)", "DORA (EU) 2022/2554 Art. 28-31"),
        ("CIR 2024/2690 6.6.1(b)", "NIS2 Art. 21 / CIR (EU) 2024/2690"),
        ("GB/T 43698 (SBOM fields)", "GB/T (China national standards)"),
        ("CrowdStrike RCA Finding 2", OTHER),
    ],
)
def test_references_are_filed_by_framework(reference: str, framework: str) -> None:
    assert framework_of(reference) == framework


def test_every_catalogue_reference_is_kept_verbatim(report_all: Report) -> None:
    by_id = {c.id: c for c in CONTROLS}
    for row in report_all.controls.catalogue:
        assert tuple(r.reference for r in row.references) == by_id[row.id].references


def test_only_sourced_numbers_are_labelled_regulatory() -> None:
    params = {p.name: p for p in policy_parameters(Policy())}
    assert params["concentration.bands_2023"].basis == "regulatory"
    assert params["recovery.minutes_per_host"].basis == "project policy"
    assert params["concentration.systemic_breadth_share"].basis == "project policy"
    assert params["online.day.endpoint"].value == 0.9
    assert "version" not in params


def test_findings_carry_evidence_sources_and_remediation_order(report_all: Report) -> None:
    findings = report_all.controls.findings
    assert [f.order for f in findings] == list(range(1, len(findings) + 1))
    inputs = {d.id for d in report_all.inputs}
    sources = {s.document_id for f in findings for e in f.evidence for s in e.sources}
    assert sources and sources <= inputs
    removed = [f.risk_removed.hosts_down_avoided for f in findings if f.risk_removed]
    assert removed == sorted(removed, reverse=True)
    pattern = next(f for f in findings if f.control == "KG-PATTERN-0719")
    assert pattern.severity == "critical"
    assert {r.framework for r in pattern.references} >= {"CISA Safe Software Deployment"}


def test_blast_section_has_recovery_estimates(report_all: Report) -> None:
    top = report_all.blast.top
    assert top[0].key == report_all.blast.ranking[0].key
    assert top[0].recovery_hours > 0 and top[0].recovery_curve[-1].share_back == 1.0
    assert {i.group for i in top[0].impacts} == {"sector", "jurisdiction", "operator"}
