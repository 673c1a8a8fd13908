"""Pydantic validation errors as one user-facing line naming the path in the document.

``operators[2].host_groups[0].host_count: must be >= 0 (got -5)``: the path is written the
way a reader finds the place in YAML (``.field`` and ``[index]``), the problem in words,
the offending value last. A document with several problems is reported by its first one
and a count of the rest, so a refusal stays one line.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from typing import Any, Union

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

__all__ = [
    "ID_PATTERN",
    "PURL_PATTERN",
    "describe_error",
    "one_line",
    "path_of",
    "relevant",
    "with_more",
]

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
PURL_PATTERN = r"^pkg:[A-Za-z][A-Za-z0-9.+-]*/\S+$"

_PATTERN_TEXT = {
    ID_PATTERN: "must be an id of lower-case letters, digits, '.', '_' or '-'",
    PURL_PATTERN: "must be a purl such as pkg:generic/vendor/name@1.0",
}
_COMPARISONS = {
    "greater_than_equal": (">=", "ge"),
    "greater_than": (">", "gt"),
    "less_than_equal": ("<=", "le"),
    "less_than": ("<", "lt"),
}
_TYPE_TEXT = {
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "string_type": "must be a string",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
    "dict_type": "must be a mapping",
    "date_type": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "must be a date (YYYY-MM-DD)",
    "datetime_type": "must be a date or an ISO 8601 timestamp",
    "datetime_parsing": "must be a date or an ISO 8601 timestamp",
    "datetime_from_date_parsing": "must be a date or an ISO 8601 timestamp",
}


def path_of(loc: Sequence[int | str]) -> str:
    """``("operators", 2, "host_count")`` -> ``operators[2].host_count``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, bool) else ("true" if value else "false")
    return text if len(text) <= 60 else text[:57] + "..."


def describe_error(error: ErrorDetails, model: type[BaseModel] | None = None) -> str:
    """The problem of one pydantic error, in words (without the path)."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    got = f" (got {_shown(error.get('input'))})"
    if kind == "missing":
        return "required field missing"
    if kind == "extra_forbidden":
        return _unknown_field(error["loc"], model)
    if kind in _COMPARISONS:
        symbol, name = _COMPARISONS[kind]
        return f"must be {symbol} {ctx.get(name)}{got}"
    if kind in {"enum", "literal_error"}:
        return f"must be one of {ctx.get('expected')}{got}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern"))
        return _PATTERN_TEXT.get(pattern, f"must match {pattern}") + got
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        least = ctx.get("min_length")
        return f"must have at least {least} {'entry' if least == 1 else 'entries'}"
    if kind in _TYPE_TEXT:
        return _TYPE_TEXT[kind] + got
    message = str(error.get("msg", kind))
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    if kind.startswith("riskgraph_"):  # our own PydanticCustomError: complete text
        return message
    return message[:1].lower() + message[1:] + got


def _unknown_field(loc: Sequence[int | str], model: type[BaseModel] | None) -> str:
    name = str(loc[-1]) if loc else "?"
    known = _fields_at(model, loc[:-1]) if model is not None else []
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    if not hint and known:
        hint = f" (expected one of: {', '.join(sorted(known))})"
    return f"unknown field{hint}"


def _fields_at(model: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    """Field names of the model found by walking ``loc`` from ``model``."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    """The BaseModel inside ``X | None``, ``tuple[X, ...]`` or ``Annotated[X, ...]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType, tuple, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def relevant(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """Drop a list's "too short" that only echoes failures of its own items."""

    def echoes(e: ErrorDetails) -> bool:
        loc = tuple(e["loc"])
        return e["type"] == "too_short" and any(
            len(other["loc"]) > len(loc) and tuple(other["loc"][: len(loc)]) == loc
            for other in errors
        )

    return [e for e in errors if not echoes(e)] or errors


def with_more(first: str, total: int) -> str:
    """``first``, plus how many other problems were found."""
    more = total - 1
    return first if more <= 0 else f"{first} (and {more} more problem{'s' if more > 1 else ''})"


def one_line(
    error: ValidationError, *, model: type[BaseModel] | None = None, prefix: str = ""
) -> str:
    """``{path}: {problem}`` for the first error, plus how many more there are."""
    errors = relevant(error.errors(include_url=False))
    first = errors[0]
    path = path_of(first["loc"])
    where = f"{prefix}{path}: " if path else prefix
    if not path and prefix.endswith(": "):
        where = prefix
    return with_more(where + describe_error(first, model), len(errors))
