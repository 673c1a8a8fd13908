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

import io
import os
import pickle
import signal
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import IO, Any, Generic, NoReturn, Self, TypeVar

from pydantic import BaseModel

from graph.forking import exit_after, fork_with_pipe, read_all
from graph.trusted import trusted_model

__all__ = ["Forked", "ForkedSteps", "model_pickle"]

T = TypeVar("T")


class _Scoped(ABC):
    """Closed (its child stopped and reaped) on leaving a ``with`` block."""

    @abstractmethod
    def close(self) -> None:
        """Stop and reap the child, if one is running."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class Forked(_Scoped, Generic[T]):
    """``work()``, computed in a forked child when ``enabled`` (see the module docstring).

    Use as a context manager (or call :meth:`close`) so that a child whose result is not
    taken, because the caller failed in between, is stopped and reaped.
    """

    def __init__(self, work: Callable[[], T], *, enabled: bool = True) -> None:
        self._work = work
        self._pid: int | None = None
        self._out: IO[bytes] | None = None
        self._owner = os.getpid()
        self._done = -1  # read end of the pipe on which the child announces its value's size
        if enabled and hasattr(os, "fork"):
            self._start()

    def _start(self) -> None:
        out = tempfile.TemporaryFile()  # noqa: SIM115 (closed by _collect or close)
        started = fork_with_pipe()
        if started is None:
            out.close()
            return
        pid, end = started
        if pid == 0:  # the child: compute, write, leave at once without any cleanup

            def work() -> None:
                data = model_pickle(self._work())
                out.write(data)
                out.flush()
                os.write(end, f"{len(data)}\n".encode())

            exit_after(work)
        self._pid, self._out, self._done = pid, out, end

    @property
    def forked(self) -> bool:
        """True while a child computes (or holds) the result."""
        return self._pid is not None

    def result(self) -> T:
        """The child's value; ``work()`` here when there is none or it failed.

        Also in a process forked from this one after the child (its sibling: a later
        :class:`Forked` or :class:`ForkedSteps` child), which cannot wait for it: it reads
        the value once the child announced it (see :meth:`_from_sibling`)."""
        if os.getpid() != self._owner:
            return self._from_sibling()
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
        if self._done >= 0:
            os.close(self._done)
            self._done = -1

    def _from_sibling(self) -> T:
        """The value in a sibling process: the child writes its pickle, then its size to
        the pipe, whose only writer it is (this process has no write end), so the pipe
        ends once the child has exited; no size (no child, or it failed): ``work()``."""
        if self._done < 0 or self._out is None:
            return self._work()
        try:
            size = int(read_all(self._done))
            value: T = pickle.loads(os.pread(self._out.fileno(), size, 0))
        except Exception:
            return self._work()
        return value

    def _collect(self) -> IO[bytes] | None:
        """The child's output file once it exited well (None: no child, or it failed)."""
        pid, out = self._pid, self._out
        if pid is None or out is None:
            return None
        _, status = os.waitpid(pid, 0)
        self._pid, self._out = None, None
        if self._done >= 0:
            os.close(self._done)
            self._done = -1
        if status == 0:
            return out
        out.close()
        return None


class ForkedSteps(_Scoped):
    """The values ``steps()`` yields, computed in a forked child while this process goes
    on, each taken in turn by :meth:`next` as soon as the child has it (a
    :class:`Forked` of several results: the child goes on with the next while this
    process uses the first).

    The child appends each value's pickle to an unnamed temporary file and announces its
    place on a pipe. When the platform cannot fork, when the caller does not ask for it,
    or when the child fails, ``steps()`` runs here (from the start, skipping the values
    taken already: the same function on the same inputs gives the same values). A
    context manager, as :class:`Forked`: a child still running at the end is stopped.
    """

    def __init__(self, steps: Callable[[], Iterator[Any]], *, enabled: bool = True) -> None:
        self._steps = steps
        self._taken = 0
        self._here: Iterator[Any] | None = None
        self._pid: int | None = None
        self._pipe = -1
        self._buffer = b""
        self._out: IO[bytes] | None = None
        if enabled and hasattr(os, "fork"):
            self._start()

    def _start(self) -> None:
        out = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close)
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            out.close()
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:  # the child: compute, append, announce, leave without any cleanup
            os.close(read_end)
            _run_steps(steps=self._steps, out=out, announce=write_end)
        os.close(write_end)
        self._pid, self._pipe, self._out = pid, read_end, out

    @property
    def forked(self) -> bool:
        """True while a child computes (or holds) values not taken yet."""
        return self._pid is not None

    def next(self) -> Any:
        """The next value: the child's, or computed here (see the class docstring)."""
        if self._pid is not None and self._out is not None:
            place = self._announced()
            if place is not None:
                offset, size = place
                try:
                    value = pickle.loads(os.pread(self._out.fileno(), size, offset))
                except Exception:
                    self.close()
                else:
                    self._taken += 1
                    return value
            self.close()  # the child failed or stopped: the rest is computed here
        if self._here is None:
            self._here = self._steps()
            for _ in range(self._taken):
                next(self._here)
        self._taken += 1
        return next(self._here)

    def _announced(self) -> tuple[int, int] | None:
        """(offset, size) of the next value in the child's file; None once it exited."""
        while b"\n" not in self._buffer:
            chunk = os.read(self._pipe, 4096)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        offset, size = line.split()
        return int(offset), int(size)

    def close(self) -> None:
        """Stop the child if it still runs (by its process id), reap it, free the file."""
        if self._pid is not None:
            pid, self._pid = self._pid, None
            done, _ = os.waitpid(pid, os.WNOHANG)
            if not done:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            os.close(self._pipe)
        if self._out is not None:
            self._out.close()
            self._out = None


def _run_steps(steps: Callable[[], Iterator[Any]], out: IO[bytes], announce: int) -> NoReturn:
    """The child of :class:`ForkedSteps`: each value pickled at the end of ``out``, its
    offset and size written to ``announce``; exit at once (1 on failure)."""

    def work() -> None:
        offset = 0
        for value in steps():
            data = model_pickle(value)
            os.pwrite(out.fileno(), data, offset)
            os.write(announce, f"{offset} {len(data)}\n".encode())
            offset += len(data)

    exit_after(work)


class _ModelPickler(pickle.Pickler):
    """A pickler writing each pydantic model as its four attributes, set back by
    :func:`_model` (see :func:`model_pickle`)."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, BaseModel):
            return _model, (
                type(obj),
                obj.__dict__,
                obj.__pydantic_fields_set__,
                obj.__pydantic_extra__,
                obj.__pydantic_private__,
            )
        return NotImplemented


def model_pickle(value: Any) -> bytes:
    """``pickle.dumps(value)``, pydantic models written without their ``__getstate__``
    dict: :func:`pickle.loads` gives an equal value, the models with the same ``__dict__``,
    fields set, extra and private values (100k: the concentration rows and sections a
    report's side child hands back load in ~0.1 s less of the parent's time)."""
    out = io.BytesIO()
    _ModelPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()


_put = object.__setattr__


def _model(
    cls: type[BaseModel],
    fields: dict[str, Any],
    fields_set: set[str],
    extra: dict[str, Any] | None,
    private: dict[str, Any] | None,
) -> BaseModel:
    """The model :meth:`_ModelPickler.reducer_override` wrote (what ``__setstate__`` sets):
    :func:`graph.trusted.trusted_model`, then its extra and private values when it has any."""
    model = trusted_model(cls, fields, fields_set)
    if extra is not None:
        _put(model, "__pydantic_extra__", extra)
    if private is not None:
        _put(model, "__pydantic_private__", private)
    return model
