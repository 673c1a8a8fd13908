"""A cache file's provenance columns rebuild every record as it was written: value, fields
set, attribute order and sharing; records of another shape round-trip in line."""

from __future__ import annotations

import io

import networkx as nx
import pytest

from graph.estate_cache_pack import dump, load
from graph.model import Provenance
from graph.trusted import trusted_model


def _provenance(n: int, location: str | None = "/a") -> Provenance:
    return Provenance(document_id=f"doc-{n}", sha256=f"{n:064x}", location=location)


def _round_trip(view: nx.MultiDiGraph) -> nx.MultiDiGraph:
    f = io.BytesIO()
    dump(f, view, None)
    f.seek(0)
    loaded, snapshot, usage = load(f)
    assert snapshot is None and usage is None  # no usage given: none kept
    assert isinstance(loaded, nx.MultiDiGraph)
    return loaded


def _records(view: nx.MultiDiGraph) -> list[Provenance]:
    nodes = [p for _, d in view.nodes(data=True) for p in d["provenance"]]
    return nodes + [p for *_, d in view.edges(keys=True, data=True) for p in d["provenance"]]


def _state(record: Provenance) -> tuple[object, ...]:
    return (
        type(record),
        list(record.__dict__.items()),
        record.__pydantic_fields_set__,
        record.__pydantic_extra__,
        record.__pydantic_private__,
    )


@pytest.mark.parametrize("mixed", [False, True])
def test_records_come_back_equal_and_shared_as_written(mixed: bool) -> None:
    shared = _provenance(1)
    unset = Provenance(document_id="doc-2", sha256="f" * 64)  # location not in fields set
    reordered = trusted_model(
        Provenance, {"sha256": "e" * 64, "document_id": "doc-3"} | {"location": None}
    )
    view = nx.MultiDiGraph()
    view.add_node("a", kind="vendor", provenance=(shared, _provenance(4, None)))
    view.add_node("b", kind="product", provenance=(unset,) if mixed else (_provenance(5),))
    view.add_edge("a", "b", key="k1", kind="SUPPLIED_BY", provenance=(shared,))
    view.add_edge("b", "a", key="k2", kind="X", provenance=(reordered, _provenance(6, "line 3")))
    loaded = _round_trip(view)
    before, after = _records(view), _records(loaded)
    assert [_state(r) for r in after] == [_state(r) for r in before]
    assert after == before and [hash(r) for r in after] == [hash(r) for r in before]
    assert [r.model_dump_json() for r in after] == [r.model_dump_json() for r in before]
    first = loaded.nodes["a"]["provenance"][0]
    assert loaded.edges["a", "b", "k1"]["provenance"][0] is first  # one object, as written
    assert list(loaded.edges(keys=True, data="kind")) == list(view.edges(keys=True, data="kind"))


def test_records_are_built_from_the_columns_and_a_truncated_file_fails() -> None:
    view = nx.MultiDiGraph()
    view.add_node("a", provenance=(_provenance(1),))
    f = io.BytesIO()
    dump(f, view, None)
    data = f.getvalue().replace(b"doc-1", b"doc-X", 1)
    assert load(io.BytesIO(data))[0].nodes["a"]["provenance"][0].document_id == "doc-X"
    empty = io.BytesIO()
    dump(empty, nx.MultiDiGraph(), None)
    assert load(io.BytesIO(empty.getvalue()))[0].number_of_nodes() == 0
    columns_only = empty.getvalue()[: len(empty.getvalue()) // 2]
    with pytest.raises(Exception):  # noqa: B017 (any error: the reader treats it as a miss)
        load(io.BytesIO(columns_only))
