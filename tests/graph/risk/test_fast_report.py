"""Full blast radii and risk removed from the snapshot engine against the networkx reference.

``SnapshotRadii.radius`` must equal ``blast_radius(..., evidence_paths=False)`` in every
field but ``host_groups`` (which it leaves empty): failing nodes, operators with their
recovery and lost functions, functions against their RTO, sectors, jurisdictions, the
recovery curve and the unknowns. On the demo estate for every vendor and channel in every
mode (with overrides and a push time too), on random estates (Hypothesis), and on the
generated 10k estate (``test_fast_engine``'s fixture). Risk removed with a snapshot must
equal risk removed without one.
"""

from __future__ import annotations

from datetime import UTC, datetime

import networkx as nx
import pytest
from hypothesis import given, settings

from graph.risk.blast import blast_radius
from graph.risk.blast_results import BlastRadius
from graph.risk.controls.engine import evaluate_controls
from graph.risk.fastreport import SnapshotRadii
from graph.risk.policy import Policy
from graph.risk.remediation import attach_risk_removed
from graph.risk.rollout import RolloutOverride
from graph.risk.snapshot import Snapshot, build_snapshot
from graph.risk.subject import FailureMode, Subject
from tests.graph.risk.test_blast_properties import _view, estates
from tests.graph.risk.test_fast_engine import _subjects


def _reference(view: nx.MultiDiGraph, subject: Subject, **kw: object) -> BlastRadius:
    radius = blast_radius(view, subject, evidence_paths=False, **kw)  # type: ignore[arg-type]
    return radius.model_copy(update={"host_groups": []})


def _assert_same(
    view: nx.MultiDiGraph,
    snap: Snapshot,
    subject: Subject,
    mode: FailureMode = FailureMode.BAD_UPDATE,
    policy: Policy | None = None,
    overrides: dict[str, RolloutOverride] | None = None,
    push_time: datetime | None = None,
) -> BlastRadius:
    policy = policy or Policy()
    expected = _reference(
        view, subject, mode=mode, policy=policy, overrides=overrides, push_time=push_time
    )
    radii = SnapshotRadii(snap, view, mode, policy=policy, push_time=push_time)
    actual = radii.radius(subject, overrides)
    for field in BlastRadius.model_fields:
        assert getattr(actual, field) == getattr(expected, field), (subject.ref, field)
    assert actual.model_dump_json() == expected.model_dump_json()
    return actual


@pytest.mark.parametrize("mode", list(FailureMode))
def test_demo_every_vendor_and_channel_is_the_reference_radius(demo, mode) -> None:
    view, snap = demo
    radii = [_assert_same(view, snap, s, mode) for s in _subjects(view)]
    if mode is FailureMode.BAD_UPDATE:  # the comparison is not between empty results
        worst = max(radii, key=lambda r: r.hosts_down)
        assert worst.recovery_curve and worst.functions and worst.sectors and worst.unknowns
        assert any(f.rto_breached for r in radii for f in r.functions)
        assert any(f.channel for r in radii for f in r.failing)


def test_demo_what_ifs_are_the_reference_radius(demo) -> None:
    view, snap = demo
    policy = Policy(online_fraction=0.8)
    push = datetime(2024, 7, 19, 4, 9, tzinfo=UTC)
    for subject in _subjects(view):
        overrides = {subject.ref: policy.remedy} if subject.kind == "channel" else None
        _assert_same(view, snap, subject, policy=policy, overrides=overrides)
        _assert_same(view, snap, subject, push_time=push)


def test_subjects_the_engine_cannot_take_come_from_the_reference(demo) -> None:
    """A name matching the node by its spelling, and a vulnerability, still answer."""
    view, snap = demo
    vendor = next(s for s in _subjects(view) if s.kind == "vendor")
    by_name = Subject(kind="vendor", ref=str(view.nodes[vendor.ref]["name"]))
    assert SnapshotRadii(snap, view).radius(by_name).hosts_down == (
        _reference(view, by_name).hosts_down
    )
    vulnerabilities = [k for k, d in view.nodes(data=True) if d.get("kind") == "Vulnerability"]
    for key in vulnerabilities[:2]:
        _assert_same(view, snap, Subject(kind="vulnerability", ref=key))


@settings(max_examples=80, deadline=None)
@given(estate=estates())
def test_random_estates_are_the_reference_radius(estate) -> None:
    view = _view(*estate)
    snap = build_snapshot(view)
    for mode in FailureMode:
        for subject in (
            Subject(kind="channel", ref="channel:ch"),
            Subject(kind="vendor", ref="vendor:v"),
        ):
            _assert_same(view, snap, subject, mode)
            if subject.kind == "channel":
                _assert_same(view, snap, subject, mode, overrides={subject.ref: Policy().remedy})


def test_synthetic_10k_top_subjects_are_the_reference_radius(synth10k) -> None:
    """The report's top subjects (the biggest vendors and channels) and a few small ones."""
    view, snap = synth10k
    subjects = _subjects(view)
    vendors = [s for s in subjects if s.kind == "vendor"]
    channels = [s for s in subjects if s.kind == "channel"]
    picked = vendors[:6] + vendors[-3:] + channels[:6] + channels[-3:]
    radii = [_assert_same(view, snap, s) for s in picked]
    assert max(r.hosts_down for r in radii) > 10_000
    assert max(len(r.operators) for r in radii) > 50


def _findings_with_and_without_snapshot(view: nx.MultiDiGraph, snap: Snapshot) -> tuple:
    policy = Policy()
    findings = evaluate_controls(view, policy=policy.controls)
    return (
        attach_risk_removed(view, findings, policy=policy),
        attach_risk_removed(view, findings, policy=policy, snapshot=snap),
    )


def test_demo_risk_removed_is_the_reference_risk_removed(demo) -> None:
    view, snap = demo
    reference, fast = _findings_with_and_without_snapshot(view, snap)
    assert fast == reference
    assert sum(1 for f in fast if f.risk_removed and f.risk_removed.hosts_down_avoided) >= 3


def test_synthetic_10k_risk_removed_is_the_reference_risk_removed(synth10k) -> None:
    view, snap = synth10k
    reference, fast = _findings_with_and_without_snapshot(view, snap)
    assert fast == reference
    assert sum(1 for f in fast if f.risk_removed) >= 20
