"""The July-2024 composite on channels shaped like docs/dev/demo-cast.md."""

from __future__ import annotations

from datetime import date

import pytest

from graph.risk.controls.base import Finding, FindingStatus
from graph.risk.controls.catalogue import PATTERN_0719
from graph.risk.controls.engine import evaluate_controls
from graph.vocabulary import (
    BootStart,
    ChannelKind,
    CustomerDeferral,
    HealthGate,
    Privilege,
    Severity,
)
from tests.graph.risk.builders import AEGIS_RAPID_CONTENT, BASTION_CONTENT, Estate

AS_OF = date(2024, 7, 19)
RAPID = "channel:aegis-rapid-content"
BASTION = "channel:bastion-content"
SENSOR_RELEASE = {
    "channel_kind": ChannelKind.DRIVER,
    "privilege": Privilege.BOOT_START_DRIVER,
    "rollout_stages": 3,
    "internal_ring": True,
    "canary_share": 0.01,
    "bake_time_hours": 24,
    "health_gate": HealthGate.AUTOMATIC,
    "auto_halt": True,
    "customer_deferral": CustomerDeferral.CHANNEL,
    "customer_pin_versions": 2,
    "release_notes": True,
    "signed": True,
    "signature_verified_on_host": True,
}


def demo_estate(rapid: dict[str, object] | None = None) -> Estate:
    e = Estate("demo")
    aegis, bastion, fenestra = e.vendor("aegis"), e.vendor("bastion"), e.vendor("fenestra")
    windows = e.platform("fenestra-windows-11", fenestra)
    driver = e.component(
        "aegisdrv.sys",
        privilege=Privilege.BOOT_START_DRIVER,
        boot_start=BootStart.BOOT,
        crash_loop_guard=False,
    )
    agent = e.component("aegis-agent", privilege=Privilege.SYSTEM_SERVICE)
    sensor = e.product("aegis-sensor-windows", aegis, contains=(driver, agent))
    e.channel("aegis-rapid-content", updates=(driver,), **(rapid or AEGIS_RAPID_CONTENT))
    e.channel("aegis-sensor-release", updates=(sensor,), **SENSOR_RELEASE)
    minifilter = e.component("bastion.sys", privilege=Privilege.KERNEL, boot_start=BootStart.SYSTEM)
    scanner = e.component("bastion-scanner", privilege=Privilege.USER)
    edr = e.product("bastion-edr", bastion, contains=(minifilter, scanner))
    e.channel("bastion-content", updates=(scanner,), **BASTION_CONTENT)
    e.channel(
        "bastion-driver-release", updates=(minifilter,), **{**SENSOR_RELEASE, "bake_time_hours": 72}
    )
    northwind = e.operator("northwind", jurisdictions=("DE",))
    checkin = e.function(northwind, "check-in")
    e.host_group(
        northwind,
        "kiosks",
        300,
        platform=windows,
        runs=(sensor,),
        supports=(checkin,),
        automated_recovery=False,
    )
    skyport = e.operator("skyport", jurisdictions=("NL",))
    fids = e.function(skyport, "fids")
    e.host_group(skyport, "fids", 100, platform=windows, runs=(edr,), supports=(fids,))
    return e


@pytest.fixture(scope="module")
def plan() -> tuple[Finding, ...]:
    return evaluate_controls(demo_estate().view(), as_of=AS_OF)


def test_aegis_rapid_content_is_the_july_2024_pattern(plan: tuple[Finding, ...]) -> None:
    (finding,) = [f for f in plan if f.control == PATTERN_0719.id]
    assert finding.id == "KG-PATTERN-0719:channel:aegis-rapid-content"
    assert (finding.severity, finding.status) == (Severity.CRITICAL, FindingStatus.MISSING)
    assert finding.related_controls == ("KG-SR-01", "KG-SR-06", "KG-CC-01", "KG-VT-02")
    assert finding.references == PATTERN_0719.references
    assert {e.attribute: e.value for e in finding.evidence} == {
        "privilege": "boot-start-driver",
        "channel_kind": "content",
        "rollout_stages": 1,
        "customer_deferral": "none",
        "runtime_bounds_checked": False,
    }
    assert finding.reach.hosts == 300 and finding.operator is None
    assert finding.vendor == "vendor:aegis"
    assert plan[0] == finding  # the composite heads the plan until risk removed is known


def test_its_evidence_pack_is_critical_too(plan: tuple[Finding, ...]) -> None:
    on_rapid = {f.control: f for f in plan if f.subject == RAPID}
    for control in ("KG-SR-01", "KG-SR-06", "KG-CC-01", "KG-VT-02", "KG-SR-03"):
        assert on_rapid[control].severity is Severity.CRITICAL, control
    assert "code channel aegis-sensor-release has it" in on_rapid["KG-SR-06"].title
    assert "KG-VT-01" not in on_rapid  # schema_validated: true


def test_bastion_content_passes_the_pattern_controls(plan: tuple[Finding, ...]) -> None:
    on_bastion = {f.control for f in plan if f.subject == BASTION}
    assert not on_bastion & {"KG-SR-01", "KG-SR-03", "KG-CC-01", "KG-VT-02", PATTERN_0719.id}
    assert "KG-KM-01" not in on_bastion  # content interpreted in user mode


def test_crash_loop_guard_missing_on_the_boot_start_driver(plan: tuple[Finding, ...]) -> None:
    (finding,) = [f for f in plan if f.control == "KG-KM-02"]
    assert finding.subject == "component:pkg:generic/aegisdrv.sys@1.0"
    assert (finding.severity, finding.status) == (Severity.CRITICAL, FindingStatus.MISSING)


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"runtime_bounds_checked": None}, FindingStatus.UNKNOWN),
        ({"channel_kind": None}, FindingStatus.UNKNOWN),
        ({"privilege": None}, FindingStatus.MISSING),  # inherited from aegisdrv.sys
        ({"rollout_stages": 3}, None),
        ({"customer_deferral": CustomerDeferral.CHANNEL}, None),
        ({"runtime_bounds_checked": True}, None),
        ({"privilege": Privilege.USER}, None),
        ({"channel_kind": ChannelKind.CODE}, None),
    ],
)
def test_any_condition_declared_false_clears_the_pattern(
    change: dict[str, object], status: FindingStatus | None
) -> None:
    plan = evaluate_controls(demo_estate({**AEGIS_RAPID_CONTENT, **change}).view(), as_of=AS_OF)
    found = [f for f in plan if f.control == PATTERN_0719.id]
    assert [f.status for f in found] == ([status] if status else [])
    if status is FindingStatus.MISSING:
        assert found[0].severity is Severity.CRITICAL
    if status is FindingStatus.UNKNOWN:
        assert found[0].severity is Severity.HIGH
