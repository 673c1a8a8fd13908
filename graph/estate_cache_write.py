"""Writing an estate cache file (:mod:`graph.estate_cache`): in line, from a forked child
the caller waits for, or from a detached child that outlives a one-shot command.

A file is written under a temporary name and renamed into place once complete, so a
reader never sees half of one (a writer that dies leaves only its temporary, removed by
the next :func:`prune`). The detached writer (:func:`write_detached`) is what
``riskgraph report`` uses on a miss: it starts once the report is written, leaves the
command's session and standard streams (a caller reading the command's output through a
pipe is not kept waiting for it) and runs at the lowest CPU priority (``SCHED_IDLE``, else
``nice`` 19), so the first report after an ingest pays nothing for the cache and the
next command on the machine is not slowed down by it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from graph.estate_cache_key import RecordsDigest
from graph.estate_cache_pack import dump, share_strings
from graph.estate_cache_usage import pack_usage
from graph.forking import exit_after

if TYPE_CHECKING:
    from graph.risk.concentration_usage import EstateUsage
    from graph.risk.snapshot import Snapshot

__all__ = ["KEEP", "MAGIC", "prune", "write_detached", "write_file", "write_forked"]

KEEP = 4
"""Cache files kept (the newest); a 100k-host estate's is ~110 MB."""
MAGIC = b"riskgraph-estate-cache 3\n"
"""First line of a cache file (its second is the records digest, then
:func:`graph.estate_cache_pack.dump`'s two pickles); version 1 was one pickle, version 2
had no estate usage."""


def write_file(
    path: Path,
    digest: RecordsDigest,
    view: nx.MultiDiGraph,
    snapshot: Snapshot | None,
    usage: EstateUsage | None = None,
) -> bool:
    """Write to a temporary name, rename, drop the oldest files; failures leave no file.
    True when the file is in place. ``usage``, ``estate_usage(view)`` when known, is kept
    with the view (:mod:`graph.estate_cache_usage`). Changes ``view``'s strings
    (:func:`share_strings`): for a view nothing else reads any more, or a forked child's
    copy."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(MAGIC + digest.sha256.encode() + b"\n")
            if snapshot is not None:  # the per-query memo is never input: not written
                snapshot = dataclasses.replace(snapshot, cache=_compiled_part(snapshot))
            share_strings(view)
            packed = None if usage is None else pack_usage(usage, view)
            dump(f, view, snapshot, packed)
        temporary.replace(path)
    except Exception:  # best effort: a report never fails for its cache
        temporary.unlink(missing_ok=True)
        return False
    prune(path.parent)
    return True


def _compiled_part(snapshot: Snapshot) -> dict[str, object]:
    """What :func:`~graph.risk.snapshot.build_snapshot` itself puts in the snapshot's
    memo (the CONTAINS CSR): part of the compiled view, so kept. Without it a cached
    snapshot made the control rules walk CONTAINS edges in Python (TR-01's SBOMs, the
    products a channel updates)."""
    from graph.risk.snapshot import CONTAINS_CSR  # noqa: PLC0415 (numpy: with a snapshot)

    found = snapshot.cache.get(CONTAINS_CSR)
    return {} if found is None else {CONTAINS_CSR: found}


def write_forked(work: Callable[[], object]) -> int | None:
    """Run ``work`` in a forked child (the caller reaps it by the pid returned); None when
    the platform cannot fork (``work`` then runs here)."""
    if not hasattr(os, "fork"):
        work()
        return None
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child process
        exit_after(work)
    return pid


def write_detached(work: Callable[[], object]) -> int | None:
    """Run ``work`` in a detached child at the lowest priority (see the module docstring):
    its pid, which the caller may reap or leave (a process that exits at once leaves it to
    the system); None when the platform cannot fork (nothing runs)."""
    if not hasattr(os, "fork"):
        return None
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # pragma: no cover - the child process

        def detached() -> None:
            _detach()
            work()

        exit_after(detached)
    return pid


def _detach() -> None:
    """Leave the caller's session and streams; yield the CPU to every other process."""
    os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(19)


def prune(directory: Path) -> None:
    """Keep the newest :data:`KEEP` cache files; drop temporaries of dead writers."""
    try:
        files = sorted(directory.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[KEEP:]:
            old.unlink(missing_ok=True)
        for temporary in directory.glob("*.tmp"):
            pid = temporary.name.rsplit(".", 2)[-2]
            if pid.isdigit() and not _alive(int(pid)):
                temporary.unlink(missing_ok=True)
    except OSError:
        return


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
