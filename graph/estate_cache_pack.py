"""How :mod:`graph.estate_cache` pickles a view and its snapshot: fewer objects to rebuild.

Unpickling a 100k-host view is rebuilding its ~10 million objects; these make that
fewer and cheaper:

- equal strings become one object (:func:`share_strings`): the view built from the rows
  holds a string per row for what is one value (edge kinds, roles and keys, endpoint
  keys, attribute values), 380,000 string objects for 43,000 values at 10k hosts. The
  pickler writes a shared object once, and the loaded view is smaller;
- the provenance records (a million at 100k) are written first, as columns (document ids,
  SHA-256s, locations), and rebuilt in one batch (:func:`load`): their field dicts by one
  comprehension, the records by C-level ``map`` passes of ``object.__new__`` and of the
  ``__dict__`` and slot descriptors' setters, with no Python frame per record. The view
  and snapshot follow as a pickle where each record is a persistent id, its index in that
  batch, resolved by ``list.__getitem__``;
- a record of another shape (extra or private values, fields in another order) is
  pickled in line as one :func:`graph.trusted.trusted_model` call instead of pydantic's
  ``__setstate__`` over a state dict.

A file is ``dump(f, view, snapshot, usage)`` after the caller's header lines: two pickles,
the columns ``(document_ids, sha256s, locations, fields_set_codes, fields_sets)`` and
``(view, snapshot, usage)``, ``usage`` the view's estate usage as columns
(:mod:`graph.estate_cache_usage`) or None.
"""

from __future__ import annotations

import copyreg
import pickle
from collections import deque
from collections.abc import Callable, Iterator
from itertools import repeat
from typing import IO, TYPE_CHECKING, Any

import networkx as nx

from graph.gcpause import drop_cached_views
from graph.model import Provenance
from graph.trusted import slot_setters, trusted_model

if TYPE_CHECKING:
    from graph.risk.snapshot import Snapshot

__all__ = ["dump", "load", "share_strings"]

_FIELDS = tuple(Provenance.model_fields)
_new = object.__new__
_consume = deque[object](maxlen=0).extend


_SETTERS = slot_setters(Provenance)


def dump(
    f: IO[bytes], view: nx.MultiDiGraph, snapshot: Snapshot | None, usage: object = None
) -> None:
    """Write the view's provenance columns, then ``(view, snapshot, usage)`` (module
    docstring); records in ``usage`` that are the view's are written as theirs."""
    records = _batched_records(view)
    sets: list[set[str]] = []
    codes: dict[int, int] = {}
    for record in records:
        codes.setdefault(id(record.__pydantic_fields_set__), len(sets))
        if len(sets) < len(codes):
            sets.append(record.__pydantic_fields_set__)
    fields_set_codes = (
        [codes[id(r.__pydantic_fields_set__)] for r in records] if len(sets) > 1 else []
    )
    columns = (
        [r.__dict__["document_id"] for r in records],
        [r.__dict__["sha256"] for r in records],
        [r.__dict__["location"] for r in records],
        fields_set_codes,
        sets,
    )
    pickle.Pickler(f, protocol=5).dump(columns)
    _Pickler(f, {id(r): i for i, r in enumerate(records)}).dump((view, snapshot, usage))


def load(f: IO[bytes]) -> tuple[Any, Any, Any]:
    """``(view, snapshot, usage)`` of a file written by :func:`dump`, read from ``f``'s
    position."""
    documents, sha256s, locations, fields_set_codes, sets = pickle.Unpickler(f).load()
    count = len(documents)
    dicts = [
        {"document_id": d, "sha256": s, "location": loc}
        for d, s, loc in zip(documents, sha256s, locations, strict=True)
    ]
    records: list[Provenance] = list(map(_new, repeat(Provenance, count)))
    fields_sets: Iterator[set[str]] = (
        repeat(sets[0]) if len(sets) == 1 else map(sets.__getitem__, fields_set_codes)
    )
    for name, values in (
        ("__dict__", dicts),
        ("__pydantic_fields_set__", fields_sets),
        ("__pydantic_extra__", repeat(None)),
        ("__pydantic_private__", repeat(None)),
    ):
        _consume(map(_SETTERS[name], records, values))
    body = pickle.Unpickler(f)
    body.persistent_load = records.__getitem__  # type: ignore[method-assign]
    loaded: tuple[Any, Any, Any] = body.load()
    return loaded


class _Pickler(pickle.Pickler):
    """Protocol 5; the batched records as their index, others as :func:`trusted_model`."""

    def __init__(self, f: IO[bytes], index: dict[int, int]) -> None:
        super().__init__(f, protocol=5)
        table: dict[type, Callable[[Any], Any]] = dict(copyreg.dispatch_table)
        table[Provenance] = _reduce_provenance
        self.dispatch_table = table
        self._index = index

    def persistent_id(self, obj: Any) -> int | None:
        return self._index.get(id(obj)) if type(obj) is Provenance else None


def _reduce_provenance(record: Provenance) -> tuple[Any, ...]:
    return trusted_model, (Provenance, record.__dict__, record.__pydantic_fields_set__)


def _batched_records(view: nx.MultiDiGraph) -> list[Provenance]:
    """The view's provenance records (in node and edge attribute tuples) that
    :func:`load` rebuilds exactly, each once, in the order first met."""
    seen: set[int] = set()
    out: list[Provenance] = []
    attrs = list(view._node.values())
    attrs += [
        data
        for targets in view._succ.values()
        for keyed in targets.values()
        for data in keyed.values()
    ]
    for data in attrs:
        for value in data.values():
            if type(value) is not tuple:
                continue
            for item in value:
                if type(item) is Provenance and id(item) not in seen and _plain(item):
                    seen.add(id(item))
                    out.append(item)
    return out


def _plain(record: Provenance) -> bool:
    return (
        tuple(record.__dict__) == _FIELDS
        and record.__pydantic_extra__ is None
        and record.__pydantic_private__ is None
    )


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
