"""Small pieces shared by the forked helpers (estate cache, report build and seal).

A forked child computes something, hands it over (a pipe, a file) and leaves with
``os._exit``: no ``atexit`` handler, buffered output or finaliser of the parent's copy
runs in it. :func:`exit_after` is that ending; :func:`read_all` reads a child's pipe to
its end (the child exited, or closed it).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import NoReturn

__all__ = ["exit_after", "fork_with_pipe", "read_all"]


def exit_after(work: Callable[[], object]) -> NoReturn:
    """Run ``work`` and leave the process at once: status 0, or 1 when it raised."""
    code = 1
    try:
        work()
        code = 0
    finally:
        os._exit(code)


def read_all(fd: int) -> bytes:
    """Everything written to the pipe ``fd`` until its writers closed it."""
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def fork_with_pipe() -> tuple[int, int] | None:
    """Fork with a pipe from the child to this process: ``(0, write end)`` in the child,
    ``(child pid, read end)`` here (each side's other end closed), None when the
    platform cannot fork or the fork failed."""
    if not hasattr(os, "fork"):
        return None
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:
        os.close(read_end)
        return 0, write_end
    os.close(write_end)
    return pid, read_end
