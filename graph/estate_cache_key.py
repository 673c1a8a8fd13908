"""What a cached estate (:mod:`graph.estate_cache`) is keyed by: the code that builds it and
the SQLite store's content.

A cache file is named by :func:`store_key`: a SHA-256 of the code fingerprint (every
source file of the ``graph`` package, the riskgraph, Python, networkx, numpy and pydantic
versions, the cache format), the store's schema version and revision, every row of its
``documents`` table (id, lineage, status, supersession, info) and the stored length of
each document's packed node and edge rows. That is cheap (no record is read) and changes
with every write riskgraph makes, but two stores can share it with different records
(the same documents, ingested with another parser or in another order, under a fixed
clock). So each file also holds :func:`records_digest`, a SHA-256 of every document's
packed rows, compared before the cached estate is used; it reads the whole store (~0.4 s
of CPU at 100k hosts), in a thread that runs while the cached estate is unpickled
(``sqlite3`` and ``hashlib`` release the GIL while they work), or in a forked process
(:mod:`graph.estate_cache_digest`).
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import quote

import networkx as nx
import numpy as np
import pydantic
import pydantic_core

__all__ = [
    "CACHE_FORMAT",
    "RecordsDigest",
    "StoreKey",
    "code_fingerprint",
    "records_digest",
    "store_key",
]

CACHE_FORMAT = "3"
"""Bumped when the cache file's layout changes."""


@dataclass(frozen=True)
class StoreKey:
    """The cache file's name for a store, and the store revision it was read at."""

    name: str
    revision: str
    active_documents: int


@dataclass(frozen=True)
class RecordsDigest:
    """SHA-256 of every document's packed rows, and the revision it was read at."""

    sha256: str
    revision: str


@cache
def code_fingerprint() -> str:
    """SHA-256 of the ``graph`` package's sources and of the library versions the cached
    objects depend on (a changed merge rule or a new networkx must not load an old file)."""
    digest = hashlib.sha256()
    versions = (
        CACHE_FORMAT,
        _installed_version(),
        sys.version,
        nx.__version__,
        np.__version__,
        pydantic.VERSION,
        pydantic_core.__version__,
    )
    digest.update("\0".join(versions).encode())
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        digest.update(b"\0" + str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _installed_version() -> str:
    """riskgraph's version (what names the code when its sources are not files)."""
    try:
        return version("riskgraph")
    except PackageNotFoundError:
        return "0+unknown"


def _connect(path: Path) -> sqlite3.Connection:
    """A read-only connection of its own (the store's is not shared across threads)."""
    return sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=30.0)


def store_key(path: Path) -> StoreKey:
    """The key of the store at ``path`` as it is now (one read transaction)."""
    digest = hashlib.sha256(code_fingerprint().encode())
    db = _connect(path)
    try:
        db.execute("BEGIN")
        meta = db.execute("SELECT key, value FROM meta ORDER BY key").fetchall()
        revision = next((str(v) for k, v in meta if k == "revision"), "")
        active = 0
        for row in db.execute(
            "SELECT id, lineage, status, superseded_by, info FROM documents ORDER BY id"
        ):
            active += row[2] == "active"
            digest.update(_row_bytes(row))
        digest.update(b"\x1d")
        for row in db.execute(
            "SELECT document_id, length(nodes), length(edges) FROM records ORDER BY document_id"
        ):
            digest.update(_row_bytes(row))
        digest.update(b"\x1d")
        for row in meta:
            digest.update(_row_bytes(row))
        db.execute("COMMIT")
    finally:
        db.close()
    return StoreKey(digest.hexdigest()[:40], revision, active)


def _row_bytes(row: tuple[object, ...]) -> bytes:
    return ("\x1f".join("\x00" if v is None else str(v) for v in row) + "\x1e").encode()


def records_digest(path: Path, on_snapshot: Callable[[], object] | None = None) -> RecordsDigest:
    """SHA-256 over every stored document's id and packed node and edge rows, by id.
    ``on_snapshot`` is called once the read transaction holds the store as it is now (a
    later write does not change the digest): what a reader started after that reads is
    that content or newer."""
    digest = hashlib.sha256()
    db = _connect(path)
    try:
        db.execute("BEGIN")
        (revision,) = db.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        if on_snapshot is not None:
            on_snapshot()
        for doc, nodes, edges in db.execute(
            "SELECT document_id, nodes, edges FROM records ORDER BY document_id"
        ):
            digest.update(f"{doc}\x1f{len(nodes)}\x1f{len(edges)}\x1e".encode())
            digest.update(nodes)
            digest.update(edges)
        db.execute("COMMIT")
    finally:
        db.close()
    return RecordsDigest(digest.hexdigest(), str(revision))
