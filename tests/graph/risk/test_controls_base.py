"""Severity grading, plan ordering, risk removed and the catalogue against controls.md."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from graph.risk.controls.base import (
    ControlsPolicy,
    Finding,
    FindingStatus,
    RiskRemoved,
    grade,
    is_recent,
    shift,
    sort_findings,
)
from graph.risk.controls.catalogue import CONTROLS, control
from graph.risk.controls.engine import RULES, evaluate_controls, with_risk_removed
from graph.risk.reach import Reach
from graph.vocabulary import NodeKind, Severity
from tests.graph.risk.test_controls_pattern import AS_OF, demo_estate

CONTROLS_MD = Path(__file__).resolve().parents[4] / "shared" / "domain" / "controls.md"
POLICY = ControlsPolicy()
CII_CRITICAL = Reach(
    hosts=10,
    critical_functions=("function:f",),
    cii_operators=("operator:o",),
    cii_critical_functions=("function:f",),
)
CRITICAL_NOT_CII = Reach(hosts=10, critical_functions=("function:f",))
NOTHING = Reach()
WIDE = CII_CRITICAL.model_copy(update={"hosts": 10_000})


@pytest.mark.parametrize(
    ("guidance", "reach", "irreversible", "expected"),
    [
        (Severity.CRITICAL, CII_CRITICAL, False, Severity.CRITICAL),
        (Severity.CRITICAL, CRITICAL_NOT_CII, False, Severity.HIGH),
        (Severity.CRITICAL, NOTHING, False, Severity.HIGH),
        (Severity.HIGH, NOTHING, False, Severity.MEDIUM),
        (Severity.MEDIUM, NOTHING, True, Severity.MEDIUM),  # down and up cancel
        (Severity.HIGH, WIDE, False, Severity.CRITICAL),
        (Severity.HIGH, CII_CRITICAL, True, Severity.CRITICAL),
        (Severity.MEDIUM, WIDE, True, Severity.HIGH),  # at most one step
        (Severity.HIGH, CRITICAL_NOT_CII, True, Severity.HIGH),  # Critical needs CII
        (Severity.LOW, NOTHING, False, Severity.LOW),
    ],
)
def test_grade(guidance: Severity, reach: Reach, irreversible: bool, expected: Severity) -> None:
    assert grade(guidance, reach, irreversible=irreversible, policy=POLICY) is expected


def test_shift_stays_on_the_ladder() -> None:
    assert shift(Severity.CRITICAL, 2) is Severity.CRITICAL
    assert shift(Severity.MEDIUM, -5) is Severity.LOW


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2024-01-01", True),
        ("2023-07-20", True),
        ("2023-07-19", False),
        (None, None),
        ("soon", None),
        ("2024-07-19", None),  # after as_of
    ],
)
def test_is_recent(when: str | None, expected: bool | None) -> None:
    assert is_recent(when, date(2024, 7, 18), 364) is expected


def _finding(id_: str, severity: Severity, hosts: int = 0, removed: float | None = None) -> Finding:
    return Finding(
        id=id_,
        control=id_.split(":", maxsplit=1)[0],
        title=id_,
        severity=severity,
        status=FindingStatus.MISSING,
        subject="channel:c",
        subject_kind=NodeKind.UPDATE_CHANNEL,
        remediation="fix",
        reach=Reach(hosts=hosts),
        risk_removed=None if removed is None else RiskRemoved(hosts_down_avoided=removed),
    )


def test_plan_orders_by_risk_removed_then_severity_then_reach() -> None:
    low_but_big = _finding("KG-B:x", Severity.LOW, removed=500)
    high_small = _finding("KG-A:x", Severity.HIGH, removed=10)
    critical = _finding("KG-C:x", Severity.CRITICAL)
    wide_high = _finding("KG-D:x", Severity.HIGH, hosts=99)
    narrow_high = _finding("KG-E:x", Severity.HIGH, hosts=1)
    plan = sort_findings([narrow_high, critical, wide_high, high_small, low_but_big])
    assert [f.id for f in plan] == ["KG-B:x", "KG-A:x", "KG-C:x", "KG-D:x", "KG-E:x"]


def test_risk_removed_reorders_the_evaluated_plan() -> None:
    plan = evaluate_controls(demo_estate().view(), as_of=AS_OF)
    last = plan[-1]
    resorted = with_risk_removed(
        plan, {last.id: RiskRemoved(hosts_down_avoided=300, operators_avoided=1)}
    )
    assert resorted[0].id == last.id and resorted[0].risk_removed is not None
    assert len(resorted) == len(plan)


def test_evaluation_is_deterministic() -> None:
    first = evaluate_controls(demo_estate().view(), as_of=AS_OF)
    second = evaluate_controls(demo_estate().view(), as_of=AS_OF)
    assert first == second
    assert len({f.id for f in first}) == len(first)


def _controls_md_sources() -> dict[str, tuple[str, ...]]:
    if not CONTROLS_MD.is_file():
        pytest.fail(f"the control catalogue must be beside the checkout at {CONTROLS_MD}")
    out = {}
    for line in CONTROLS_MD.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| \*\*(\w\w-\d\d)\*\* \| (.*)\|\s*$", line)
        if match:
            sources = match.group(2).split(" | ")[-1].strip()
            out[f"KG-{match.group(1)}"] = tuple(s.strip() for s in sources.split("; "))
    return out


def test_references_are_exactly_those_of_controls_md() -> None:
    sources = _controls_md_sources()
    for entry in CONTROLS:
        if entry.id.startswith("KG-PATTERN"):
            continue
        assert entry.references == sources[entry.id], entry.id
    assert "GB/T 43698 Ch. 7 [V]" in control("KG-SD-01").references
    assert {"KG-SD-05", "KG-SD-06"} == set(sources) - {c.id for c in CONTROLS}


def test_every_catalogue_control_has_exactly_one_rule() -> None:
    assert sorted(rule.control.id for rule in RULES) == sorted(c.id for c in CONTROLS)
