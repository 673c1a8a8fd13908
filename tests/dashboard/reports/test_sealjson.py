"""The seal and JSON written side by side (hash in a forked child) equal the serial path:
the same sealed report and the same bytes, also when orjson's bytes do not hold, when
the platform cannot fork and when the child fails."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dashboard.reports import Report, build_report, render_report, sealjson, write_report
from dashboard.reports.integrity import declared_hash_holds, seal
from dashboard.reports.json_report import render_json
from dashboard.reports.model import Integrity
from dashboard.reports.sealjson import seal_with_json
from graph.risk.policy import Policy
from graph.store import open_store
from tests.dashboard.reports.conftest import CLOCK


def _unsealed(report: Report) -> Report:
    return report.model_copy(update={"integrity": Integrity(body_sha256="")})


def _serial(report: Report) -> tuple[Report, bytes]:
    sealed = seal(report)
    return sealed, render_json(sealed)


def _joined(report: Report) -> tuple[Report, bytes]:
    sealed, pieces = seal_with_json(report)
    return sealed, b"".join(pieces)


@pytest.mark.parametrize("scope", ["all", "operator:harbor-bank"])
def test_parallel_seal_and_json_equal_the_serial_path(
    make_report: Callable[[str], Report], scope: str
) -> None:
    report = _unsealed(make_report(scope))
    sealed, data = _joined(report)
    assert (sealed, data) == _serial(report)
    assert sealed == make_report(scope)
    assert sealed.integrity.body_sha256 != "0" * 64
    assert data.endswith(f'"body_sha256": "{sealed.integrity.body_sha256}"\n  }}\n}}\n'.encode())


def test_a_small_float_takes_the_checked_path_in_both(report_all: Report) -> None:
    """orjson writes 1e-05 as 0.00001: the child's canonical body does not hold, so the
    file is written by the checked path too (the standard library's 1e-05)."""
    blast = report_all.blast.model_copy(update={"window_hours": 1e-05})
    report = _unsealed(report_all).model_copy(update={"blast": blast})
    sealed, data = _joined(report)
    assert (sealed, data) == _serial(report)
    assert b'"window_hours": 1e-05,' in data


def test_without_fork_the_seal_is_computed_here(
    report_all: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_fork() -> int:
        raise OSError("cannot fork")

    monkeypatch.setattr(sealjson.os, "fork", no_fork)
    report = _unsealed(report_all)
    assert _joined(report) == _serial(report)


def test_a_failing_child_leaves_the_serial_path(
    report_all: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(out: bytes) -> bool:  # only the child checks the canonical body
        raise RuntimeError("child fails")

    monkeypatch.setattr(sealjson, "orjson_bytes_hold", broken)
    report = _unsealed(report_all)
    assert _joined(report) == _serial(report)


def test_prerendered_json_is_what_render_json_writes(report_store: Path, tmp_path: Path) -> None:
    store = open_store(str(report_store))
    try:
        report = build_report(store, "all", policy=Policy(), clock=lambda: CLOCK, prerender="json")
        again = build_report(store, "all", policy=Policy(), clock=lambda: CLOCK, prerender="json")
    finally:
        store.close()
    data = render_report(report, "json")
    assert data == render_report(report, "json")  # the second one is written again
    assert render_json(report) == data
    assert declared_hash_holds(json.loads(data))
    write_report(again, "json", tmp_path / "kept.json")  # the kept pieces, one by one
    write_report(again, "json", tmp_path / "again.json")  # written again
    assert (tmp_path / "kept.json").read_bytes() == data == (tmp_path / "again.json").read_bytes()


@pytest.mark.parametrize("scope", ["all", "operator:harbor-bank"])
def test_findings_written_from_their_plain_fields_give_the_same_bytes(
    report_store: Path, make_report: Callable[[str], Report], scope: str
) -> None:
    """``build_report(..., prerender="json")`` has the rows' plain fields written instead
    of the rows (``plan_findings(..., plain=)``): same report, same bytes."""
    store = open_store(str(report_store))
    try:
        report = build_report(store, scope, policy=Policy(), clock=lambda: CLOCK, prerender="json")
    finally:
        store.close()
    expected = make_report(scope)
    assert report == expected
    assert render_report(report, "json") == render_json(expected)


def _plain(report: Report) -> list[dict[str, Any]]:
    """The findings of ``report`` as ``plan_findings(..., plain=)`` makes them."""
    rows = report.controls.findings
    plain = [{**r.__dict__} for r in rows]
    for row, fields in zip(rows, plain, strict=True):
        fields["evidence"] = tuple(
            {**e.__dict__, "sources": tuple(s.__dict__ for s in e.sources)} for e in row.evidence
        )
        fields["references"] = tuple(r.__dict__ for r in row.references)
        fields["risk_removed"] = row.risk_removed and row.risk_removed.__dict__
    return plain


@pytest.mark.parametrize("small", [1e-05, -3e-07])
def test_a_small_float_in_the_findings_takes_the_serial_path(
    report_all: Report, small: float
) -> None:
    """The seal's child reads the findings' floats instead of scanning their bytes: a small
    one (here in rows that are not the models', so that the path shows) sends it serial."""
    report = _unsealed(report_all)
    plain = _plain(report)
    at = next(i for i, p in enumerate(plain) if p["evidence"])
    first, *rest = plain[at]["evidence"]
    changed = [*plain[:at], {**plain[at], "evidence": ({**first, "value": small}, *rest)}]
    changed += plain[at + 1 :]
    assert b"".join(seal_with_json(report, changed)[1]) == _serial(report)[1]
    other = [{**plain[at], "evidence": ({**first, "value": 0.123456}, *rest)}]
    written = b"".join(seal_with_json(report, [*plain[:at], *other, *plain[at + 1 :]])[1])
    assert b'"value": 0.123456' in written  # a float that holds: the rows are written


def test_plain_findings_are_written_only_when_they_are_the_rows(report_all: Report) -> None:
    report = _unsealed(report_all)
    plain = _plain(report)
    assert seal_with_json(report, plain)[1] == seal_with_json(report)[1]
    assert b"".join(seal_with_json(report, plain)[1]) == _serial(report)[1]
    changed = [{**plain[0], "title": "written from the plain fields"}, *plain[1:]]
    assert b"written from the plain fields" in b"".join(seal_with_json(report, changed)[1])
    other = [{**p, "id": "another"} for p in plain]  # not the rows: the rows are written
    assert b"".join(seal_with_json(report, other)[1]) == _serial(report)[1]
    assert b"".join(seal_with_json(report, plain[:-1])[1]) == _serial(report)[1]
