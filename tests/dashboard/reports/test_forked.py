"""Work done in a forked child comes back equal to the work done here; a failing child, no
fork or an abandoned child leave the process as it was; a report built with its
side sections in a child equals the one built in one process."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, PrivateAttr

from dashboard.reports import Report, build_report
from dashboard.reports.forked import Forked, ForkedSteps, model_pickle
from dashboard.reports.json_report import render_json
from graph.risk.policy import Policy
from graph.store import open_store
from tests.dashboard.reports.conftest import CLOCK


def _pid_and_rows() -> tuple[int, list[tuple[str, int]]]:
    return os.getpid(), [(f"row {i}", i * i) for i in range(50_000)]  # megabytes of pickle


def test_the_child_computes_the_value() -> None:
    with Forked(_pid_and_rows) as job:
        assert job.forked
        pid, rows = job.result()
    assert pid != os.getpid()
    assert rows == _pid_and_rows()[1]
    assert not job.forked


def test_disabled_it_computes_here() -> None:
    job = Forked(_pid_and_rows, enabled=False)
    assert not job.forked
    assert job.result()[0] == os.getpid()


def test_a_failing_child_leaves_the_work_to_this_process() -> None:
    parent = os.getpid()

    def work() -> int:
        if os.getpid() != parent:
            raise RuntimeError("fails in the child only")
        return 42

    with Forked(work) as job:
        assert job.forked
        assert job.result() == 42


def test_without_fork_it_computes_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise OSError("cannot fork")

    monkeypatch.setattr(os, "fork", no_fork)
    job = Forked(_pid_and_rows)
    assert not job.forked
    assert job.result()[0] == os.getpid()


def test_an_abandoned_child_is_reaped() -> None:
    with pytest.raises(KeyError), Forked(_pid_and_rows) as job:
        pid = job._pid
        raise KeyError("the caller fails before taking the result")
    assert pid is not None and not job.forked
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped already


def test_a_sibling_reads_the_value_the_child_announced() -> None:
    with Forked(_pid_and_rows) as first:
        first_pid = first._pid

        def side() -> Iterator[object]:
            yield os.getpid(), first.result()  # in a later child: cannot wait for the first

        with ForkedSteps(side) as steps:
            side_pid, (pid, rows) = steps.next()
        assert pid == first_pid  # computed once, by the first child
        assert side_pid not in (os.getpid(), first_pid)
        assert rows == _pid_and_rows()[1]
        assert first.result() == (first_pid, rows)  # still there for this process


def test_a_sibling_of_a_failing_child_computes_the_value() -> None:
    in_sibling: list[bool] = []

    def work() -> int:
        if not in_sibling:
            raise RuntimeError("fails in the first child")
        return os.getpid()

    with Forked(work) as first:

        def side() -> Iterator[object]:
            in_sibling.append(True)
            yield os.getpid(), first.result()

        with ForkedSteps(side) as steps:
            side_pid, value = steps.next()
    assert value == side_pid != os.getpid()


@pytest.mark.parametrize("scope", ["all", "operator:harbor-bank", "sector:energy"])
def test_a_report_built_in_parallel_equals_the_serial_one(
    report_store: Path, make_report: Callable[[str], Report], scope: str
) -> None:
    store = open_store(str(report_store))
    try:
        report = build_report(store, scope, policy=Policy(), clock=lambda: CLOCK, parallel=True)
    finally:
        store.close()
    assert report == make_report(scope)
    assert render_json(report) == render_json(make_report(scope))


def _steps() -> Iterator[tuple[int, object]]:
    yield os.getpid(), "first"
    yield _pid_and_rows()
    yield os.getpid(), None


def test_steps_come_from_the_child_in_turn() -> None:
    with ForkedSteps(_steps) as steps:
        assert steps.forked
        values = [steps.next(), steps.next(), steps.next()]
    assert {pid for pid, _ in values} != {os.getpid()}
    assert [v for _, v in values] == ["first", _pid_and_rows()[1], None]
    assert not steps.forked


def test_steps_disabled_or_after_a_failing_child_are_computed_here() -> None:
    steps = ForkedSteps(_steps, enabled=False)
    assert steps.next()[0] == os.getpid()
    parent = os.getpid()

    def fails_after_one() -> Iterator[int]:
        yield 1 if os.getpid() == parent else 10  # the child's value differs, to tell
        if os.getpid() != parent:
            raise RuntimeError("fails in the child only")
        yield 2
        yield 3

    with ForkedSteps(fails_after_one) as job:
        assert job.next() == 10  # the child's
        assert job.next() == 2  # the child failed: computed here, its first value skipped
        assert job.next() == 3


def test_abandoned_steps_stop_the_child() -> None:
    def endless() -> Iterator[int]:
        n = 0
        while True:
            n += 1
            yield n

    with ForkedSteps(endless) as job:
        assert job.next() == 1
        pid = job._pid
    assert pid is not None and not job.forked
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # stopped and reaped


class _Row(BaseModel):
    name: str
    share: float = 0.0
    tags: tuple[str, ...] = ()


class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow")

    row: _Row
    _note: str = PrivateAttr(default="")


def test_models_come_back_equal_with_their_state() -> None:
    """:func:`model_pickle` (what the children write): models load equal, with the same
    fields set (defaults left unset stay unset), extra and private values, shared
    objects shared; other values as ``pickle`` gives them."""
    row = _Row(name="a")  # share and tags not set
    loose = _Loose(row=_Row(name="b", share=2.5, tags=("x",)), more=1)
    loose._note = "kept"
    value = {"rows": (row, row), "loose": loose, "plain": [1.5, "s", None]}
    back = pickle.loads(model_pickle(value))
    assert back == value == pickle.loads(pickle.dumps(value))
    rows = back["rows"]
    assert rows[0] is rows[1]
    assert rows[0].model_fields_set == {"name"}
    assert rows[0].model_dump_json() == row.model_dump_json()
    assert back["loose"].model_extra == {"more": 1}
    assert back["loose"]._note == "kept"
    assert back["loose"].row.model_fields_set == {"name", "share", "tags"}
    assert back["loose"].model_dump_json() == loose.model_dump_json()
