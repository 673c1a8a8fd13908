"""orjson-backed JSON bytes equal the standard library's for every value a report can hold."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dashboard.reports.jsonbytes import stdlib_json_bytes

CASES: list[Any] = [
    {"b": 1, "a": [1.5, "é", None, True, False], "c": {}, "d": [], "e": [[]]},
    [1e-05, 9.9e-05, 0.0001, 1.5e-06, 1e-07, 1e-10, -3e-05, 5e-324],
    [1e16, 1e22, 1.2345678901234568e17, 100.0, -0.0, 0.30000000000000004],
    [2**64, -(2**63) - 1, 2**63 - 1],
    {1: "int key", "z": "str key"},
    ["\x00\x1f\x7f\u2028\u2029", '"quoted" \\ back/slash', "\U0001f600 tab\t nl\n"],
    {"note": "threshold 0.00001 in a string", "x": 2.5},
]


@pytest.mark.parametrize("indent", [False, True])
@pytest.mark.parametrize("sort_keys", [False, True])
@pytest.mark.parametrize("data", CASES)
def test_same_bytes_as_json_dumps(data: Any, indent: bool, sort_keys: bool) -> None:
    if sort_keys and isinstance(data, dict) and any(not isinstance(k, str) for k in data):
        with pytest.raises(TypeError):  # mixed keys cannot be sorted, by either encoder
            stdlib_json_bytes(data, indent=indent, sort_keys=True)
        return
    expected = json.dumps(
        data,
        indent=2 if indent else None,
        sort_keys=sort_keys,
        separators=(",", ": ") if indent else (",", ":"),
        ensure_ascii=False,
    ).encode()
    assert stdlib_json_bytes(data, indent=indent, sort_keys=sort_keys) == expected
