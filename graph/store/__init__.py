"""Graph stores: the embedded SQLite default and Neo4j, behind one contract."""

from __future__ import annotations

import os
from pathlib import Path

from graph.store.interface import Clock, GraphStore, StoreError, system_clock
from graph.store.sqlite import SqliteStore, default_store_path

__all__ = [
    "NEO4J_SCHEMES",
    "GraphStore",
    "StoreError",
    "StoreMissing",
    "is_neo4j_location",
    "open_store",
]

NEO4J_SCHEMES = frozenset({"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"})


def is_neo4j_location(location: str) -> bool:
    """A Neo4j URI (``neo4j://``, ``bolt://``, ``+s``/``+ssc``), or ``neo4j`` for $NEO4J_URI."""
    scheme, sep, _ = location.partition("://")
    return location == "neo4j" or (bool(sep) and scheme.lower() in NEO4J_SCHEMES)


class StoreMissing(StoreError):
    """``must_exist`` was asked and the embedded store file is not there."""


def open_store(
    location: str | None = None, *, clock: Clock = system_clock, must_exist: bool = False
) -> GraphStore:
    """Open the store named by ``location``: a file path, ``sqlite:///path``, a Neo4j URI
    (``neo4j://host:7687``, ``bolt://``, ``neo4j+s://``), or ``neo4j`` for ``$NEO4J_URI``.

    ``None`` means ``$RISKGRAPH_STORE`` (a path or a URI), else the default embedded store
    in the XDG data directory. Neo4j credentials and database come from ``NEO4J_USER``,
    ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``. With ``must_exist`` an embedded store that
    is not there raises :class:`StoreMissing` instead of being created (readers never
    leave an empty file behind).
    """
    if location is None:
        location = os.environ.get("RISKGRAPH_STORE") or None
        if location is None or not is_neo4j_location(location):
            return _sqlite(default_store_path(), clock, must_exist)
    if is_neo4j_location(location):
        from graph.store.neo4j import Neo4jStore  # noqa: PLC0415 (the driver loads on demand)

        return Neo4jStore.from_env(None if location == "neo4j" else location, clock=clock)
    if location.startswith("sqlite:///"):
        return _sqlite(Path(location.removeprefix("sqlite://")), clock, must_exist)
    if "://" in location:
        scheme = location.split("://", 1)[0]
        raise StoreError(
            f"{location}: unsupported store scheme {scheme!r} "
            "(use a file path or a neo4j://, bolt:// URI)"
        )
    return _sqlite(Path(location), clock, must_exist)


def _sqlite(path: Path, clock: Clock, must_exist: bool) -> SqliteStore:
    if must_exist and not path.is_file():
        raise StoreMissing(f"{path}: no such store file")
    return SqliteStore(path, clock=clock)
