"""Compute a value in a forked child while this process goes on, and take it when needed.

A report's sections that do not depend on the control findings (inputs, estate, blast
radius, concentration rows: about a second and a half of CPU at 100k hosts) can be built
on the second core while this process evaluates the controls. :class:`Forked` forks a
child that runs the work on the same memory (copy-on-write: nothing is sent to it) and
pickles the result back through a pipe; :meth:`Forked.result` reads it. When the
platform cannot fork, when the caller does not ask for it, or when the child fails, the
work runs here at :meth:`Forked.result`: the value is the same either way (the same
function on the same inputs; tests compare the two).

Only for one-shot commands (``riskgraph report``): a process with other threads running
(the dashboard's server) should not fork.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar

__all__ = ["Forked"]

T = TypeVar("T")


class Forked(Generic[T]):
    """``work()``, computed in a forked child when ``enabled`` (see the module docstring).

    Use as a context manager (or call :meth:`close`) so that a child whose result is not
    taken, because the caller failed in between, is not left waiting on its pipe.
    """

    def __init__(self, work: Callable[[], T], *, enabled: bool = True) -> None:
        self._work = work
        self._pid: int | None = None
        self._fd: int | None = None
        if enabled and hasattr(os, "fork"):
            self._start()

    def _start(self) -> None:
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:  # the child: compute, send, leave without any cleanup
            code = 1
            try:
                os.close(read_end)
                data = pickle.dumps(self._work(), protocol=pickle.HIGHEST_PROTOCOL)
                view = memoryview(data)
                while view:
                    view = view[os.write(write_end, view) :]
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        self._pid, self._fd = pid, read_end

    @property
    def forked(self) -> bool:
        """True while a child computes (or holds) the result."""
        return self._pid is not None

    def result(self) -> T:
        """The child's value; ``work()`` here when there is none or it failed."""
        data, ok = self._collect()
        if ok:
            try:
                value: T = pickle.loads(data)
            except Exception:
                return self._work()
            return value
        return self._work()

    def close(self) -> None:
        """Stop waiting for the child (its write fails and it exits) and reap it."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._pid is not None:
            os.waitpid(self._pid, 0)
            self._pid = None

    def _collect(self) -> tuple[bytes, bool]:
        if self._fd is None or self._pid is None:
            return b"", False
        chunks = []
        while chunk := os.read(self._fd, 1 << 20):
            chunks.append(chunk)
        os.close(self._fd)
        self._fd = None
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        return b"".join(chunks), status == 0

    def __enter__(self) -> Forked[T]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
