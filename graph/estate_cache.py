"""A SQLite store's canonical view and its compiled snapshot, cached on disk by content.

Building the canonical view of a 100k-host estate from the store's rows is ~5.5 s of CPU
(a million provenance records, 690,000 edges) and compiling its snapshot ~1 s more; the
same objects unpickle in a third of that. :func:`read_estate` looks for a cache file named
by the store's key (:mod:`graph.estate_cache_key`), unpickles it while a thread hashes the
store's records, and uses it only when that digest is the one the file was written with.
Otherwise it builds both as before and writes the file from a forked child, which runs
while the caller goes on (:meth:`Estate.close` waits for it); the child has the objects as
they were at the fork, so nothing the caller does later reaches the file.

Only stores of :data:`MIN_DOCUMENTS` active documents or more are cached (a small view
builds faster than it unpickles) and views of at most :data:`MAX_EDGES` edges (the
child's copy-on-write pages and the pickler's memo would double a 1M-host view's memory).

The files live in ``$RISKGRAPH_VIEW_CACHE`` (``off`` disables the cache), else
``$XDG_CACHE_HOME/riskgraph/views``, else ``~/.cache/riskgraph/views``: the user's own
directory, never beside the store, as a pickle runs code when loaded and a store may come
from someone else. The newest :data:`KEEP` files are kept.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from graph.estate_cache_key import DigestThread, RecordsDigest, store_key
from graph.estate_cache_pack import pickler, share_strings
from graph.model import DocumentInfo
from graph.store.interface import GraphStore
from graph.store.sqlite import SqliteStore
from graph.vendors_rows import store_canonical_view

if TYPE_CHECKING:
    from graph.risk.snapshot import Snapshot

__all__ = ["KEEP", "MAX_EDGES", "MIN_DOCUMENTS", "Estate", "cache_dir", "read_estate"]

MIN_DOCUMENTS = 200
"""Stores with fewer active documents are not cached (as ``SNAPSHOT_DOCUMENTS``)."""
MAX_EDGES = 3_000_000
"""Views with more edges are not written (the 100k estate has 690,000)."""
KEEP = 4
"""Cache files kept (the newest); a 100k-host estate's is ~170 MB."""
_MAGIC = b"riskgraph-estate-cache 1\n"
Compile = Callable[[nx.MultiDiGraph], "Snapshot | None"]


class Estate:
    """The canonical view of a store and, on demand, its compiled snapshot."""

    def __init__(
        self,
        view: nx.MultiDiGraph,
        snapshot: Snapshot | None = None,
        *,
        compiled: bool = False,
        source: str = "store",
        writer: int | None = None,
    ) -> None:
        self.view = view
        self.source = source
        """``cache`` when read from a cache file, else ``store``."""
        self._snapshot = snapshot
        self._compiled = compiled
        self._writer = writer

    def snapshot(self, compile_view: Compile | None = None) -> Snapshot | None:
        """The compiled snapshot of the view (None: small enough for networkx), read from
        the cache or compiled once by ``compile_view`` (default
        :func:`graph.risk.ranking_engine.view_snapshot`)."""
        if not self._compiled:
            if compile_view is None:
                from graph.risk.ranking_engine import view_snapshot  # noqa: PLC0415 (numpy)

                compile_view = view_snapshot
            self._snapshot = compile_view(self.view)
            self._compiled = True
        return self._snapshot

    def close(self) -> None:
        """Wait for the child writing the cache file, if one was started."""
        if self._writer is not None:
            pid, self._writer = self._writer, None
            os.waitpid(pid, 0)


def cache_dir() -> Path | None:
    """Where cache files go, or None when ``RISKGRAPH_VIEW_CACHE=off``."""
    explicit = os.environ.get("RISKGRAPH_VIEW_CACHE")
    if explicit:
        return None if explicit.lower() == "off" else Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "riskgraph" / "views"


def read_estate(
    store: GraphStore,
    documents: Sequence[DocumentInfo] | None = None,
    *,
    min_documents: int | None = None,
    background: bool = True,
) -> Estate:
    """The canonical view of ``store`` (``store_canonical_view(store)``), from the cache
    when it holds this store's content; ``documents``, when the caller has them, save a
    query; ``min_documents`` overrides :data:`MIN_DOCUMENTS`. ``background`` writes a new
    cache file from a forked child (else in line)."""
    least = MIN_DOCUMENTS if min_documents is None else min_documents
    directory = cache_dir()
    path = store.path if isinstance(store, SqliteStore) else None
    if directory is None or path is None or str(path) == ":memory:":
        return Estate(store_canonical_view(store))
    if documents is not None and _active(documents) < least:
        return Estate(store_canonical_view(store))
    try:
        key = store_key(path)
    except (sqlite3.Error, OSError):  # e.g. a read-only directory without the WAL's files
        return Estate(store_canonical_view(store))
    if key.active_documents < least:
        return Estate(store_canonical_view(store))
    digest = DigestThread(path)
    target = directory / f"{key.name}.pickle"
    loaded = _load(target)
    found = digest.result()
    if loaded is not None and found is not None and loaded[0] == found.sha256:
        _touch(target)  # pruning keeps the files in use
        return Estate(loaded[1], loaded[2], compiled=True, source="cache")
    del loaded  # a stale file: freed by reference counting before the build
    view = store_canonical_view(store)
    estate = Estate(view)
    if (
        found is not None
        and found.revision == key.revision == store.revision()
        and view.number_of_edges() <= MAX_EDGES
    ):
        snapshot = estate.snapshot()
        estate._writer = _write(target, found, view, snapshot, background=background)
    return estate


def _active(documents: Sequence[DocumentInfo]) -> int:
    return sum(1 for d in documents if d.status.value == "active")


def _load(path: Path) -> tuple[str, nx.MultiDiGraph, Snapshot | None] | None:
    """(records digest, view, snapshot) of a cache file; None when absent or unreadable."""
    try:
        with path.open("rb") as f:
            if f.readline() != _MAGIC:
                return None
            digest = f.readline().strip().decode()
            view, snapshot = pickle.load(f)
    except Exception:  # a truncated or foreign file is a cache miss, never an error
        return None
    if not isinstance(view, nx.MultiDiGraph):
        return None
    return digest, view, snapshot


def _write(
    path: Path,
    digest: RecordsDigest,
    view: nx.MultiDiGraph,
    snapshot: Snapshot | None,
    *,
    background: bool,
) -> int | None:
    """Write the cache file (from a forked child when ``background``: its pid)."""
    if background and hasattr(os, "fork"):
        pid = os.fork()
        if pid:
            return pid
        try:  # pragma: no cover - the child process
            _write_file(path, digest, view, snapshot)
        finally:
            os._exit(0)
    _write_file(path, digest, view, snapshot)
    return None


def _write_file(
    path: Path, digest: RecordsDigest, view: nx.MultiDiGraph, snapshot: Snapshot | None
) -> None:
    """Write to a temporary name, rename, drop the oldest files; failures leave no file."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + digest.sha256.encode() + b"\n")
            if snapshot is not None:  # the per-query memo is never input: not written
                snapshot = dataclasses.replace(snapshot, cache={})
            share_strings(view)
            pickler(f).dump((view, snapshot))
        temporary.replace(path)
    except Exception:  # best effort: a report never fails for its cache
        temporary.unlink(missing_ok=True)
        return
    _prune(path.parent)


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        return


def _prune(directory: Path) -> None:
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
