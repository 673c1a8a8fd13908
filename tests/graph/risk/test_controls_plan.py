"""The remediation plan as tuples (the report's path) equals the findings as models (the
CLI's and dashboard's path): same findings, order, risk removed and report rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.reports.controls_rows import plan_findings, report_findings
from dashboard.reports.model import ReportFinding
from graph.risk.concentration_usage import estate_usage
from graph.risk.controls.base import FindingStatus, RiskRemoved, item_plan_key
from graph.risk.controls.engine import RULES, evaluate_controls
from graph.risk.controls.plan import control_plan, plan_order
from graph.risk.controls.records import FindingItem
from graph.risk.policy import Policy
from graph.risk.reach import Reach
from graph.risk.remediation import attach_risk_removed
from graph.risk.snapshot import Snapshot, build_snapshot
from graph.vocabulary import NodeKind, Severity
from tests.graph.risk.test_blast_properties import _view, estates
from tests.graph.risk.test_controls_fastgroups import _platform_view
from tests.graph.risk.test_controls_pattern import AS_OF, demo_estate

Estate = tuple[nx.MultiDiGraph, Snapshot]


def _same_plan(view: nx.MultiDiGraph, snapshot: Snapshot | None) -> int:
    """Asserts the tuple path equals the model path; returns how many findings."""
    policy = Policy()
    usage = estate_usage(view)
    reference = attach_risk_removed(
        view,
        evaluate_controls(
            view,
            policy=policy.controls,
            concentration_policy=policy.concentration,
            as_of=AS_OF,
            usage=usage,
            snapshot=snapshot,
        ),
        policy=policy,
        snapshot=snapshot,
    )
    plan = control_plan(view, policy=policy, as_of=AS_OF, usage=usage, snapshot=snapshot)
    models = plan.models()
    assert models == reference
    for got, expected in zip(models, reference, strict=True):
        assert got.model_fields_set == expected.model_fields_set
        assert got.model_dump_json() == expected.model_dump_json()
        assert [e.model_fields_set for e in got.evidence] == [
            e.model_fields_set for e in expected.evidence
        ]
    rows, expected_rows = plan_findings(plan), report_findings(reference)
    assert rows == expected_rows
    assert [r.model_dump_json() for r in rows] == [r.model_dump_json() for r in expected_rows]
    for row in rows:  # rows made without validation equal validated ones
        validated = ReportFinding.model_validate_json(row.model_dump_json())
        assert row == validated
        assert row.model_fields_set == validated.model_fields_set
        assert [e.model_fields_set for e in row.evidence] == [
            e.model_fields_set for e in validated.evidence
        ]
        assert [type(e.value) for e in row.evidence] == [type(e.value) for e in validated.evidence]
    return len(models)


def test_plan_equals_the_findings_on_the_demo(demo: Estate) -> None:
    view, snapshot = demo
    assert _same_plan(view, snapshot) > 20
    assert _same_plan(view, None) > 20


def test_plan_equals_the_findings_on_built_estates() -> None:
    assert _same_plan(demo_estate().view(), None) > 5
    view = _platform_view()
    assert _same_plan(view, build_snapshot(view)) > 5


@settings(max_examples=40, deadline=None)
@given(estate=estates())
def test_plan_equals_the_findings_on_random_estates(
    estate: tuple[list[Any], list[tuple[str, str, str]]],
) -> None:
    view = _view(*estate)
    _same_plan(view, build_snapshot(view))


@pytest.mark.slow
def test_plan_equals_the_findings_on_10k(synth10k: Estate) -> None:
    assert _same_plan(*synth10k) > 5000


def _item(fid: str, severity: Severity, missing: bool, related: bool, hosts: int) -> FindingItem:
    return FindingItem(
        fid,
        "KG-SR-01",
        "t",
        severity,
        FindingStatus.MISSING if missing else FindingStatus.UNKNOWN,
        "channel:c",
        NodeKind.UPDATE_CHANNEL,
        None,
        None,
        None,
        None,
        (),
        (),
        "r",
        ("KG-SR-06",) if related else (),
        Reach(hosts=hosts),
    )


_removed = st.one_of(
    st.none(),
    st.builds(
        RiskRemoved,
        hosts_down_avoided=st.sampled_from([0.0, 1.0, 2.5, 1e300, float("inf")]),
        operators_avoided=st.sampled_from([0, 1, 3, 2**70]),
        recovery_hours_avoided=st.sampled_from([0.0, 0.5, 7.25]),
    ),
)
_items = st.builds(
    _item,
    st.sampled_from(["a", "b", "KG-1:x", "KG-1:x@y", "é"]),  # repeated ids keep input order
    st.sampled_from(list(Severity)),
    st.booleans(),
    st.booleans(),
    st.sampled_from([0, 1, 10, 2**64]),
)


@settings(max_examples=300, deadline=None)
@given(pairs=st.lists(st.tuples(_items, _removed), max_size=30))
def test_plan_order_equals_the_sort_by_plan_key(
    pairs: list[tuple[FindingItem, RiskRemoved | None]],
) -> None:
    found, removed = [f for f, _ in pairs], [r for _, r in pairs]
    expected = sorted(range(len(found)), key=lambda i: item_plan_key(found[i], removed[i]))
    assert plan_order(found, removed) == expected


def test_concentration_given_late_gives_the_same_plan(demo: Estate) -> None:
    """``concentration`` as a function (the report's parallel build: it is computed in a
    forked child meanwhile) is called once, after the other rules, and the findings are
    those of the report given at once, in the same order."""
    from graph.risk.concentration import concentration_summary
    from graph.risk.controls.engine import READS_CONCENTRATION, evaluate_items

    view, snapshot = demo
    policy = Policy()
    usage = estate_usage(view)
    findings = concentration_summary(view, usage=usage, snapshot=snapshot).findings
    assert findings.single_vendor and findings.systemic
    at_once = evaluate_items(view, as_of=AS_OF, usage=usage, concentration=findings)
    calls: list[int] = []

    def late() -> Any:
        calls.append(1)
        return findings

    later = evaluate_items(view, as_of=AS_OF, usage=usage, concentration=late)
    assert calls == [1]
    assert later == at_once
    assert [f[1] for f in later] == [f[1] for f in at_once]
    assert {f[1] for f in later} >= READS_CONCENTRATION  # the late rules found something
    plan = control_plan(view, policy=policy, as_of=AS_OF, usage=usage, concentration=late)
    expected = control_plan(view, policy=policy, as_of=AS_OF, usage=usage, concentration=findings)
    assert plan == expected


def test_rules_run_elsewhere_give_the_same_findings(demo: Estate) -> None:
    """``elsewhere``: rules' findings computed by :func:`rule_findings` on a context of
    their own (the report's side child) are merged in rule order, after
    ``concentration`` is taken; the rules themselves are not run here."""
    from graph.risk.concentration import concentration_summary
    from graph.risk.controls.catalogue import TR_01
    from graph.risk.controls.engine import READS_CONCENTRATION, evaluate_items, rule_findings

    view, snapshot = demo
    usage = estate_usage(view)
    findings = concentration_summary(view, usage=usage, snapshot=snapshot).findings
    at_once = evaluate_items(
        view, as_of=AS_OF, usage=usage, concentration=findings, snapshot=snapshot
    )
    middle = next(f[1] for f in at_once[len(at_once) // 2 :] if f[1] not in READS_CONCENTRATION)
    controls = sorted({TR_01.id, middle}, key=[r.control.id for r in RULES].index)
    apart = {
        c: rule_findings(view, c, as_of=AS_OF, usage=usage, snapshot=snapshot) for c in controls
    }
    for control, found in apart.items():
        assert found == [f for f in at_once if f[1] == control]
    assert apart[middle]
    taken: list[str] = []

    def late() -> Any:
        taken.append("concentration")
        return findings

    def remote(control: str) -> Callable[[], list[FindingItem]]:
        return lambda: taken.append(control) or apart[control]

    merged = evaluate_items(
        view,
        as_of=AS_OF,
        usage=usage,
        concentration=late,
        snapshot=snapshot,
        elsewhere={c: remote(c) for c in controls},
    )
    assert taken == ["concentration", *controls]
    assert merged == at_once
    marked = [(*f[:2], "elsewhere", *f[3:]) for f in apart[middle]]  # told from a local run
    merged = evaluate_items(
        view, as_of=AS_OF, usage=usage, snapshot=snapshot, elsewhere={middle: lambda: marked}
    )
    assert [f for f in merged if f[1] == middle] == marked


@pytest.mark.parametrize("remote", ["KG-KM-02", "KG-SR-01", "KG-VT-01"])
def test_risk_removed_while_waiting_gives_the_same_plan(demo: Estate, remote: str) -> None:
    """With rules that come late (concentration given as a function, a rule computed
    elsewhere), risk removed is computed for the findings in hand before the first wait
    and for the late ones after, only where they get one (a rollout or safe-failure
    control computed elsewhere): the same plan as computed at once."""
    from graph.risk.concentration import concentration_summary
    from graph.risk.controls.engine import READS_CONCENTRATION, evaluate_items, rule_findings

    view, snapshot = demo
    policy = Policy()
    usage = estate_usage(view)
    findings = concentration_summary(view, usage=usage, snapshot=snapshot).findings
    expected = control_plan(
        view, policy=policy, as_of=AS_OF, usage=usage, concentration=findings, snapshot=snapshot
    )
    apart = rule_findings(view, remote, as_of=AS_OF, usage=usage, snapshot=snapshot)
    assert apart  # the demo has findings of this control
    taken: list[str] = []
    plan = control_plan(
        view,
        policy=policy,
        as_of=AS_OF,
        usage=usage,
        concentration=lambda: taken.append("concentration") or findings,
        snapshot=snapshot,
        elsewhere={remote: lambda: taken.append(remote) or apart},
    )
    assert taken == ["concentration", remote]
    assert plan == expected
    if remote != "KG-KM-02":
        assert any(
            r is not None
            for f, r in zip(plan.findings, plan.removed, strict=True)
            if f[1] == remote
        )
    seen: list[tuple[int, frozenset[str], list[str]]] = []
    evaluate_items(
        view,
        as_of=AS_OF,
        usage=usage,
        concentration=lambda: taken.append("late") or findings,
        snapshot=snapshot,
        elsewhere={remote: lambda: apart},
        meanwhile=lambda local, pending: seen.append((len(local), pending, list(taken))),
    )
    at_once = evaluate_items(
        view, as_of=AS_OF, usage=usage, concentration=findings, snapshot=snapshot
    )
    waiting = READS_CONCENTRATION | {remote}
    assert seen == [
        (len([f for f in at_once if f[1] not in waiting]), waiting, ["concentration", remote])
    ]
