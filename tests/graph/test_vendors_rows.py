"""The canonical view read from the store's rows is ``canonical_view(store)``: the same
nodes, attributes (and their order), edges, keys and provenance, in the same order."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from graph.store.sqlite import SqliteStore
from graph.vendors import canonical_view
from graph.vendors_rows import canonical_view_from_rows, store_canonical_view
from tests.conftest import REPO, run_cli

SAMPLE = REPO / "sample_sboms"


def _ingested(store_path: Path, source: Path) -> Path:
    result = run_cli("--store", str(store_path), "ingest", str(source))
    assert result.code == 0, result.out[-2000:]
    return store_path


def _both(store_path: Path) -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    store = SqliteStore(store_path)
    try:
        return canonical_view(store), store_canonical_view(store)
    finally:
        store.close()


def _assert_same_graph(expected: nx.MultiDiGraph, actual: nx.MultiDiGraph) -> None:
    assert list(actual.nodes) == list(expected.nodes)
    for key, data in expected.nodes(data=True):
        assert actual.nodes[key] == data, key
        assert list(actual.nodes[key]) == list(data), key  # attribute order too
    edges = list(expected.edges(keys=True, data=True))
    assert list(actual.edges(keys=True, data=True)) == edges
    assert [list(d) for *_, d in actual.edges(keys=True, data=True)] == [list(d) for *_, d in edges]
    assert list(actual.in_edges(keys=True)) == list(expected.in_edges(keys=True))


def test_demo_rows_view_is_the_canonical_view(tmp_path: Path) -> None:
    """Vendor aliases (merged spellings, parents), purl-namespace suppliers, channels."""
    expected, actual = _both(_ingested(tmp_path / "demo.sqlite", SAMPLE))
    _assert_same_graph(expected, actual)
    assert any(len(d.get("merged_from") or ()) > 1 for _, d in expected.nodes(data=True))
    assert any(r == "purl-namespace" for *_, r in expected.edges(data="role"))
    assert any(len(p) > 1 for *_, p in expected.edges(data="provenance"))


def test_rows_view_keeps_placeholders_of_a_removed_document(tmp_path: Path) -> None:
    store_path = _ingested(tmp_path / "store.sqlite", SAMPLE)
    listed = run_cli("--store", str(store_path), "documents", "--format", "json").json()[
        "documents"
    ]
    sbom = next(d["id"] for d in listed if "aegis-sensor-windows" in d["path"])
    assert run_cli("--store", str(store_path), "remove", sbom).code == 0
    expected, actual = _both(store_path)
    assert any(d.get("placeholder") for _, d in expected.nodes(data=True))
    _assert_same_graph(expected, actual)


def test_empty_store_gives_an_empty_view(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "empty.sqlite")
    try:
        assert canonical_view_from_rows(store).number_of_nodes() == 0
    finally:
        store.close()


@pytest.fixture(scope="module")
def synth10k_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from benchmarks.synth import generate

    out = tmp_path_factory.mktemp("synth") / "estate"
    generate("10k", 7, out)
    return _ingested(out.parent / "store.sqlite", out)


def test_synthetic_10k_rows_view_is_the_canonical_view(synth10k_store: Path) -> None:
    expected, actual = _both(synth10k_store)
    assert expected.number_of_nodes() > 9_000
    _assert_same_graph(expected, actual)
