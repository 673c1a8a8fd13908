"""Compute a value in a forked child while this process goes on, and take it when needed.

A report's sections that do not depend on the control findings (inputs, estate, blast
radius, concentration rows: about a second and a half of CPU at 100k hosts) can be built
on the second core while this process evaluates the controls. :class:`Forked` forks a
child that runs the work on the same memory (copy-on-write: nothing is sent to it),
pickles the result to an unnamed temporary file and exits at once (while it lives, every
page this process writes is copied); :meth:`Forked.result` reads it. When the
platform cannot fork, when the caller does not ask for it, or when the child fails, the
work runs here at :meth:`Forked.result`: the value is the same either way (the same
function on the same inputs; tests compare the two).

Only for one-shot commands (``riskgraph report``): a process with other threads running
(the dashboard's server) should not fork.
"""

from __future__ import annotations

import os
import pickle
import signal
import tempfile
from collections.abc import Callable
from types import TracebackType
from typing import IO, Generic, TypeVar

__all__ = ["Forked"]

T = TypeVar("T")


class Forked(Generic[T]):
    """``work()``, computed in a forked child when ``enabled`` (see the module docstring).

    Use as a context manager (or call :meth:`close`) so that a child whose result is not
    taken, because the caller failed in between, is stopped and reaped.
    """

    def __init__(self, work: Callable[[], T], *, enabled: bool = True) -> None:
        self._work = work
        self._pid: int | None = None
        self._out: IO[bytes] | None = None
        if enabled and hasattr(os, "fork"):
            self._start()

    def _start(self) -> None:
        out = tempfile.TemporaryFile()  # noqa: SIM115 (closed by _collect or close)
        try:
            pid = os.fork()
        except OSError:
            out.close()
            return
        if pid == 0:  # the child: compute, write, leave at once without any cleanup
            code = 1
            try:
                pickle.dump(self._work(), out, protocol=pickle.HIGHEST_PROTOCOL)
                out.flush()
                code = 0
            finally:
                os._exit(code)
        self._pid, self._out = pid, out

    @property
    def forked(self) -> bool:
        """True while a child computes (or holds) the result."""
        return self._pid is not None

    def result(self) -> T:
        """The child's value; ``work()`` here when there is none or it failed."""
        out = self._collect()
        if out is not None:
            try:
                with out:
                    out.seek(0)
                    value: T = pickle.load(out)
            except Exception:
                return self._work()
            return value
        return self._work()

    def close(self) -> None:
        """Stop a child whose result was not taken (by its process id) and reap it."""
        if self._pid is not None:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None
        if self._out is not None:
            self._out.close()
            self._out = None

    def _collect(self) -> IO[bytes] | None:
        """The child's output file once it exited well (None: no child, or it failed)."""
        pid, out = self._pid, self._out
        if pid is None or out is None:
            return None
        _, status = os.waitpid(pid, 0)
        self._pid, self._out = None, None
        if status == 0:
            return out
        out.close()
        return None

    def __enter__(self) -> Forked[T]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
