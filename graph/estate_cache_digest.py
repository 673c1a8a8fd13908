"""The store's records digest (:func:`graph.estate_cache_key.records_digest`) computed
beside the caller's own work: in a thread, or in a forked process.

The digest reads and hashes the whole store (~0.4 s of CPU at 100k hosts). A thread
shares the interpreter lock with the caller: while the caller runs Python (building a
view), the thread gets the lock back only every few milliseconds, each time it comes out
of SQLite or the hash, and takes many times its own CPU time to finish. A forked process
(:class:`DigestProcess`, for a caller that may fork: one without other threads) runs on
the other core at full speed. Both answer :meth:`result` with the digest, or None when
the store could not be read (the caller then neither trusts nor writes a cache file).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import threading
from pathlib import Path

from graph.estate_cache_key import RecordsDigest, records_digest

__all__ = ["DigestProcess", "DigestThread"]


class DigestThread:
    """:func:`records_digest` of ``path`` computed in a thread; :meth:`result` waits."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._result: RecordsDigest | None = None
        self._thread = threading.Thread(target=self._run, name="records-digest", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._result = records_digest(self._path)
        except (sqlite3.Error, OSError):
            self._result = None

    def result(self) -> RecordsDigest | None:
        self._thread.join()
        return self._result

    def close(self) -> None:
        """Nothing to stop: the thread ends by itself."""


class DigestProcess:
    """:func:`records_digest` of ``path`` computed in a forked child.

    The constructor returns once the child's read transaction has started (a few
    milliseconds): whatever the caller reads from the store afterwards is that content
    or newer, never older, so a cache file written with this digest never claims content
    the view was not built from. :meth:`result` waits for the digest; :meth:`close` stops
    a child whose digest is not wanted. Falls back to a thread when the platform cannot
    fork."""

    def __init__(self, path: Path) -> None:
        self._thread: DigestThread | None = None
        self._pid: int | None = None
        self._answer: RecordsDigest | None = None
        if not hasattr(os, "fork"):
            self._thread = DigestThread(path)
            return
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            self._thread = DigestThread(path)
            return
        if pid == 0:  # pragma: no cover - the child process
            os.close(read_end)
            _child(path, write_end)
        os.close(write_end)
        self._pid, self._fd = pid, read_end
        os.read(read_end, 1)  # b"s": the child's snapshot is taken (b"": it failed)

    def result(self) -> RecordsDigest | None:
        if self._thread is not None:
            return self._thread.result()
        if self._pid is not None:
            pid, self._pid = self._pid, None
            answer = _read_all(self._fd)
            os.close(self._fd)
            _, status = os.waitpid(pid, 0)
            sha256, _, revision = answer.decode("ascii", "replace").partition("\n")
            if status == 0 and len(sha256) == 64:
                self._answer = RecordsDigest(sha256, revision)
        return self._answer

    def close(self) -> None:
        """Stop the child if its digest was not taken (by its process id), and reap it."""
        if self._pid is not None:
            pid, self._pid = self._pid, None
            os.close(self._fd)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _child(path: Path, out: int) -> None:
    """Send ``s`` when the snapshot is taken, then ``SHA256\\nREVISION``; exit at once."""
    code = 1
    try:
        digest = records_digest(path, on_snapshot=lambda: os.write(out, b"s"))
        os.write(out, f"{digest.sha256}\n{digest.revision}".encode())
        code = 0
    finally:
        os._exit(code)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 4096):
        chunks.append(chunk)
    return b"".join(chunks)
