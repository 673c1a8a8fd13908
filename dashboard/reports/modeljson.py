"""JSON bytes of a report model written by orjson from the models, without a dump first.

``stdlib_json_bytes(report.model_dump(mode="json"), ...)`` builds a second copy of the
report as dicts and lists (at 100k hosts: ~93k findings with their evidence, millions of
containers) only to serialise it. orjson can walk the models themselves: each model is
handed to :func:`_fields`, which returns the model's field dict (``__dict__``: its
fields, in field order, for the plain row models of :mod:`dashboard.reports.model`), and
dates and times are written by pydantic's own JSON serialiser, so the bytes are those of
the dump path. Anything else (a model with serialisers, computed or excluded fields or
extra values; a set, bytes, a big integer), and any output that
:func:`dashboard.reports.jsonbytes.stdlib_json_bytes` would not have taken from orjson
(floats below 1e-4), goes through the dump path instead: the bytes never depend on which
path ran (tested on the demo and generated estates).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

import orjson
from pydantic import BaseModel, TypeAdapter

from dashboard.reports.jsonbytes import orjson_bytes_hold, stdlib_json_bytes

__all__ = [
    "model_json_bytes",
    "plain_classes",
    "plain_fields",
    "unchecked_json_bytes",
    "unchecked_model_json_bytes",
]

_PLAIN: set[type] = set()
"""Model classes whose ``__dict__`` is what ``model_dump`` gives (checked once each)."""
_TEMPORAL: TypeAdapter[datetime | date | time] = TypeAdapter(datetime | date | time)


class _NotPlain(TypeError):
    """A value :func:`_fields` does not write as the dump would: take the dump path."""


def model_json_bytes(
    model: BaseModel, *, indent: bool = False, sort_keys: bool = False, omit: str = ""
) -> bytes:
    """``stdlib_json_bytes(model.model_dump(mode="json") without key omit, ...)``."""
    out = unchecked_model_json_bytes(model, indent=indent, sort_keys=sort_keys, omit=omit)
    if out is not None and orjson_bytes_hold(out):
        return out
    body = model.model_dump(mode="json")
    body.pop(omit, None)
    return stdlib_json_bytes(body, indent=indent, sort_keys=sort_keys)


def unchecked_model_json_bytes(
    model: BaseModel,
    *,
    indent: bool = False,
    sort_keys: bool = False,
    omit: str = "",
    replace: Mapping[str, Any] | None = None,
) -> bytes | None:
    """orjson's bytes of ``model`` (as :func:`model_json_bytes` writes them when they hold),
    or None when orjson cannot write it from the models; not checked with
    :func:`~dashboard.reports.jsonbytes.orjson_bytes_hold`: the caller must know they hold
    (:mod:`dashboard.reports.sealjson`: the same values' other layout held). ``replace``
    gives some of ``model``'s fields as the plain values (dicts for models) this writer
    would make of them, which orjson then writes without a call per model: the caller
    vouches for them (:func:`plain_fields`)."""
    given = replace or {}
    try:
        top = {k: given.get(k, v) for k, v in _fields(model).items() if k != omit}
    except _NotPlain:
        return None
    return unchecked_json_bytes(top, indent=indent, sort_keys=sort_keys)


def unchecked_json_bytes(
    value: Any, *, indent: bool = False, sort_keys: bool = False
) -> bytes | None:
    """orjson's bytes of ``value``, its models written as :func:`unchecked_model_json_bytes`
    writes them, or None when orjson cannot write it that way (not checked either)."""
    option = orjson.OPT_PASSTHROUGH_DATETIME
    option |= (orjson.OPT_INDENT_2 if indent else 0) | (orjson.OPT_SORT_KEYS if sort_keys else 0)
    try:
        return orjson.dumps(value, default=_fields, option=option)
    except (orjson.JSONEncodeError, _NotPlain):
        return None


def plain_fields(model: BaseModel) -> dict[str, Any] | None:
    """The field dict this writer writes for ``model`` (its ``__dict__``), or None when
    ``model``'s class is not written that way."""
    try:
        fields: dict[str, Any] = _fields(model)
    except _NotPlain:
        return None
    return fields


def plain_classes(*classes: type[BaseModel]) -> bool:
    """True when every model of these classes is written as its ``__dict__``."""
    return all(cls in _PLAIN or _is_plain(cls) for cls in classes)


def _fields(value: Any) -> Any:
    """orjson's ``default``: a model's fields, a date or time as pydantic writes it."""
    cls = type(value)
    if cls in _PLAIN:
        return value.__dict__
    if isinstance(value, BaseModel):
        if not _is_plain(cls):
            raise _NotPlain(cls.__name__)
        _PLAIN.add(cls)
        return value.__dict__
    if isinstance(value, datetime | date | time):
        return _TEMPORAL.dump_python(value, mode="json")
    raise _NotPlain(cls.__name__)


def _is_plain(cls: type[BaseModel]) -> bool:
    """True when a ``cls`` model's ``model_dump`` is its ``__dict__``: no extra values, no
    serialisers, no computed or excluded fields (the dump is by field name anyway)."""
    decorators = cls.__pydantic_decorators__
    return not (
        cls.model_config.get("extra") == "allow"
        or decorators.field_serializers
        or decorators.model_serializers
        or cls.model_computed_fields
        or any(f.exclude for f in cls.model_fields.values())
        or cls.model_config.get("ser_json_timedelta", "iso8601") != "iso8601"
        or cls.model_config.get("ser_json_temporal", "iso8601") != "iso8601"
        or cls.model_config.get("ser_json_inf_nan", "null") != "null"
        or cls.model_config.get("ser_json_bytes", "utf8") != "utf8"
    )
