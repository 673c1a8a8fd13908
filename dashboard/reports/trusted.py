"""Report rows built from values that were validated already, without validating again.

``Model.model_construct(**values)`` skips validation but still walks every field looking
for aliases and defaults; a 100k-host report builds about a million rows (findings,
evidence rows, sources), where that walk was most of the assemble stage. For the row
models of :mod:`dashboard.reports.model` (no aliases, no ``model_post_init``, every
field given) :func:`trusted_row` makes the same object: the same ``__dict__``, fields
set, no extra and no private values, so equal to it and dumped the same.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["trusted_row"]

M = TypeVar("M", bound=BaseModel)

_new = object.__new__
_set = object.__setattr__


def trusted_row(model: type[M], values: dict[str, Any]) -> M:
    """``model.model_construct(**values)`` for ``values`` holding every field of
    ``model``, in field order, each already of its field's type."""
    row = _new(model)
    _set(row, "__dict__", values)
    _set(row, "__pydantic_fields_set__", set(values))
    _set(row, "__pydantic_extra__", None)
    _set(row, "__pydantic_private__", None)
    return row
