"""The cached estate is the store's canonical view and snapshot, and only while it holds the
store's content: every write, a same-sized edit behind riskgraph's back, a damaged file
and a changed store each give the freshly built view, never the stale one."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import networkx as nx
import orjson
import pytest

from graph.estate_cache import Estate, read_estate
from graph.estate_cache_digest import DigestProcess
from graph.estate_cache_key import records_digest, store_key
from graph.estate_cache_write import write_detached
from graph.risk.ranking_engine import view_snapshot
from graph.risk.snapshot import CONTAINS_CSR, build_snapshot
from graph.store.sqlite import SqliteStore
from graph.vendors_rows import store_canonical_view
from tests.conftest import REPO, run_cli
from tests.graph.risk.test_fast_engine import _assert_identical
from tests.graph.test_vendors_rows import _assert_same_graph

SAMPLE = REPO / "sample_sboms"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("RISKGRAPH_VIEW_CACHE", str(directory))
    return directory


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite"
    result = run_cli("--store", str(path), "ingest", str(SAMPLE))
    assert result.code == 0, result.out[-2000:]
    return path


def _read(path: Path, *, background: bool = False) -> Estate:
    """The estate as a report reads it (every store cached, whatever its size)."""
    store = SqliteStore(path)
    try:
        estate = read_estate(store, min_documents=0, background=background)
        estate.close()
        return estate
    finally:
        store.close()


def _fresh(path: Path) -> nx.MultiDiGraph:
    store = SqliteStore(path)
    try:
        return store_canonical_view(store)
    finally:
        store.close()


def _assert_is_the_store(estate: Estate, path: Path) -> None:
    """The estate's view and snapshot are those built from the store now."""
    expected = _fresh(path)
    _assert_same_graph(expected, estate.view)
    compiled = view_snapshot(expected)  # None for views the networkx reference ranks
    if compiled is None:
        assert estate.snapshot() is None
    else:
        _assert_identical(compiled, estate.snapshot())


def test_second_read_comes_from_the_cache_and_is_the_store(cache: Path, demo_path: Path) -> None:
    first = _read(demo_path)
    assert first.source == "store"
    assert len(list(cache.glob("*.pickle"))) == 1
    second = _read(demo_path)
    assert second.source == "cache"
    _assert_is_the_store(second, demo_path)
    # provenance records come back equal, hashed and dumped as validated ones
    records = [p for _, d in second.view.nodes(data=True) for p in d["provenance"]]
    assert records
    fresh = [p for _, d in _fresh(demo_path).nodes(data=True) for p in d["provenance"]]
    assert records == fresh
    assert [p.model_dump() for p in records] == [p.model_dump() for p in fresh]
    assert {hash(p) for p in records} == {hash(p) for p in fresh}


def test_a_cached_view_shares_its_strings_and_stays_a_working_graph(
    cache: Path, demo_path: Path
) -> None:
    _read(demo_path)
    view = _read(demo_path).view
    kinds = [d["kind"] for *_, d in view.edges(data=True)]
    assert len({id(k) for k in kinds}) == len(set(kinds))  # one object per value
    for source, target in view.edges():
        assert view._succ[source][target] is view._pred[target][source]
    fresh = _fresh(demo_path)
    for graph in (view, fresh):  # networkx's own updates see one graph in both
        (first, second, key), *_ = graph.edges(keys=True)
        graph.edges[first, second, key]["role"] = "changed"
        graph.add_edge(second, "vendor:new", key="x", kind="SUPPLIED_BY")
        graph.remove_node(first)
    _assert_same_graph(fresh, view)


