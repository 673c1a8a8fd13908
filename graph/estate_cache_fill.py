"""Fill the estate cache (:mod:`graph.estate_cache`) after a command wrote the store, so that
the first report or analysis after ``riskgraph ingest`` reads a cached estate.

:func:`fill_detached` starts the detached, lowest-priority writer of
:func:`graph.estate_cache_write.write_detached`; the child opens the store itself and
calls :func:`~graph.estate_cache.read_estate` as any reader would: it computes the
store's key and records digest, builds the canonical view and the snapshot, and writes
the file only when the store was not written meanwhile (the digest's revision is the
key's, and the view was read at that revision). Whatever the store holds when a reader
comes, the reader's own key and digest decide whether the file is used, so a file
written here can never be taken for other content (a later ingest, supersede or remove
changes the key). The caller's output is not delayed: before forking it only reads the
store's key (the ``documents`` table), and forks only when there is a file to write.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from graph import estate_cache
from graph.estate_cache_key import store_key
from graph.estate_cache_write import write_detached
from graph.store.sqlite import SqliteStore

__all__ = ["MAX_FILL_DOCUMENTS", "fill_detached"]

MAX_FILL_DOCUMENTS = 20_000
"""Stores with more active documents are not filled: their views pass
:data:`~graph.estate_cache.MAX_EDGES` (the synthetic estates hold ~135 edges per document:
the 1M estate's 51,000 documents would be built, at many GB, only to be left unwritten)."""


def fill_detached(path: Path, *, min_documents: int | None = None) -> int | None:
    """Write the estate cache file of the SQLite store at ``path`` from a detached child
    when it is missing: the child's pid, or None when nothing is to be written (the
    cache is off, the store is below ``min_documents`` active documents, default
    :data:`~graph.estate_cache.MIN_DOCUMENTS`, or above :data:`MAX_FILL_DOCUMENTS`,
    its file is there already, or the store cannot be read). Call it once the command's
    own writes are committed and its output is out."""
    directory = estate_cache.cache_dir()
    least = estate_cache.MIN_DOCUMENTS if min_documents is None else min_documents
    if directory is None or str(path) == ":memory:" or not path.is_file():
        return None
    try:
        key = store_key(path)
    except (sqlite3.Error, OSError):
        return None
    if not least <= key.active_documents <= MAX_FILL_DOCUMENTS:
        return None
    if (directory / f"{key.name}.pickle").exists():
        return None
    return write_detached(lambda: _fill(path, least))


def _fill(path: Path, least: int) -> None:
    """In the detached child: read the estate as a reader would, writing its file."""
    store = SqliteStore(path)  # the child's own connection
    try:
        estate = estate_cache.read_estate(store, min_documents=least, background=False)
        estate.close()
    finally:
        store.close()
