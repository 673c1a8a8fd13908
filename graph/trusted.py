"""Pydantic records built from values that were validated already, without validating again.

``Model.model_construct(**values)`` skips validation but still walks every field looking
for aliases and defaults; a 100k-host report builds about a million records (usages,
findings, evidence, report rows), where that walk, or a second validation, was much of the
work. For models with no aliases, no ``model_post_init`` and every field given,
:func:`trusted_model` makes the same object: the same ``__dict__``, fields set, no extra
and no private values, so equal to the validated one, hashed and dumped the same. Each
caller's tests compare its records with validated ones field by field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["RECORD_SLOTS", "slot_setters", "trusted_model"]

M = TypeVar("M", bound=BaseModel)

_new = object.__new__
_set = object.__setattr__


def trusted_model(model: type[M], values: dict[str, Any], fields_set: set[str] | None = None) -> M:
    """``model(**values)`` for ``values`` holding every field of ``model`` in field order,
    each of its field's type and within its constraints already (``fields_set``: the
    fields counted as set, when not every key of ``values``)."""
    record = _new(model)
    _set(record, "__dict__", values)
    _set(record, "__pydantic_fields_set__", set(values) if fields_set is None else fields_set)
    _set(record, "__pydantic_extra__", None)
    _set(record, "__pydantic_private__", None)
    return record


RECORD_SLOTS = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
"""What :func:`trusted_model` sets on a record."""


def slot_setters(model: type[BaseModel]) -> dict[str, Callable[[Any, Any], None]]:
    """For each of :data:`RECORD_SLOTS`, the C-level setter of that name on ``model``'s
    records: its slot or ``__dict__`` descriptor, else ``object.__setattr__`` of that name.
    Mapped over columns of records (``map(setter, records, values)``), they build records
    in batch without a Python frame per record (:mod:`graph.estate_cache_pack`)."""
    return {name: _setter(model, name) for name in RECORD_SLOTS}


def _setter(model: type[BaseModel], name: str) -> Callable[[Any, Any], None]:
    for cls in model.__mro__:
        found = cls.__dict__.get(name)
        if found is not None and hasattr(found, "__set__"):
            setter: Callable[[Any, Any], None] = found.__set__
            return setter
    return lambda record, value: object.__setattr__(record, name, value)