def test_the_snapshot_comes_back_when_the_view_compiles_one(
    cache: Path, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph.risk import ranking_engine

    monkeypatch.setattr(ranking_engine, "FAST_RANK_NODES", 0)  # the demo gets a snapshot
    assert _read(demo_path).source == "store"
    cached = _read(demo_path)
    assert cached.source == "cache"
    compiled: list[int] = []

    def counted(view: nx.MultiDiGraph) -> object:
        compiled.append(1)
        return view_snapshot(view)

    snapshot = cached.snapshot(counted)  # type: ignore[arg-type]
    assert snapshot is not None and not compiled  # read, not compiled again
    _assert_identical(build_snapshot(_fresh(demo_path)), snapshot)
    # the CONTAINS CSR build_snapshot keeps in the memo comes back too (TR-01 walks it);
    # the query memo does not
    built = build_snapshot(_fresh(demo_path))
    assert set(snapshot.cache) == {CONTAINS_CSR}
    _assert_identical(built.cache[CONTAINS_CSR], snapshot.cache[CONTAINS_CSR])


def test_every_write_gives_the_new_content(cache: Path, demo_path: Path) -> None:
    assert _read(demo_path).source == "store"
    _remove_one(demo_path)
    removed = _read(demo_path)
    assert removed.source == "store"
    _assert_is_the_store(removed, demo_path)
    assert any(d.get("placeholder") for _, d in removed.view.nodes(data=True))
    assert _read(demo_path).source == "cache"
    again = run_cli("--store", str(demo_path), "ingest", str(SAMPLE))
    assert again.code == 0
    restored = _read(demo_path)
    assert restored.source == "store"
    _assert_is_the_store(restored, demo_path)
    assert len(list(cache.glob("*.pickle"))) == 3  # one per revision


def _copy(source: Path, target: Path) -> Path:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def _edit_a_location(path: Path) -> None:
    """One node row's location changed, the row's length kept: what the cheap key reads
    is unchanged, only the records digest tells."""
    with sqlite3.connect(path) as db:
        doc, blob = db.execute(
            "SELECT document_id, nodes FROM records ORDER BY document_id LIMIT 1"
        ).fetchone()
        rows = orjson.loads(blob)
        location = rows[0][2]
        rows[0][2] = location[:-1] + ("#" if location[-1] != "#" else "%")
        edited = orjson.dumps(rows)
        assert len(edited) == len(blob)
        db.execute("UPDATE records SET nodes = ? WHERE document_id = ?", (edited, doc))


def test_a_store_with_the_same_key_and_other_records_is_not_served_the_other(
    cache: Path, demo_path: Path, tmp_path: Path
) -> None:
    other = _copy(demo_path, tmp_path / "other.sqlite")
    _edit_a_location(other)
    assert store_key(other) == store_key(demo_path)  # the file name cannot tell them apart
    assert records_digest(other) != records_digest(demo_path)
    assert _read(demo_path).source == "store"
    served = _read(other)
    assert served.source == "store"
    _assert_is_the_store(served, other)
    assert list(served.view.nodes(data=True)) != list(_fresh(demo_path).nodes(data=True))
    assert _read(other).source == "cache"  # the file now holds the other store's estate
    assert _read(demo_path).source == "store"


@pytest.mark.parametrize("damage", ["truncated", "foreign", "empty"])
def test_a_damaged_cache_file_is_a_miss(cache: Path, demo_path: Path, damage: str) -> None:
    assert _read(demo_path).source == "store"
    (target,) = cache.glob("*.pickle")
    data = target.read_bytes()
    target.write_bytes(
        {"truncated": data[: len(data) // 2], "foreign": b"not a cache file\n", "empty": b""}[
            damage
        ]
    )
    rebuilt = _read(demo_path)
    assert rebuilt.source == "store"
    _assert_is_the_store(rebuilt, demo_path)
    assert _read(demo_path).source == "cache"


def test_the_background_writer_leaves_a_file_the_next_read_uses(
    cache: Path, demo_path: Path
) -> None:
    assert _read(demo_path, background=True).source == "store"
    assert not list(cache.glob("*.tmp"))
    cached = _read(demo_path)
    assert cached.source == "cache"
    _assert_is_the_store(cached, demo_path)


def test_off_small_stores_and_memory_stores_are_not_cached(
    cache: Path, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SqliteStore(demo_path)
    try:
        assert read_estate(store).source == "store"  # 25 documents: below the threshold
        assert not cache.exists()
        monkeypatch.setenv("RISKGRAPH_VIEW_CACHE", "off")
        assert read_estate(store, min_documents=0).source == "store"
        assert not cache.exists()
    finally:
        store.close()
    monkeypatch.setenv("RISKGRAPH_VIEW_CACHE", str(cache))
    memory = SqliteStore(Path(":memory:"))
    try:
        assert read_estate(memory, min_documents=0).view.number_of_nodes() == 0
        assert not cache.exists()
    finally:
        memory.close()


def test_old_files_are_pruned(cache: Path, demo_path: Path, tmp_path: Path) -> None:
    from graph.estate_cache import KEEP

    for i in range(KEEP + 2):  # as many different stores
        other = _copy(demo_path, tmp_path / f"s{i}.sqlite")
        with sqlite3.connect(other) as db:
            db.execute("UPDATE meta SET value = ? WHERE key = 'revision'", (str(1000 + i),))
        assert _read(other).source == "store"
    assert len(list(cache.glob("*.pickle"))) == KEEP


def test_other_code_is_a_miss(
    cache: Path, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file written by another riskgraph (other sources or library versions) is not read."""
    from graph import estate_cache_key

    assert _read(demo_path).source == "store"
    assert _read(demo_path).source == "cache"
    real = estate_cache_key.code_fingerprint()
    monkeypatch.setattr(estate_cache_key, "code_fingerprint", lambda: "another" + real)
    assert _read(demo_path).source == "store"
    assert len(list(cache.glob("*.pickle"))) == 2


def _remove_one(path: Path) -> None:
    listed = run_cli("--store", str(path), "documents", "--format", "json").json()
    sbom = next(d["id"] for d in listed["documents"] if "aegis-sensor-windows" in d["path"])
    assert run_cli("--store", str(path), "remove", sbom).code == 0


def test_a_deferred_miss_is_written_only_by_the_detached_writer(
    cache: Path, demo_path: Path
) -> None:
    store = SqliteStore(demo_path)
    try:
        estate = read_estate(store, min_documents=0, defer=True)
    finally:
        store.close()
    estate.close()  # the build's end: the digest is taken, nothing written yet
    assert estate.source == "store"
    assert not cache.exists() or not list(cache.iterdir())
    pid = estate.write_detached()
    assert pid is not None
    assert os.waitpid(pid, 0)[1] == 0
    assert estate.write_detached() is None  # written once
    assert not list(cache.glob("*.tmp"))
    cached = _read(demo_path)
    assert cached.source == "cache"
    _assert_is_the_store(cached, demo_path)


def test_a_deferred_hit_reads_the_file_and_leaves_nothing_to_write(
    cache: Path, demo_path: Path
) -> None:
    assert _read(demo_path).source == "store"
    store = SqliteStore(demo_path)
    try:
        estate = read_estate(store, min_documents=0, defer=True)
    finally:
        store.close()
    estate.close()
    assert estate.source == "cache"
    assert estate.write_detached() is None
    _assert_is_the_store(estate, demo_path)


def test_the_detached_writer_leaves_the_session_and_streams_and_yields_the_cpu(
    tmp_path: Path,
) -> None:
    seen = tmp_path / "seen.json"

    def work() -> None:
        facts = [os.getsid(0), os.getpid(), os.sched_getscheduler(0)]
        facts += [str(Path(f"/proc/self/fd/{fd}").readlink()) for fd in (0, 1, 2)]
        seen.write_text(json.dumps(facts))

    pid = write_detached(work)
    assert pid is not None
    assert os.waitpid(pid, 0)[1] == 0
    session, own, policy, *streams = json.loads(seen.read_text())
    assert session == own == pid != os.getsid(0)  # its own session: no terminal's signals
    assert policy == os.SCHED_IDLE  # runs only when a core is otherwise idle
    assert streams == [os.devnull] * 3  # a pipe reading the command's output is not held


def test_the_forked_digest_is_of_the_store_as_it_was_when_it_started(demo_path: Path) -> None:
    before = records_digest(demo_path)
    digest = DigestProcess(demo_path)  # returns once its read transaction holds the store
    _remove_one(demo_path)
    after = records_digest(demo_path)
    assert after != before
    assert digest.result() == before
    assert DigestProcess(demo_path).result() == after
    stopped = DigestProcess(demo_path)
    stopped.close()  # not wanted: stopped and reaped
    assert stopped.result() is None
