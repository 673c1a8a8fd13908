"""The snapshot engine's failing-node, function and operator records (built by
``trusted_model``, not pydantic) are the reference's records in every respect: value,
attribute order, fields set, extra and private values, JSON."""

from __future__ import annotations

from graph.risk.fastreport import SnapshotRadii
from graph.risk.subject import FailureMode
from tests.dashboard.reports.test_trusted import _same
from tests.graph.risk.test_fast_engine import _subjects
from tests.graph.risk.test_fast_report import _reference


def test_demo_radius_records_are_the_reference_records(demo) -> None:
    view, snap = demo
    compared = 0
    for mode in FailureMode:
        radii = SnapshotRadii(snap, view, mode)
        for subject in _subjects(view):
            actual = radii.radius(subject)
            expected = _reference(view, subject, mode=mode)
            for field in ("failing", "functions", "operators"):
                built, wanted = getattr(actual, field), getattr(expected, field)
                assert len(built) == len(wanted), (subject.ref, field)
                for b, w in zip(built, wanted, strict=True):
                    _same(b, w)
                    compared += 1
    assert compared > 100
