"""A SQLite store's canonical view and its compiled snapshot, cached on disk by content.

Building the canonical view of a 100k-host estate from the store's rows is ~5.5 s of CPU
(a million provenance records, 690,000 edges) and compiling its snapshot ~1 s more; the
same objects unpickle in a third of that. :func:`read_estate` looks for a cache file named
by the store's key (:mod:`graph.estate_cache_key`), unpickles it while the store's records
are hashed beside it (:mod:`graph.estate_cache_digest`), and uses it only when that digest
is the one the file was written with. Otherwise it builds both as before and writes the
file (:mod:`graph.estate_cache_write`) from a forked child that runs while the caller goes
on (:meth:`Estate.close` waits for it), or, for a one-shot command (``defer=True``), from a
detached low-priority child started by :meth:`Estate.write_detached` once the command's
output is out. Either child has the objects as they were at the fork.

The file also holds the view's estate usage (``estate_usage(view)``, 1.8 s of a 100k
report's CPU, :mod:`graph.estate_cache_usage`): :meth:`Estate.usage` reads it from there
on a hit, and otherwise computes it once, which is the usage the writer then keeps (the
writer computes it when the caller did not).

Only stores of :data:`MIN_DOCUMENTS` active documents or more are cached (a small view
builds faster than it unpickles) and views of at most :data:`MAX_EDGES` edges (the
child's copy-on-write pages and the pickler's memo would double a 1M-host view's memory).

The files live in ``$RISKGRAPH_VIEW_CACHE`` (``off`` disables the cache), else
``$XDG_CACHE_HOME/riskgraph/views``, else ``~/.cache/riskgraph/views``: the user's own
directory, never beside the store, as a pickle runs code when loaded and a store may come
from someone else. The newest :data:`KEEP` files are kept.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from graph.estate_cache_digest import DigestProcess, DigestThread
from graph.estate_cache_key import RecordsDigest, store_key
from graph.estate_cache_pack import load
from graph.estate_cache_usage import PackedUsage, unpack_usage
from graph.estate_cache_write import (
    KEEP,
    MAGIC,
    write_detached,
    write_file,
    write_forked,
)
from graph.model import DocumentInfo
from graph.store.interface import GraphStore
from graph.store.sqlite import SqliteStore
from graph.vendors_rows import store_canonical_view

if TYPE_CHECKING:
    from graph.risk.concentration_usage import EstateUsage
    from graph.risk.snapshot import Snapshot

__all__ = ["KEEP", "MAX_EDGES", "MIN_DOCUMENTS", "Estate", "cache_dir", "read_estate"]

MIN_DOCUMENTS = 200
"""Stores with fewer active documents are not cached (as ``SNAPSHOT_DOCUMENTS``)."""
MAX_EDGES = 3_000_000
"""Views with more edges are not written (the 100k estate has 690,000)."""
Compile = Callable[[nx.MultiDiGraph], "Snapshot | None"]
Usage = Callable[[nx.MultiDiGraph], "EstateUsage"]


@dataclass
class _Later:
    """A cache file to write once the caller's output is out (``defer=True``)."""

    target: Path
    revision: str  # the store's, when its key was read and after the view was built
    digest: DigestProcess | DigestThread
    found: RecordsDigest | None = None


