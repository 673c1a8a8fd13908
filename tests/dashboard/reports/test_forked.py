"""The top blast radii computed in a forked child give the report computed in place."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from dashboard.reports import build as build_module
from dashboard.reports import build_report, forked, render_report
from graph.risk.policy import Policy
from graph.risk.subject import SubjectError
from graph.store import open_store
from tests.dashboard.reports.conftest import CLOCK


def _json(store_path: Path, scope: str) -> bytes:
    store = open_store(str(store_path))
    try:
        return render_report(
            build_report(store, scope, policy=Policy(), clock=lambda: CLOCK), "json"
        )
    finally:
        store.close()


def test_work_runs_in_a_child_and_its_result_comes_back() -> None:
    assert forked.can_fork()
    join = forked.start(lambda: (os.getpid(), [1, 2, 3]), fork=True)
    pid, value = join()
    assert pid != os.getpid()
    assert value == [1, 2, 3]


def test_without_fork_the_work_runs_in_place() -> None:
    join = forked.start(os.getpid, fork=False)
    assert join() == os.getpid()


def test_a_thread_running_keeps_the_work_in_place() -> None:
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert not forked.can_fork()
        assert forked.start(os.getpid, fork=True)() == os.getpid()
    finally:
        release.set()
        thread.join()


def test_an_error_in_the_child_is_raised_on_join() -> None:
    def fail() -> None:
        raise SubjectError("no vendor matches 'x'")

    join = forked.start(fail, fork=True)
    with pytest.raises(SubjectError, match="no vendor matches"):
        join()


@pytest.mark.parametrize("scope", ["all", "operator:harbor-bank"])
def test_forked_blast_stage_gives_the_same_report_bytes(
    report_store: Path, monkeypatch: pytest.MonkeyPatch, scope: str
) -> None:
    in_place = _json(report_store, scope)
    monkeypatch.setattr(build_module, "PARALLEL_NODES", 0)  # fork even on the demo
    children = os.times().children_user + os.times().children_system
    assert _json(report_store, scope) == in_place
    assert os.times().children_user + os.times().children_system > children  # it forked
