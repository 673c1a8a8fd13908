"""Single-vendor and systemic records built without revalidation equal validated ones (value,
type of every value, fields set, dump, hash); values of another type are validated; a use's
provenance merged without hashing equals the hashed merge."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from graph.model import Provenance
from graph.risk.concentration import concentration_summary
from graph.risk.concentration_models import SingleVendorDependency, SystemicVendor
from graph.risk.concentration_records import dependency_record, systemic_record
from graph.risk.concentration_usage import _merged, estate_usage
from graph.risk.snapshot import Snapshot
from graph.vocabulary import ProductCategory
from tests.graph.risk.test_concentration_closure import estates


def _same_as_validated(record: BaseModel) -> None:
    validated = type(record)(**dict(record.__dict__))
    assert record == validated
    assert [type(v) for v in vars(record).values()] == [type(v) for v in vars(validated).values()]
    assert record.model_fields_set == validated.model_fields_set
    assert record.model_dump_json() == validated.model_dump_json()
    assert hash(record) == hash(validated)


def _check(view: nx.MultiDiGraph) -> tuple[int, int]:
    summary = concentration_summary(view)
    for record in (*summary.single_vendor, *summary.systemic):
        _same_as_validated(record)
    return len(summary.single_vendor), len(summary.systemic)


def test_demo_findings_equal_validated_records(demo: tuple[nx.MultiDiGraph, Snapshot]) -> None:
    single, systemic = _check(demo[0])
    assert single and systemic


@settings(max_examples=40, deadline=None)
@given(view=estates())
def test_random_findings_equal_validated_records(view: nx.MultiDiGraph) -> None:
    _check(view)


_DEPENDENCY = {
    "operator": "operator:o",
    "function": "function:f",
    "cii": True,
    "layer": ProductCategory.EDR,
    "vendor": "vendor:v",
    "share": 75.0,
    "hosts": 3,
    "function_hosts": 4,
    "host_groups": ("hostgroup:a",),
    "via": ("product:p",),
    "channels": (),
    "failing_channels": (),
    "undeclared_channels": (),
    "escalated": False,
    "provenance": (),
}
_SYSTEMIC = {
    "sector": "sector:energy",
    "vendor": "vendor:v",
    "layers": (ProductCategory.EDR,),
    "population": 2,
    "operators_using": ("operator:o",),
    "count_share": 50.0,
    "size_share": None,
    "size_coverage": 0.0,
    "systemic": None,
    "max_layer_hhi": 10_000.0,
    "common_mode_channels": (),
}


@pytest.mark.parametrize(
    ("build", "values", "field", "value"),
    [
        (dependency_record, _DEPENDENCY, "share", 75),  # an int: validated to 75.0
        (dependency_record, _DEPENDENCY, "layer", "edr"),
        (dependency_record, _DEPENDENCY, "host_groups", ["hostgroup:a"]),
        (systemic_record, _SYSTEMIC, "layers", ("edr",)),
        (systemic_record, _SYSTEMIC, "count_share", 50),
    ],
)
def test_other_types_are_validated(build, values, field, value) -> None:  # type: ignore[no-untyped-def]
    record = build({**values, field: value})
    _same_as_validated(record)
    assert getattr(record, field) is not value  # validated: a new value


@pytest.mark.parametrize(
    ("build", "values", "field", "value"),
    [
        (dependency_record, _DEPENDENCY, "hosts", -1),
        (dependency_record, _DEPENDENCY, "operator", 7),
        (systemic_record, _SYSTEMIC, "population", -2),
    ],
)
def test_bad_values_still_fail(build, values, field, value) -> None:  # type: ignore[no-untyped-def]
    model = SingleVendorDependency if build is dependency_record else SystemicVendor
    with pytest.raises(ValidationError):
        model(**{**values, field: value})
    with pytest.raises(ValidationError):
        build({**values, field: value})


_RECORDS = st.builds(
    Provenance,
    document_id=st.sampled_from(["doc-a", "doc-b"]),
    sha256=st.sampled_from(["0" * 64, "1" * 64]),
    location=st.sampled_from([None, "/a", "/b"]),
)


@settings(max_examples=200, deadline=None)
@given(edge=st.lists(_RECORDS, max_size=3), supplied=st.lists(_RECORDS, max_size=3))
def test_merged_provenance_is_the_records_once_in_order(
    edge: list[Provenance], supplied: list[Provenance]
) -> None:
    merged = _merged(edge, tuple(supplied))
    assert merged == tuple(dict.fromkeys([*edge, *supplied]))
    assert all(a is b for a, b in zip(merged, dict.fromkeys([*edge, *supplied]), strict=True))


def test_a_key_run_as_platform_and_as_product_gives_the_platform_use_first() -> None:
    """The one tie of the uses' sort key (layer, vendor, via): the platform link first."""
    p1, p2, p3 = (Provenance(document_id=f"doc-{i}", sha256="0" * 64) for i in (1, 2, 3))
    view = nx.MultiDiGraph()
    view.add_node("hostgroup:a", kind="HostGroup", host_count=2, provenance=[p1])
    view.add_node("platform:x", kind="Platform", platform_kind="os", category="os")
    view.add_node("vendor:v", kind="Vendor", name="V")
    view.add_edge("hostgroup:a", "platform:x", kind="RUNS", provenance=[p2])
    view.add_edge("hostgroup:a", "platform:x", kind="RUNS_ON", provenance=[p1])
    view.add_edge("platform:x", "vendor:v", kind="SUPPLIED_BY", provenance=[p3])
    uses = estate_usage(view).groups["hostgroup:a"].uses
    assert [(u.layer, u.vendor, u.via, u.provenance) for u in uses] == [
        (ProductCategory.OS, "vendor:v", "platform:x", (p1, p3)),
        (ProductCategory.OS, "vendor:v", "platform:x", (p2, p3)),
    ]
