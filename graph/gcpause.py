"""Pause the cyclic garbage collector while building many small acyclic objects.

Parsing a document, building a view or writing a report allocates hundreds of thousands to
tens of millions of small dicts, tuples and records and almost no cycles; every full
collection walks them all (2.6x the parse itself on 50k components, ~40% of reading the
store at 100k). Reference counting still frees what is dropped; cycles wait until resumed.

On leaving the block, what was allocated in it and is still alive (a report, its JSON
dump: millions of containers at 100k hosts) is moved to the oldest generation
(``gc.freeze()`` then ``gc.unfreeze()``, two list splices) instead of staying in the
youngest, where the first young collection after the block walked all of it (1.7 s of
CPU at the end of a 100k report). Cycles among it are still collected, by the next full
collection, as for any long-lived object.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

__all__ = ["drop_cached_views", "paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable automatic collection inside the block; restore it (if it was on) after,
    with what survived the block in the oldest generation (see the module docstring).

    A caller that keeps objects permanently frozen (``gc.freeze()``, e.g. before forking
    workers) finds them unfrozen after the block: nothing here does that."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()  # every tracked object to the permanent generation ...
            gc.unfreeze()  # ... and back into the oldest: no young collection walks them
            gc.enable()


def drop_cached_views(*graphs: Any) -> None:
    """Drop the views networkx caches on each graph (``G.nodes``, ``G.out_edges``, ...).

    Each cached view holds its graph, so a graph that was read is a reference cycle: with
    collection paused it outlives its last use and the first collection afterwards walks
    every node and edge record to free it (about half of a report's final step). Without
    the views, reference counting frees it when the last reference goes. The views are
    rebuilt on next use, so dropping them from a graph still in use is harmless.
    """
    for graph in graphs:
        cls = type(graph)
        for name in [n for n in vars(graph) if isinstance(getattr(cls, n, None), cached_property)]:
            del graph.__dict__[name]
