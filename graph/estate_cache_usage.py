"""The estate usage of a cached view (:mod:`graph.estate_cache`), kept as columns in its file.

``estate_usage(view)`` is ~1.8 s of CPU at 100k hosts on a report's critical path, right
after the read, and depends on the view alone (and on ``group_level``, always False here):
the cache file, keyed by the store's content and ``graph``'s source code, holds it exactly
when it holds the view. Pickled as models (a ``__setstate__`` or a ``trusted_model`` call
per record, ~150,000 vendor uses and ~20,000 host groups) it would load little faster
than it computes, so :func:`pack_usage` writes it as columns (one list per field) that
:func:`unpack_usage` rebuilds in batch, as :mod:`graph.estate_cache_pack` does for the
provenance records: the field dicts by comprehensions, the records by C-level ``map``
passes of ``object.__new__`` and of the slot and ``__dict__`` descriptors' setters, each
host group's uses by slicing. Provenance records stay the view's (persistent ids in the
file's body), strings are the view's node keys where equal (one object in the file).
A usage of another shape (a model with extra or private values, fields in another order,
a field not set) is not packed: the reader computes it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from itertools import accumulate, repeat
from typing import Any, TypeVar

import networkx as nx
from pydantic import BaseModel

from graph.risk.concentration_models import HostGroupUsage, VendorUse
from graph.risk.concentration_usage import EstateUsage
from graph.trusted import slot_setters

__all__ = ["PackedUsage", "pack_usage", "unpack_usage"]

PackedUsage = tuple[Any, ...]
"""``(groups, uses, unattributed, names, members, gaps, group_level)``: ``groups`` and
``uses`` are tuples of columns, the others the usage's own values."""

M = TypeVar("M", bound=BaseModel)

_GROUP_FIELDS = tuple(HostGroupUsage.model_fields)
_USE_FIELDS = tuple(VendorUse.model_fields)
_new = object.__new__
_consume = deque[object](maxlen=0).extend


_SETTERS: dict[type[BaseModel], dict[str, Callable[[Any, Any], None]]] = {
    model: slot_setters(model) for model in (VendorUse, HostGroupUsage)
}


def pack_usage(usage: EstateUsage, view: nx.MultiDiGraph) -> PackedUsage | None:
    """``usage`` as columns (module docstring), its strings made ``view``'s node keys where
    equal; None when a record is not of the shape :func:`unpack_usage` rebuilds."""
    groups = list(usage.groups.values())
    uses = [use for group in groups for use in group.uses]
    if list(usage.groups) != [g.host_group for g in groups]:
        return None
    if not (_plain(groups, HostGroupUsage) and _plain(uses, VendorUse)):
        return None
    pool = {key: key for key in view._node if type(key) is str}
    same = pool.setdefault
    group_columns = (
        [same(g.host_group, g.host_group) for g in groups],
        [_shared(g.operator, same) for g in groups],
        [g.hosts for g in groups],
        [tuple(same(f, f) for f in g.functions) for g in groups],
        [g.critical for g in groups],
        [len(g.uses) for g in groups],
    )
    use_columns = (
        [u.layer for u in uses],
        [same(u.vendor, u.vendor) for u in uses],
        [same(u.via, u.via) for u in uses],
        [u.provenance for u in uses],
    )
    return (
        group_columns,
        use_columns,
        dict(usage.unattributed),
        dict(usage.names),
        dict(usage.members),
        usage.gaps,
        usage.group_level,
    )


def unpack_usage(packed: PackedUsage) -> EstateUsage:
    """The :class:`EstateUsage` that :func:`pack_usage` packed (equal, record by record)."""
    group_columns, use_columns, unattributed, names, members, gaps, group_level = packed
    keys, operators, hosts, functions, critical, counts = group_columns
    layers, vendors, vias, provenance = use_columns
    uses = _records(
        VendorUse,
        [
            {"layer": layer, "vendor": vendor, "via": via, "provenance": prov}
            for layer, vendor, via, prov in zip(layers, vendors, vias, provenance, strict=True)
        ],
        _USE_FIELDS,
    )
    ends = list(accumulate(counts))
    by_group = map(tuple, map(uses.__getitem__, map(slice, [0, *ends[:-1]], ends)))
    groups = _records(
        HostGroupUsage,
        [
            {
                "host_group": key,
                "operator": operator,
                "hosts": count,
                "functions": funcs,
                "critical": crit,
                "uses": own,
            }
            for key, operator, count, funcs, crit, own in zip(
                keys, operators, hosts, functions, critical, by_group, strict=True
            )
        ],
        _GROUP_FIELDS,
    )
    return EstateUsage(
        groups=dict(zip(keys, groups, strict=True)),
        unattributed=unattributed,
        names=names,
        members=members,
        gaps=gaps,
        group_level=group_level,
    )


def _records(model: type[M], dicts: list[dict[str, Any]], fields: tuple[str, ...]) -> list[M]:
    """``trusted_model(model, d)`` for each of ``dicts`` (every field set), in batch."""
    count = len(dicts)
    records: list[M] = list(map(_new, repeat(model, count)))
    values: Mapping[str, Iterable[Any]] = {
        "__dict__": dicts,
        "__pydantic_fields_set__": map(set, repeat(fields, count)),
        "__pydantic_extra__": repeat(None),
        "__pydantic_private__": repeat(None),
    }
    for name, setter in _SETTERS[model].items():
        _consume(map(setter, records, values[name]))
    return records


def _plain(records: list[Any], model: type[BaseModel]) -> bool:
    """Every record as :func:`_records` builds it: of ``model`` itself, fields in order,
    all set, no extra or private values."""
    fields = tuple(model.model_fields)
    every = set(fields)
    return all(
        type(r) is model
        and tuple(r.__dict__) == fields
        and r.__pydantic_fields_set__ == every
        and r.__pydantic_extra__ is None
        and r.__pydantic_private__ is None
        for r in records
    )


def _shared(text: str | None, same: Callable[[str, str], str]) -> str | None:
    return None if text is None else same(text, text)
