"""Run one independent stage of a report in a forked child while the caller goes on.

The child is a ``fork`` of the caller, so it reads the caller's view and rankings as they
are (copy-on-write, nothing pickled on the way in); only its result comes back, pickled.
Forking is done only where it is safe and worth it: a ``fork`` start method, a process
with no other thread running (a threaded server forks its locks too), and work the caller
marks as large. Otherwise the work runs in place, with the same result.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

__all__ = ["can_fork", "start"]

T = TypeVar("T")
_PENDING: list[Callable[[], Any]] = []  # the work the next forked child runs


def can_fork() -> bool:
    """True when a forked child may run a stage: ``fork`` exists, no other thread runs."""
    return "fork" in mp.get_all_start_methods() and threading.active_count() == 1


def start(work: Callable[[], T], *, fork: bool) -> Callable[[], T]:
    """Start ``work`` (in a forked child when ``fork`` and :func:`can_fork`); the function
    returned waits for and gives its result (raising what ``work`` raised)."""
    if not (fork and can_fork()):
        result = work()
        return lambda: result
    _PENDING.append(work)
    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork"))
        future = pool.submit(_run_pending)  # forks here: the child holds ``work``
    finally:
        _PENDING.clear()

    def join() -> T:
        try:
            result: T = future.result()
            return result
        finally:
            pool.shutdown()

    return join


def _run_pending() -> Any:  # pragma: no cover - runs in the forked child
    return _PENDING[0]()
