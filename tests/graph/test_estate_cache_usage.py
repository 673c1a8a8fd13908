"""The estate usage kept in a cache file (graph.estate_cache_usage): read back, it is the
usage computed from the store's view now, record by record, with the view's own
provenance records; the file keeps the usage the run computed; an older file is a miss."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph import estate_cache_key
from graph.estate_cache import Estate, read_estate
from graph.estate_cache_usage import pack_usage, unpack_usage
from graph.estate_cache_write import MAGIC
from graph.risk.concentration_usage import EstateUsage, estate_usage
from graph.store.sqlite import SqliteStore
from graph.trusted import trusted_model
from tests.graph.test_estate_cache import _fresh, _read, cache, demo_path

__all__ = ["cache", "demo_path"]  # the fixtures, shared with the estate cache's tests


def _assert_same_record(got: Any, expected: Any) -> None:
    """Same class, field values in order, fields set, extra and private values."""
    assert type(got) is type(expected)
    assert list(got.__dict__) == list(expected.__dict__)
    assert got.__dict__ == expected.__dict__
    assert got.__pydantic_fields_set__ == expected.__pydantic_fields_set__
    assert got.__pydantic_extra__ is expected.__pydantic_extra__ is None
    assert got.__pydantic_private__ is expected.__pydantic_private__ is None
    assert got == expected and hash(got) == hash(expected)
    assert got.model_dump_json() == expected.model_dump_json()


def _assert_same_usage(got: EstateUsage, expected: EstateUsage) -> None:
    assert list(got.groups) == list(expected.groups)
    for key, group in got.groups.items():
        _assert_same_record(group, expected.groups[key])
        for use, other in zip(group.uses, expected.groups[key].uses, strict=True):
            _assert_same_record(use, other)
    assert list(got.unattributed.items()) == list(expected.unattributed.items())
    assert list(got.names.items()) == list(expected.names.items())
    assert list(got.members.items()) == list(expected.members.items())
    assert got.gaps == expected.gaps
    assert got.group_level is expected.group_level


def _view_records(view: nx.MultiDiGraph) -> set[int]:
    found = {id(p) for _, d in view.nodes(data=True) for p in d.get("provenance", ())}
    return found | {id(p) for *_, d in view.edges(data=True) for p in d.get("provenance", ())}


def _not_called(view: nx.MultiDiGraph) -> EstateUsage:
    raise AssertionError("the usage was computed, not read from the cache file")


def test_a_cached_usage_is_the_usage_of_the_store_now(cache: Path, demo_path: Path) -> None:
    assert _read(demo_path).source == "store"
    cached = _read(demo_path)
    assert cached.source == "cache"
    usage = cached.usage(_not_called)
    assert cached.usage() is usage  # rebuilt once
    expected = estate_usage(_fresh(demo_path))
    assert sum(len(g.uses) for g in expected.groups.values()) > 10  # the demo has uses
    assert expected.gaps and expected.names
    _assert_same_usage(usage, expected)
    # its provenance records are the loaded view's, as a computed usage's are
    used = {id(p) for g in usage.groups.values() for u in g.uses for p in u.provenance}
    assert used and used <= _view_records(cached.view)
    _assert_same_usage(usage, estate_usage(cached.view))


def test_the_detached_writer_keeps_the_usage_the_run_computed(cache: Path, demo_path: Path) -> None:
    """What the run computed is what the file holds (not recomputed by the writer): a
    usage marked by the run comes back from the file."""
    estate = _deferred(demo_path)
    computed = estate_usage(estate.view)
    marked = dataclasses.replace(computed, names={**computed.names, "vendor:marked": "marked"})
    assert estate.usage(lambda _: marked) is marked
    pid = estate.write_detached()
    assert pid is not None
    assert os.waitpid(pid, 0)[1] == 0
    cached = _read(demo_path)
    assert cached.source == "cache"
    _assert_same_usage(cached.usage(_not_called), marked)


def test_a_miss_without_a_computed_usage_still_writes_one(cache: Path, demo_path: Path) -> None:
    estate = _deferred(demo_path)
    pid = estate.write_detached()  # the run never asked for the usage: the writer computes it
    assert pid is not None
    assert os.waitpid(pid, 0)[1] == 0
    _assert_same_usage(_read(demo_path).usage(_not_called), estate_usage(_fresh(demo_path)))


def test_a_usage_of_another_shape_is_not_kept_and_is_computed(cache: Path, demo_path: Path) -> None:
    view = _fresh(demo_path)
    usage = estate_usage(view)
    assert pack_usage(usage, view) is not None
    _assert_same_usage(unpack_usage(pack_usage(usage, view) or ()), usage)
    key, group = next(iter(usage.groups.items()))
    partial = trusted_model(type(group), dict(group.__dict__), {"host_group"})
    odd = dataclasses.replace(usage, groups={**usage.groups, key: partial})
    assert pack_usage(odd, view) is None
    estate = _deferred(demo_path)
    estate.usage(lambda _: odd)
    pid = estate.write_detached()
    assert pid is not None
    assert os.waitpid(pid, 0)[1] == 0
    cached = _read(demo_path)
    assert cached.source == "cache"
    computed: list[int] = []

    def counted(graph: nx.MultiDiGraph) -> EstateUsage:
        computed.append(1)
        return estate_usage(graph)

    _assert_same_usage(cached.usage(counted), estate_usage(_fresh(demo_path)))
    assert computed == [1]


def test_a_file_of_the_previous_format_is_a_miss(cache: Path, demo_path: Path) -> None:
    """A format-2 file (no usage) is never read: its code fingerprint names another file,
    and under this format's name its first line or its body fails to load."""
    assert estate_cache_key.CACHE_FORMAT == "3" and MAGIC == b"riskgraph-estate-cache 3\n"
    assert _read(demo_path).source == "store"
    (target,) = cache.glob("*.pickle")
    header, digest, body = target.read_bytes().split(b"\n", 2)
    assert header + b"\n" == MAGIC
    target.write_bytes(b"riskgraph-estate-cache 2\n" + digest + b"\n" + body)
    assert _read(demo_path).source == "store"  # the old first line: a miss, file rewritten
    assert _read(demo_path).source == "cache"


def test_a_body_of_the_previous_format_is_a_miss(
    cache: Path, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file holding ``(view, snapshot)`` as format 2 did fails to load: a miss."""
    from graph import estate_cache_pack

    real = estate_cache_pack._Pickler.dump

    def two(self: Any, obj: tuple[Any, ...]) -> None:
        real(self, obj[:2])  # what format 2 wrote

    monkeypatch.setattr(estate_cache_pack._Pickler, "dump", two)
    assert _read(demo_path).source == "store"
    assert len(list(cache.glob("*.pickle"))) == 1
    monkeypatch.setattr(estate_cache_pack._Pickler, "dump", real)
    assert _read(demo_path).source == "store"  # the two-item body: a miss, file rewritten
    assert _read(demo_path).source == "cache"


def _deferred(path: Path) -> Estate:
    """The estate of the store at ``path`` read as a one-shot command reads it (a miss:
    its file written only by ``write_detached``), the store closed."""
    store = SqliteStore(path)
    try:
        estate = read_estate(store, min_documents=0, defer=True)
    finally:
        store.close()
    estate.close()
    return estate
