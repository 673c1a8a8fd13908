"""JSON bytes as the standard library writes them, produced by orjson when that is the same.

The report's JSON and its hash were defined with ``json.dumps(..., ensure_ascii=False)``;
at 100k hosts that pure-Python (indented) encoder took ~20 s for a 243 MiB file. orjson
writes the same bytes (same separators, indentation, escapes, key order, shortest float
repr) except for floats below 1e-4 in magnitude (``0.00001`` and ``1e-7`` where Python
writes ``1e-05`` and ``1e-07``), integers beyond 64 bits and non-string keys (it refuses
those). Output that could hold such a float, and anything orjson refuses, is written by
the standard library instead, so the bytes never depend on which encoder ran. NaN and
infinities cannot reach here: the report models reject them.

Examples
--------
>>> stdlib_json_bytes({"b": [1e-05, "é"], "a": {}}, sort_keys=True)
b'{"a":{},"b":[1e-05,"\\xc3\\xa9"]}'
>>> stdlib_json_bytes({"b": 1, "a": [0.5]}, indent=True)
b'{\\n  "b": 1,\\n  "a": [\\n    0.5\\n  ]\\n}'
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

__all__ = ["orjson_bytes_hold", "stdlib_json_bytes"]

# what orjson writes only for floats of magnitude below 1e-4: "0.0000..." or "e-N" (one
# digit); two searches, each with a literal prefix, scan ~6x faster than one alternation
_SMALL_DECIMAL = b"0.0000"
_ONE_DIGIT_EXPONENT = re.compile(rb"e-\d(?!\d)")


def stdlib_json_bytes(data: Any, *, indent: bool = False, sort_keys: bool = False) -> bytes:
    """``json.dumps(data, ensure_ascii=False, ...)`` as UTF-8: ``indent`` gives two-space
    indentation (separators ``,``/``: ``), else compact (``,``/``:``)."""
    option = (orjson.OPT_INDENT_2 if indent else 0) | (orjson.OPT_SORT_KEYS if sort_keys else 0)
    try:
        out = orjson.dumps(data, option=option)
    except orjson.JSONEncodeError:
        out = None
    if out is not None and orjson_bytes_hold(out):
        return out
    separators = (",", ": ") if indent else (",", ":")
    text = json.dumps(
        data,
        indent=2 if indent else None,
        sort_keys=sort_keys,
        separators=separators,
        ensure_ascii=False,
    )
    return text.encode()


def orjson_bytes_hold(out: bytes) -> bool:
    """True when orjson's ``out`` holds no float the standard library writes otherwise (a
    match may be inside a string: then the caller takes the slower path, same bytes)."""
    return _SMALL_DECIMAL not in out and not _ONE_DIGIT_EXPONENT.search(out)
