"""Single-vendor and systemic-vendor findings built without revalidating their values.

The concentration findings of a 100k-host estate are ~17,000
:class:`SingleVendorDependency` and ~4,000 :class:`SystemicVendor` records, each with
tuples of host groups, channels and provenance that validation walks again although every
value was computed here from validated data. :func:`dependency_record` and
:func:`systemic_record` check with ``type()`` that each value already has the type (and
the ints the sign) validation would give, and then make the record as
:func:`graph.trusted.trusted_model` does; anything else is validated as before, so a bad
value still fails the same way. Tested equal to validated records in value, fields set,
dump and hash.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from graph.model import Provenance
from graph.risk.concentration_models import SingleVendorDependency, SystemicVendor
from graph.trusted import trusted_model
from graph.vocabulary import ProductCategory

__all__ = ["dependency_record", "systemic_record"]

_STRINGS = ("host_groups", "via", "channels", "failing_channels", "undeclared_channels")


def dependency_record(values: dict[str, Any]) -> SingleVendorDependency:
    """``SingleVendorDependency(**values)`` (``values`` in field order, every field)."""
    v = values
    if (
        _optional_str(v["operator"])
        and type(v["function"]) is str
        and type(v["cii"]) is bool
        and type(v["layer"]) is ProductCategory
        and type(v["vendor"]) is str
        and type(v["share"]) is float
        and _count(v["hosts"])
        and _count(v["function_hosts"])
        and all(type(v[name]) is tuple for name in _STRINGS)
        and _only_str(chain.from_iterable(v[name] for name in _STRINGS))
        and type(v["escalated"]) is bool
        and type(v["provenance"]) is tuple
        and all(type(p) is Provenance for p in v["provenance"])
    ):
        return trusted_model(SingleVendorDependency, values)
    return SingleVendorDependency(**values)


def systemic_record(values: dict[str, Any]) -> SystemicVendor:
    """``SystemicVendor(**values)`` (``values`` in field order, every field)."""
    v = values
    if (
        type(v["sector"]) is str
        and type(v["vendor"]) is str
        and type(v["layers"]) is tuple
        and all(type(layer) is ProductCategory for layer in v["layers"])
        and _count(v["population"])
        and _strings(v["operators_using"])
        and type(v["count_share"]) is float
        and _optional_float(v["size_share"])
        and type(v["size_coverage"]) is float
        and (v["systemic"] is None or type(v["systemic"]) is bool)
        and _optional_float(v["max_layer_hhi"])
        and _strings(v["common_mode_channels"])
    ):
        return trusted_model(SystemicVendor, values)
    return SystemicVendor(**values)


def _optional_str(value: Any) -> bool:
    return value is None or type(value) is str


def _optional_float(value: Any) -> bool:
    return value is None or type(value) is float


def _count(value: Any) -> bool:
    return type(value) is int and value >= 0


def _strings(value: Any) -> bool:
    return type(value) is tuple and _only_str(value)


def _only_str(values: Iterable[Any]) -> bool:
    return set(map(type, values)) <= _STR


_STR = {str}
