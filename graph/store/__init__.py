"""Graph stores: the embedded SQLite default and (later) Neo4j, behind one contract."""

from __future__ import annotations

from pathlib import Path

from graph.store.interface import Clock, GraphStore, StoreError, system_clock
from graph.store.sqlite import SqliteStore, default_store_path

__all__ = ["GraphStore", "StoreError", "open_store"]


def open_store(location: str | None = None, *, clock: Clock = system_clock) -> GraphStore:
    """Open the store named by ``location``: a file path or ``sqlite:///path``.

    ``None`` means the default embedded store (``$RISKGRAPH_STORE`` or the XDG data
    directory).
    """
    if location is None:
        return SqliteStore(default_store_path(), clock=clock)
    if location.startswith("sqlite:///"):
        return SqliteStore(Path(location.removeprefix("sqlite://")), clock=clock)
    if "://" in location:
        scheme = location.split("://", 1)[0]
        raise StoreError(f"{location}: unsupported store scheme {scheme!r} (use a file path)")
    return SqliteStore(Path(location), clock=clock)
