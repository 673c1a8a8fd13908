"""How :mod:`graph.estate_cache` pickles a view and its snapshot: fewer objects to rebuild.

Unpickling a 100k-host view is rebuilding its ~10 million objects; two things make that
fewer and cheaper:

- equal strings become one object (:func:`share_strings`): the view built from the rows
  holds a string per row for what is one value (edge kinds, roles and keys, endpoint
  keys, attribute values), 380,000 string objects for 43,000 values at 10k hosts. The
  pickler writes a shared object once, and the loaded view is smaller;
- a provenance record is rebuilt by one :func:`graph.trusted.trusted_model` call instead
  of pydantic's ``__setstate__`` over a state dict (a million records at 100k).
"""

from __future__ import annotations

import copyreg
import pickle
from collections.abc import Callable
from typing import IO, Any

import networkx as nx

from graph.gcpause import drop_cached_views
from graph.model import Provenance
from graph.trusted import trusted_model

__all__ = ["pickler", "share_strings"]


def pickler(f: IO[bytes]) -> pickle.Pickler:
    """A protocol-5 pickler writing provenance records as :func:`trusted_model` calls."""
    out = pickle.Pickler(f, protocol=5)
    table: dict[type, Callable[[Any], Any]] = dict(copyreg.dispatch_table)
    table[Provenance] = _reduce_provenance
    out.dispatch_table = table
    return out


def _reduce_provenance(record: Provenance) -> tuple[Any, ...]:
    return trusted_model, (Provenance, record.__dict__, record.__pydantic_fields_set__)


def share_strings(view: nx.MultiDiGraph) -> None:
    """Make equal strings of ``view`` one object, in place: node and edge keys, attribute
    values (and strings in list values), provenance fields. Node keys come first, so a
    snapshot's ``keys`` (the view's node key objects) stay shared with the view.

    The adjacency dicts are rebuilt (a dict's keys cannot be replaced in place) in their
    order, each edge's key dict once, for the successor and predecessor maps alike, as
    networkx shares it; networkx's cached views of the graph are dropped first.
    """
    pool: dict[str, str] = {}
    same = pool.setdefault
    drop_cached_views(view)
    nodes = {same(key, key): data for key, data in view._node.items()}
    for data in nodes.values():
        _share_attrs(data, same)
    rebuilt: dict[int, dict[str, dict[str, Any]]] = {}
    succ: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
    for source, targets in view._succ.items():
        out = succ[same(source, source)] = {}
        for target, keyed in targets.items():
            new = {same(k, k): attrs for k, attrs in keyed.items()}
            for attrs in new.values():
                _share_attrs(attrs, same)
            rebuilt[id(keyed)] = out[same(target, target)] = new
    pred = {
        same(target, target): {same(s, s): rebuilt[id(keyed)] for s, keyed in sources.items()}
        for target, sources in view._pred.items()
    }
    view._node = nodes
    view._succ = view._adj = succ
    view._pred = pred


def _share_attrs(data: dict[str, Any], same: Callable[[str, str], str]) -> None:
    for field, value in data.items():
        kind = type(value)
        if kind is str:
            data[field] = same(value, value)
        elif kind is list:
            value[:] = [same(x, x) if type(x) is str else x for x in value]
        elif kind is tuple:
            for item in value:
                if type(item) is Provenance:
                    values = item.__dict__
                    for name, text in values.items():
                        if type(text) is str:
                            values[name] = same(text, text)