class Estate:
    """The canonical view of a store and, on demand, its compiled snapshot."""

    def __init__(
        self,
        view: nx.MultiDiGraph,
        snapshot: Snapshot | None = None,
        *,
        compiled: bool = False,
        source: str = "store",
        packed_usage: PackedUsage | None = None,
    ) -> None:
        self.view = view
        self.source = source
        """``cache`` when read from a cache file, else ``store``."""
        self._snapshot = snapshot
        self._compiled = compiled
        self._usage: EstateUsage | None = None
        self._packed_usage = packed_usage
        self._writer: int | None = None
        self._later: _Later | None = None

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

    def usage(self, compute: Usage | None = None) -> EstateUsage:
        """The estate usage of the whole view (``group_level`` False), read from the cache
        or computed once by ``compute`` (default
        :func:`graph.risk.concentration_usage.estate_usage`)."""
        if self._usage is None:
            if self._packed_usage is not None:
                packed, self._packed_usage = self._packed_usage, None
                self._usage = unpack_usage(packed)
            else:
                if compute is None:
                    from graph.risk.concentration_usage import estate_usage  # noqa: PLC0415

                    compute = estate_usage
                self._usage = compute(self.view)
        return self._usage

    def _usage_to_keep(self) -> EstateUsage | None:
        """What a cache file keeps of :meth:`usage`: None when the view's cannot be
        computed (bad data: the reader then computes it, and fails, as before)."""
        try:
            return self.usage()
        except Exception:
            return None

    def close(self) -> None:
        """Wait for the child writing the cache file, if one was started; take the
        records digest of a deferred write (its child has long finished)."""
        if self._writer is not None:
            pid, self._writer = self._writer, None
            os.waitpid(pid, 0)
        if self._later is not None and self._later.found is None:
            self._later.found = self._later.digest.result()

    def write_detached(self) -> int | None:
        """Write the cache file a deferred read missed (``read_estate(..., defer=True)``)
        from a detached child at the lowest priority (:func:`write_detached`): its pid,
        or None when there is nothing to write. The child compiles the snapshot if the
        caller did not, and goes on after the caller exits; a file appears only once
        complete. Call it once the view and the snapshot are no longer changed (a
        one-shot command, after its output is written)."""
        later, self._later = self._later, None
        if later is None:
            return None
        found = later.found if later.found is not None else later.digest.result()
        if found is None or found.revision != later.revision:
            return None  # the store could not be hashed, or was written meanwhile

        def work() -> None:
            write_file(later.target, found, self.view, self.snapshot(), self._usage_to_keep())

        return write_detached(work)


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
    defer: bool = False,
) -> Estate:
    """The canonical view of ``store`` (``store_canonical_view(store)``), from the cache
    when it holds this store's content; ``documents``, when the caller has them, save a
    query; ``min_documents`` overrides :data:`MIN_DOCUMENTS`. ``background`` writes a new
    cache file from a forked child (else in line). ``defer`` is for a one-shot command
    that may fork (no other threads): the records are hashed in a forked process, and a
    new cache file is written only by :meth:`Estate.write_detached`."""
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
    # started before the view is read: the digest is never of newer content than the view
    digest = DigestProcess(path) if defer else DigestThread(path)
    target = directory / f"{key.name}.pickle"
    loaded = _load(target)
    # a thread is waited for before the build (it would crawl beside it, see the
    # digest module); a deferred miss takes the process's digest after the build
    found = digest.result() if loaded is not None or not defer else None
    if loaded is not None and found is not None and loaded[0] == found.sha256:
        _touch(target)  # pruning keeps the files in use
        return Estate(loaded[1], loaded[2], compiled=True, source="cache", packed_usage=loaded[3])
    del loaded  # a stale file: freed by reference counting before the build
    estate = Estate(store_canonical_view(store))
    if estate.view.number_of_edges() > MAX_EDGES or store.revision() != key.revision:
        digest.close()
        return estate
    if defer:  # the digest child finishes during the build; the file is written after it
        estate._later = _Later(target, key.revision, digest, found)
        return estate
    if found is not None and found.revision == key.revision:
        snapshot = estate.snapshot()
        view = estate.view

        def work() -> None:  # the usage computed here, in a child for a background write
            write_file(target, found, view, snapshot, estate._usage_to_keep())

        if background:
            estate._writer = write_forked(work)
        else:
            work()
    return estate


def _active(documents: Sequence[DocumentInfo]) -> int:
    return sum(1 for d in documents if d.status.value == "active")


def _load(
    path: Path,
) -> tuple[str, nx.MultiDiGraph, Snapshot | None, PackedUsage | None] | None:
    """(records digest, view, snapshot, packed usage) of a cache file; None when absent or
    unreadable."""
    try:
        with path.open("rb") as f:
            if f.readline() != MAGIC:
                return None
            digest = f.readline().strip().decode()
            view, snapshot, usage = load(f)
    except Exception:  # a truncated or foreign file is a cache miss, never an error
        return None
    if not isinstance(view, nx.MultiDiGraph):
        return None
    return digest, view, snapshot, usage


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        return
