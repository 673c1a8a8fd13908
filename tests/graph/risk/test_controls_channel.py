"""Channel rules: present -> no finding, absent -> severity per guidance, undeclared -> unknown."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from graph.risk.controls.base import Finding, FindingStatus
from graph.risk.controls.engine import evaluate_controls
from graph.vocabulary import (
    ChannelKind,
    CustomerDeferral,
    EdgeKind,
    HealthGate,
    Privilege,
    Rollback,
    Severity,
)
from tests.graph.risk.builders import GOOD_CONTENT, Estate

AS_OF = date(2024, 7, 19)
KERNEL = {"privilege": Privilege.BOOT_START_DRIVER}
USER = {"privilege": Privilege.USER}


def channel_estate(
    attrs: dict[str, Any],
    *,
    cii: bool = True,
    critical: bool = True,
    hosts: int = 10,
    code_sibling: dict[str, Any] | None = None,
) -> Estate:
    """One operator whose host group runs a product updated via ``channel:c``."""
    e = Estate()
    op = e.operator("op", cii=cii)
    fn = e.function(op, "fn", critical=critical)
    vendor = e.vendor("v")
    engine = e.component("engine")
    product = e.product("p", vendor, contains=(engine,))
    e.channel("c", updates=(engine,), **attrs)
    if code_sibling is not None:
        e.channel("code", updates=(product,), **code_sibling)
    e.host_group(op, "g", hosts, runs=(product,), supports=(fn,))
    return e


def findings_for(control: str, estate: Estate, channel: str = "channel:c") -> list[Finding]:
    return [
        f
        for f in evaluate_controls(estate.view(), as_of=AS_OF)
        if f.control == control and f.subject == channel
    ]


def the_finding(control: str, estate: Estate) -> Finding:
    (finding,) = findings_for(control, estate)
    return finding


# (control, attributes that make it absent, severity on a boot-start channel, on user mode)
ABSENT: list[tuple[str, dict[str, Any], Severity, Severity]] = [
    ("KG-SR-01", {"rollout_stages": 1}, Severity.CRITICAL, Severity.HIGH),
    ("KG-SR-01", {"rollout_stages": 2}, Severity.HIGH, Severity.MEDIUM),
    ("KG-SR-02", {"internal_ring": False}, Severity.HIGH, Severity.HIGH),
    ("KG-SR-02", {"canary_share": 0.2}, Severity.HIGH, Severity.HIGH),
    ("KG-SR-02", {"rollout_stages": 1, "canary_share": None}, Severity.CRITICAL, Severity.HIGH),
    ("KG-SR-03", {"health_gate": HealthGate.MANUAL}, Severity.CRITICAL, Severity.HIGH),
    ("KG-SR-03", {"auto_halt": False}, Severity.CRITICAL, Severity.HIGH),
    ("KG-SR-04", {"bake_time_hours": 0}, Severity.HIGH, Severity.HIGH),
    ("KG-SR-04", {"rollout_stages": 1, "bake_time_hours": None}, Severity.HIGH, Severity.HIGH),
    ("KG-SR-05", {"rollback": Rollback.NONE}, Severity.HIGH, Severity.HIGH),
    ("KG-SR-05", {"rollback_tested": False}, Severity.HIGH, Severity.HIGH),
    ("KG-SR-07", {"emergency_path_documented": False}, Severity.MEDIUM, Severity.MEDIUM),
    (
        "KG-SR-07",
        {"emergency_path_documented": False, "cadence_per_day": 12},
        Severity.HIGH,
        Severity.MEDIUM,
    ),
    ("KG-CC-01", {"customer_deferral": CustomerDeferral.NONE}, Severity.CRITICAL, Severity.HIGH),
    (
        "KG-CC-01",
        {"customer_deferral": CustomerDeferral.SENSOR_ONLY},
        Severity.CRITICAL,
        Severity.HIGH,
    ),
    ("KG-CC-01", {"customer_pin_versions": 0}, Severity.CRITICAL, Severity.HIGH),
    ("KG-CC-03", {"release_notes": False}, Severity.MEDIUM, Severity.MEDIUM),
    ("KG-VT-01", {"schema_validated": False}, Severity.CRITICAL, Severity.MEDIUM),
    ("KG-VT-02", {"runtime_bounds_checked": False}, Severity.CRITICAL, Severity.MEDIUM),
    ("KG-VT-03", {"fuzzed": False}, Severity.HIGH, Severity.HIGH),
    ("KG-VT-03", {"coverage_all_fields": False}, Severity.HIGH, Severity.HIGH),
    ("KG-VT-04", {"e2e_tested_in_interpreter": False}, Severity.HIGH, Severity.HIGH),
    (
        "KG-VT-04",
        {"e2e_tested_in_interpreter": False, "rollout_stages": 1},
        Severity.CRITICAL,
        Severity.CRITICAL,
    ),
    ("KG-VT-05", {"signature_verified_on_host": False}, Severity.HIGH, Severity.HIGH),
    ("KG-TR-02", {"sdp_attested": False}, Severity.HIGH, Severity.MEDIUM),
]


@pytest.mark.parametrize(("control", "absent", "kernel_severity", "user_severity"), ABSENT)
def test_absent_control_is_a_missing_finding_graded_by_privilege(
    control: str, absent: dict[str, Any], kernel_severity: Severity, user_severity: Severity
) -> None:
    for privilege, expected in ((KERNEL, kernel_severity), (USER, user_severity)):
        finding = the_finding(control, channel_estate({**GOOD_CONTENT, **absent, **privilege}))
        assert finding.status is FindingStatus.MISSING
        assert finding.severity is expected, privilege
        assert finding.id == f"{control}:channel:c"
        assert finding.vendor == "vendor:v" and finding.channel == "channel:c"


@pytest.mark.parametrize("control", sorted({c for c, *_ in ABSENT}))
def test_present_control_gives_no_finding(control: str) -> None:
    assert findings_for(control, channel_estate(GOOD_CONTENT)) == []


# (control, the attribute left undeclared)
UNDECLARED = [
    ("KG-SR-01", "rollout_stages"),
    ("KG-SR-02", "internal_ring"),
    ("KG-SR-03", "health_gate"),
    ("KG-SR-04", "bake_time_hours"),
    ("KG-SR-05", "rollback"),
    ("KG-SR-07", "emergency_path_documented"),
    ("KG-CC-01", "customer_deferral"),
    ("KG-CC-03", "release_notes"),
    ("KG-VT-01", "schema_validated"),
    ("KG-VT-02", "runtime_bounds_checked"),
    ("KG-VT-03", "fuzzed"),
    ("KG-VT-04", "e2e_tested_in_interpreter"),
    ("KG-VT-05", "signed"),
    ("KG-TR-02", "sdp_attested"),
]


@pytest.mark.parametrize(("control", "attribute"), UNDECLARED)
def test_undeclared_attribute_is_unknown_not_a_pass(control: str, attribute: str) -> None:
    attrs = {**GOOD_CONTENT, attribute: None}
    finding = the_finding(control, channel_estate(attrs))
    assert finding.status is FindingStatus.UNKNOWN
    assert finding.title.startswith("Unknown — ask the vendor")
    assert attribute in finding.remediation
    assert any(e.attribute == attribute and e.value is None for e in finding.evidence)
    missing = the_finding(control, channel_estate({**attrs, **_ABSENT_FOR[control]}))
    assert finding.severity.rank == missing.severity.rank + 1  # one step below missing


_ABSENT_FOR: dict[str, dict[str, Any]] = {c: absent for c, absent, *_ in reversed(ABSENT)}


def test_placeholder_channel_is_unknown_throughout() -> None:
    e = Estate()
    product = e.product("p", e.vendor("v"))
    e.link(product, EdgeKind.UPDATED_VIA, "channel:ghost")
    found = [f for f in evaluate_controls(e.view(), as_of=AS_OF) if f.subject == "channel:ghost"]
    assert found and all(f.status is FindingStatus.UNKNOWN for f in found)


def test_reach_grades_severity() -> None:
    absent = {**GOOD_CONTENT, **KERNEL, "rollout_stages": 1}
    assert the_finding("KG-SR-01", channel_estate(absent)).severity is Severity.CRITICAL
    # not a CII operator: Critical needs a CII critical function
    assert the_finding("KG-SR-01", channel_estate(absent, cii=False)).severity is Severity.HIGH
    # no critical function behind the channel: one step down
    assert the_finding("KG-SR-01", channel_estate(absent, critical=False)).severity is Severity.HIGH
    # wide reach: one step up
    wide = channel_estate({**GOOD_CONTENT, "fuzzed": False}, hosts=10_000)
    assert the_finding("KG-VT-03", wide).severity is Severity.CRITICAL
    assert the_finding("KG-VT-03", wide).reach.hosts == 10_000


def test_irreversible_rollback_raises_one_step() -> None:
    finding = the_finding(
        "KG-SR-05", channel_estate({**GOOD_CONTENT, "rollback": Rollback.IMPOSSIBLE})
    )
    assert finding.severity is Severity.CRITICAL


def test_channel_not_deployed_anywhere_is_graded_down() -> None:
    e = Estate()
    e.channel("c", **{**GOOD_CONTENT, **KERNEL, "rollout_stages": 1})
    (finding,) = [f for f in evaluate_controls(e.view(), as_of=AS_OF) if f.control == "KG-SR-01"]
    assert finding.severity is Severity.HIGH and finding.reach.hosts == 0


def test_sensor_only_deferral_counts_for_code_channels_only() -> None:
    code = {**GOOD_CONTENT, "channel_kind": ChannelKind.CODE, "customer_deferral": "sensor-only"}
    assert findings_for("KG-CC-01", channel_estate(code)) == []


def test_content_rules_do_not_apply_to_code_channels() -> None:
    code = {**GOOD_CONTENT, **KERNEL, "channel_kind": ChannelKind.DRIVER}
    code |= {"schema_validated": False, "runtime_bounds_checked": False, "fuzzed": False}
    view = channel_estate(code)
    for control in ("KG-VT-01", "KG-VT-02", "KG-VT-03", "KG-VT-04", "KG-KM-01", "KG-SR-06"):
        assert findings_for(control, view) == [], control


def test_content_rule_on_a_channel_of_unknown_kind_is_unknown() -> None:
    finding = the_finding(
        "KG-VT-02",
        channel_estate({**GOOD_CONTENT, "channel_kind": None, "runtime_bounds_checked": False}),
    )
    assert finding.status is FindingStatus.UNKNOWN


def test_sr06_content_must_match_the_gates_of_its_code_channel() -> None:
    staged_code = {**GOOD_CONTENT, "channel_kind": ChannelKind.CODE}
    weak = {**GOOD_CONTENT, **KERNEL, "rollout_stages": 1}
    finding = the_finding("KG-SR-06", channel_estate(weak, code_sibling=staged_code))
    assert finding.severity is Severity.CRITICAL
    assert "staged rollout (code channel code has it)" in finding.title
    assert any(e.subject == "channel:code" for e in finding.evidence)
    user_mode = the_finding("KG-SR-06", channel_estate({**weak, **USER}, code_sibling=staged_code))
    assert user_mode.severity is Severity.MEDIUM
    # the code channel is no better staged: SR-06 holds (SR-01 flags both channels)
    same = channel_estate(weak, code_sibling={**staged_code, "rollout_stages": 1})
    assert findings_for("KG-SR-06", same) == []
    # no code channel to compare with: held to staged rollout and health gate
    alone = the_finding("KG-SR-06", channel_estate(weak))
    assert alone.status is FindingStatus.MISSING and "staged rollout" in alone.title
    assert findings_for("KG-SR-06", channel_estate(GOOD_CONTENT, code_sibling=staged_code)) == []


def test_km01_kernel_interpreted_content() -> None:
    finding = the_finding(
        "KG-KM-01", channel_estate({**GOOD_CONTENT, "privilege": Privilege.KERNEL})
    )
    assert (finding.status, finding.severity) == (FindingStatus.MISSING, Severity.HIGH)
    assert findings_for("KG-KM-01", channel_estate(GOOD_CONTENT)) == []


def test_privilege_is_inherited_from_what_the_channel_updates() -> None:
    e = Estate()
    op = e.operator("op")
    fn = e.function(op, "fn")
    driver = e.component("drv.sys", privilege=Privilege.BOOT_START_DRIVER)
    product = e.product("p", e.vendor("v"), contains=(driver,))
    e.channel("c", updates=(driver,), **{**GOOD_CONTENT, "privilege": None, "rollout_stages": 1})
    e.host_group(op, "g", 10, runs=(product,), supports=(fn,))
    (finding,) = [f for f in evaluate_controls(e.view(), as_of=AS_OF) if f.control == "KG-SR-01"]
    assert finding.severity is Severity.CRITICAL
    (privilege,) = [ev for ev in finding.evidence if ev.attribute == "privilege"]
    assert (privilege.subject, privilege.value) == (driver, "boot-start-driver")


def test_evidence_names_the_asserting_document() -> None:
    estate = channel_estate({**GOOD_CONTENT, "rollout_stages": 1})
    finding = the_finding("KG-SR-01", estate)
    (stages,) = [ev for ev in finding.evidence if ev.attribute == "rollout_stages"]
    assert stages.value == 1
    assert [p.document_id for p in stages.provenance] == [estate.document.document_id]
    assert stages.provenance[0].location == "channel:c"
