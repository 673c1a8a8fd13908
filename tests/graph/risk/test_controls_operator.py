"""Operator, contract and product rules: RR-*, CC-02, KM-02, SD-*, TR-01, TR-03."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from graph.risk.concentration import ConcentrationPolicy
from graph.risk.controls.base import Finding, FindingStatus
from graph.risk.controls.engine import evaluate_controls
from graph.vocabulary import BootStart, CustomerDeferral, EdgeKind, Environment, Privilege, Severity
from tests.graph.risk.builders import GOOD_CONTENT, Estate, ring

AS_OF = date(2024, 7, 19)


def run(estate: Estate, control: str, **kwargs: Any) -> list[Finding]:
    return [
        f for f in evaluate_controls(estate.view(), as_of=AS_OF, **kwargs) if f.control == control
    ]


def group_estate(
    *, cii: bool = True, environment: Environment = Environment.ON_PREMISES, **attrs: Any
) -> Estate:
    e = Estate()
    op = e.operator("op", cii=cii)
    fn = e.function(op, "fn")
    windows = e.platform("windows", e.vendor("fenestra"))
    e.host_group(op, "g", 50, platform=windows, supports=(fn,), environment=environment, **attrs)
    return e


GOOD_RECOVERY: dict[str, Any] = {
    "disk_encryption": "bitlocker",
    "keys_escrowed_share": 0.995,
    "key_escrow_platform": "platform:escrow-linux",
    "oob_console": True,
    "recovery_playbook_tested": "2024-03-01",
    "local_admin_breakglass": True,
}


def recovery_estate(**changes: Any) -> Estate:
    e = group_estate(**{**GOOD_RECOVERY, **changes})
    e.platform("escrow-linux", e.vendor("penguin"), family="linux")
    return e


@pytest.mark.parametrize(
    ("control", "change", "status", "severity"),
    [
        ("KG-RR-01", {"keys_escrowed_share": 0.6}, FindingStatus.MISSING, Severity.CRITICAL),
        (
            "KG-RR-01",
            {"key_escrow_platform": "platform:windows"},
            FindingStatus.MISSING,
            Severity.CRITICAL,
        ),
        ("KG-RR-01", {"keys_escrowed_share": None}, FindingStatus.UNKNOWN, Severity.HIGH),
        ("KG-RR-01", {"disk_encryption": None}, FindingStatus.UNKNOWN, Severity.HIGH),
        ("KG-RR-01", {"disk_encryption": "none", "keys_escrowed_share": None}, None, None),
        ("KG-RR-02", {"oob_console": False}, FindingStatus.MISSING, Severity.HIGH),
        ("KG-RR-02", {"oob_console": None}, FindingStatus.UNKNOWN, Severity.MEDIUM),
        ("KG-RR-02", {"oob_console": False, "automated_recovery": True}, None, None),
        (
            "KG-RR-02",
            {"oob_console": False, "environment": Environment.CLOUD_VM},
            FindingStatus.UNKNOWN,
            Severity.MEDIUM,
        ),
        (
            "KG-RR-02",
            {
                "oob_console": False,
                "environment": Environment.CLOUD_VM,
                "cloud_rescue_runbook": True,
            },
            None,
            None,
        ),
        ("KG-RR-02", {"oob_console": False, "environment": Environment.ENDPOINT}, None, None),
        (
            "KG-RR-03",
            {"recovery_playbook_tested": "2022-01-10"},
            FindingStatus.MISSING,
            Severity.HIGH,
        ),
        ("KG-RR-03", {"recovery_playbook_tested": None}, FindingStatus.UNKNOWN, Severity.MEDIUM),
        ("KG-RR-04", {"local_admin_breakglass": False}, FindingStatus.MISSING, Severity.MEDIUM),
        ("KG-RR-04", {"local_admin_breakglass": False, "keys_escrowed_share": 1.0}, None, None),
    ],
)
def test_recovery_rules(
    control: str, change: dict[str, Any], status: FindingStatus | None, severity: Severity | None
) -> None:
    assert run(recovery_estate(), control) == []  # every control in place
    found = run(recovery_estate(**change), control)
    assert [(f.status, f.severity) for f in found] == ([(status, severity)] if status else [])
    if found:
        assert found[0].operator == "operator:op" and found[0].subject == "hostgroup:op/g"
        assert found[0].title.startswith("Unknown — ask the operator") is (
            status is FindingStatus.UNKNOWN
        )


def test_rr01_escrow_on_hosts_sharing_a_host_fatal_channel_is_not_independent() -> None:
    e = Estate()
    op = e.operator("op")
    fn = e.function(op, "fn")
    windows = e.platform("windows", e.vendor("fenestra"))
    server = e.platform("server", e.vendor("fenestra"))
    driver = e.component("drv.sys")
    sensor = e.product("sensor", e.vendor("aegis"), contains=(driver,))
    e.channel("content", updates=(driver,), privilege=Privilege.BOOT_START_DRIVER)
    e.host_group(
        op,
        "ehr",
        400,
        platform=windows,
        runs=(sensor,),
        supports=(fn,),
        **{**GOOD_RECOVERY, "key_escrow_platform": server},
    )
    e.host_group(op, "escrow", 2, platform=server, runs=(sensor,))
    (finding,) = [f for f in run(e, "KG-RR-01") if f.subject == "hostgroup:op/ehr"]
    assert finding.status is FindingStatus.MISSING


def test_non_cii_operator_gets_lower_recovery_severity() -> None:
    (finding,) = run(recovery_estate(keys_escrowed_share=0.6, cii=False), "KG-RR-01")
    assert finding.severity is Severity.HIGH


def _crash_loop_estate(guard: bool | None, recovery: bool | None) -> Estate:
    e = Estate()
    op = e.operator("op")
    driver = e.component(
        "drv.sys", privilege=Privilege.KERNEL, boot_start=BootStart.BOOT, crash_loop_guard=guard
    )
    sensor = e.product("sensor", e.vendor("aegis"), contains=(driver,))
    e.host_group(
        op, "g", 10, runs=(sensor,), supports=(e.function(op, "fn"),), automated_recovery=recovery
    )
    return e


@pytest.mark.parametrize(
    ("guard", "recovery", "status"),
    [
        (True, None, None),
        (False, True, None),
        (False, False, FindingStatus.MISSING),
        (None, False, FindingStatus.UNKNOWN),
        (False, None, FindingStatus.UNKNOWN),
    ],
)
def test_km02_crash_loop_protection(
    guard: bool | None, recovery: bool | None, status: FindingStatus | None
) -> None:
    found = run(_crash_loop_estate(guard, recovery), "KG-KM-02")
    assert [f.status for f in found] == ([status] if status else [])


def _rings_estate(rings: dict[str, int | None], critical: set[str]) -> Estate:
    e = Estate()
    op = e.operator("op")
    fn = e.function(op, "fn")
    product = e.product("sensor", e.vendor("aegis"))
    e.channel("c", updates=(product,))
    for name, number in rings.items():
        e.host_group(
            op,
            name,
            10,
            runs=(product,),
            supports=(fn,) if name in critical else (),
            rings=(ring(product, number),),
        )
    return e


@pytest.mark.parametrize(
    ("rings", "critical", "status"),
    [
        ({"test": 0, "prod": 1}, {"prod"}, None),
        ({"test": 0, "prod": 0}, {"prod"}, FindingStatus.MISSING),
        ({"test": 1, "prod": 0}, {"prod"}, FindingStatus.MISSING),  # critical not last
        ({"test": 0, "prod": None}, {"prod"}, FindingStatus.UNKNOWN),
    ],
)
def test_cc02_operator_rings(
    rings: dict[str, int | None], critical: set[str], status: FindingStatus | None
) -> None:
    found = run(_rings_estate(rings, critical), "KG-CC-02")
    assert [f.status for f in found] == ([status] if status else [])
    if found:
        assert found[0].id == "KG-CC-02:operator:op@product:sensor"
        assert found[0].vendor == "vendor:aegis"


def _dependency_estate(*, cii: bool = True, stages: int = 1) -> Estate:
    e = Estate()
    op = e.operator("op", cii=cii)
    fn = e.function(op, "checkin")
    aegis = e.product("aegis-sensor", e.vendor("aegis"))
    e.channel(
        "rapid",
        updates=(aegis,),
        rollout_stages=stages,
        customer_deferral=CustomerDeferral.CHANNEL,
        customer_pin_versions=1,
    )
    e.host_group(op, "kiosks", 90, runs=(aegis,), supports=(fn,))
    e.host_group(op, "spare", 10, runs=(e.product("other-edr", e.vendor("other")),), supports=(fn,))
    return e


@pytest.mark.parametrize(
    ("cii", "stages", "severity"),
    [
        (True, 1, Severity.CRITICAL),
        (True, 3, Severity.HIGH),
        (False, 1, Severity.HIGH),
        (False, 3, Severity.MEDIUM),
    ],
)
def test_sd01_single_vendor_dependency(cii: bool, stages: int, severity: Severity) -> None:
    (finding,) = run(_dependency_estate(cii=cii, stages=stages), "KG-SD-01")
    assert finding.id == "KG-SD-01:function:op/checkin@edr/vendor:aegis"
    assert finding.severity is severity
    assert finding.operator == "operator:op" and finding.vendor == "vendor:aegis"
    assert finding.evidence[0].value == 90
    assert (finding.channel == "channel:rapid") is (stages == 1)


def test_sd01_threshold_is_policy() -> None:
    policy = ConcentrationPolicy(single_vendor_flag_share=95)
    assert run(_dependency_estate(), "KG-SD-01", concentration_policy=policy) == []


def test_sd02_systemic_vendor_and_unknown_size() -> None:
    e = Estate()
    windows = e.platform("windows", e.vendor("fenestra"))
    driver = e.component("drv.sys")
    aegis = e.product("aegis-sensor", e.vendor("aegis"), contains=(driver,))
    e.channel("rapid", updates=(driver,), privilege=Privilege.BOOT_START_DRIVER)
    for i, size in enumerate((60.0, 40.0)):
        op = e.operator(f"o{i}", size=size)
        e.host_group(op, "g", 10, platform=windows, runs=(aegis,), supports=(e.function(op, "fn"),))
    found = {f.subject: f for f in run(e, "KG-SD-02")}
    assert found["vendor:aegis"].id == "KG-SD-02:vendor:aegis@sector:aviation"
    # whole sector on one EDR (HHI 10,000) with a boot-start channel: regulator finding
    assert found["vendor:aegis"].severity is Severity.HIGH
    assert found["vendor:aegis"].status is FindingStatus.MISSING
    e.add(e.nodes["operator:o0"].model_copy(update={"size": None}))
    e.add(e.nodes["operator:o1"].model_copy(update={"size": None}))
    unknown = {f.subject: f for f in run(e, "KG-SD-02")}
    assert unknown["vendor:aegis"].status is FindingStatus.UNKNOWN


def _dr_estate(dr_channel_ring: int, deferral: CustomerDeferral) -> Estate:
    e = Estate()
    op = e.operator("op")
    fn = e.function(op, "fn")
    sensor = e.product("sensor", e.vendor("aegis"))
    e.channel(
        "c",
        updates=(sensor,),
        privilege=Privilege.KERNEL,
        customer_deferral=deferral,
        customer_pin_versions=1,
    )
    primary = e.host_group(
        op, "primary", 10, runs=(sensor,), supports=(fn,), rings=(ring(sensor, 0),)
    )
    e.host_group(
        op, "dr", 10, runs=(sensor,), dr_for=primary, rings=(ring(sensor, dr_channel_ring),)
    )
    return e


def test_sd03_dr_pair_on_the_same_kernel_channel() -> None:
    (finding,) = run(_dr_estate(0, CustomerDeferral.CHANNEL), "KG-SD-03")
    assert (finding.status, finding.severity) == (FindingStatus.MISSING, Severity.HIGH)
    assert finding.channel == "channel:c" and finding.subject == "hostgroup:op/dr"
    # different rings only protect when the channel honours customer deferral
    assert run(_dr_estate(1, CustomerDeferral.CHANNEL), "KG-SD-03") == []
    assert len(run(_dr_estate(1, CustomerDeferral.NONE), "KG-SD-03")) == 1


@pytest.mark.parametrize(
    ("attrs", "status"),
    [
        ({"exit_plan": True, "exit_tested": "2024-01-05"}, None),
        ({"exit_plan": True, "exit_tested": "2021-01-05"}, FindingStatus.MISSING),
        ({"exit_plan": False}, FindingStatus.MISSING),
        ({"exit_plan": True}, FindingStatus.UNKNOWN),
    ],
)
def test_sd04_exit_plan(attrs: dict[str, Any], status: FindingStatus | None) -> None:
    e = _dependency_estate()
    e.contract("operator:op", "vendor:aegis", **attrs)
    found = run(e, "KG-SD-04")
    assert [f.status for f in found] == ([status] if status else [])
    if status is FindingStatus.MISSING:
        assert found[0].severity is Severity.HIGH  # the vendor carries a critical function


def test_tr03_notification_and_published_rca() -> None:
    e = _dependency_estate()
    e.add(e.nodes["vendor:aegis"].model_copy(update={"rca_published": True}))
    e.contract("operator:op", "vendor:aegis", notification_clause=True)
    assert run(e, "KG-TR-03") == []
    e.contract("operator:op", "vendor:aegis", notification_clause=False)
    (finding,) = run(e, "KG-TR-03")
    assert finding.status is FindingStatus.MISSING and finding.operator == "operator:op"


def test_tr01_sbom_presence_and_quality() -> None:
    e = Estate()
    op = e.operator("op")
    lib, core = e.component("lib"), e.component("core")
    e.link(core, EdgeKind.DEPENDS_ON, lib)
    good = e.product("good", e.vendor("v"), contains=(core, lib))
    no_purls = e.product("no-purls", e.vendor("v"), contains=(e.component("x", purl=None),))
    e.host_group(op, "g", 5, runs=(good, no_purls, "product:never-ingested"))
    found = {f.subject: f.status for f in run(e, "KG-TR-01")}
    assert found == {
        "product:no-purls": FindingStatus.MISSING,
        "product:never-ingested": FindingStatus.UNKNOWN,
    }


def test_good_channel_in_a_good_estate_leaves_only_what_it_cannot_know() -> None:
    e = recovery_estate()
    sensor = e.product("sensor", e.vendor("aegis"), contains=(e.component("engine"),))
    e.channel("c", updates=(sensor,), **GOOD_CONTENT)
    e.link("hostgroup:op/g", EdgeKind.RUNS, sensor)
    controls = {
        f.control for f in evaluate_controls(e.view(), as_of=AS_OF) if f.channel == "channel:c"
    }
    assert controls == set()
