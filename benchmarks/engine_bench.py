"""Risk-engine benchmark: synthetic estate -> SQLite -> snapshot from rows -> queries -> ranking.

    .venv/bin/python benchmarks/engine_bench.py --sizes 10k,100k [--runs 3] [--queries 300]
    .venv/bin/python benchmarks/engine_bench.py --sizes 1m --runs 1 --store-dir DIR

For each size: generate the estate (benchmarks/synth_estate.py), ingest it with the real
CLI (``riskgraph ingest``) into a fresh SQLite store, then, in a fresh process per run,
build the snapshot from the store's rows (``graph.risk.snapshot_rows.snapshot_from_rows``)
and time single what-if queries on random vendors and channels (seeded,
``fast_blast_radius``), the hub vendor (most SUPPLIED_BY edges) and the ranking of every
vendor and channel. Then the networkx baseline in the same process (skipped for the sizes
in ``--no-baseline``): the canonical view (``graph.vendors.canonical_view``), the snapshot
from it, the reference ``blast_radius`` on the first ``--reference-queries`` picks and
``nx.ancestors`` of the hub vendor. Peak RSS is read after the fast path (before the
baseline) and at the end. Medians over ``--runs``; prints JSON. Estates go under
``--workdir``, stores under ``--store-dir`` (default the same; kept for re-runs).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
_PY = sys.executable
_RISKGRAPH = str(Path(_PY).with_name("riskgraph"))


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def analyse(
    store_path: Path, queries: int, reference_queries: int, seed: int, baseline: bool = True
) -> dict[str, float]:
    """One run, in this process: snapshot from rows, queries, ranking; then the networkx
    baseline (canonical view, view-based snapshot, reference queries, ``nx.ancestors``)."""
    import random  # noqa: PLC0415

    from graph.risk.fastblast import fast_blast_radius  # noqa: PLC0415
    from graph.risk.fastrank import rank_subjects_fast  # noqa: PLC0415
    from graph.risk.snapshot_rows import snapshot_from_rows  # noqa: PLC0415
    from graph.store.sqlite import SqliteStore  # noqa: PLC0415

    r: dict[str, float] = {"rss_start": _rss_mib()}
    store = SqliteStore(store_path)
    t, cpu = time.perf_counter(), time.process_time()
    snap = snapshot_from_rows(store)
    r["rows_snapshot_s"] = time.perf_counter() - t
    r["rows_snapshot_cpu_s"] = time.process_time() - cpu  # this process (nodes, assembly)
    r["rss_rows_snapshot"] = _rss_mib()
    r["rss_edge_reader"] = _child_rss_mib()  # the forked process that read the edge rows
    r["nodes"] = snap.node_count
    r["snapshot_edges"] = sum(
        len(c.idx) for c in (snap.structure, snap.runs, snap.runs_on, snap.updated_by)
    )
    vendors = snap.subjects("Vendor")
    channels = snap.subjects("UpdateChannel")
    rng = random.Random(seed)
    picks = [
        snap.keys[rng.choice(vendors if rng.random() < 0.5 else channels)] for _ in range(queries)
    ]
    t = time.perf_counter()
    fast_blast_radius(snap, picks[0])  # first call: loads the compiled kernel (cached)
    r["first_query_s"] = time.perf_counter() - t
    fast = []
    for key in picks:
        t = time.perf_counter()
        fast_blast_radius(snap, key)
        fast.append(time.perf_counter() - t)
    r["fast_p50_ms"], r["fast_p95_ms"] = _pct(fast, 0.5) * 1e3, _pct(fast, 0.95) * 1e3
    r["fast_max_ms"] = max(fast) * 1e3
    hub = max(vendors, key=lambda v: len(snap.supplied.row(v)))
    hub_key = snap.keys[hub]
    t = time.perf_counter()
    fast_blast_radius(snap, hub_key)
    r["fast_hub_ms"] = (time.perf_counter() - t) * 1e3
    t = time.perf_counter()
    ranking = rank_subjects_fast(snap)
    r["rank_fast_first_s"] = time.perf_counter() - t
    t = time.perf_counter()
    rank_subjects_fast(snap)
    r["rank_fast_s"] = time.perf_counter() - t
    r["subjects"] = len(ranking)
    r["rss_fast_path"] = _rss_mib()
    if baseline:
        r.update(_baseline(store, snap, picks[:reference_queries], hub_key))
    store.close()
    return r


def _baseline(store: Any, snap: Any, picks: list[str], hub_key: str) -> dict[str, float]:
    """The networkx path: canonical view, snapshot from it, reference queries, ancestors."""
    import networkx as nx  # noqa: PLC0415

    from graph.risk.blast import blast_radius  # noqa: PLC0415
    from graph.risk.snapshot import build_snapshot  # noqa: PLC0415
    from graph.risk.subject import Subject  # noqa: PLC0415
    from graph.vendors import canonical_view  # noqa: PLC0415

    r: dict[str, float] = {}
    t = time.perf_counter()
    view = canonical_view(store)
    r["view_s"] = time.perf_counter() - t
    r["edges"] = view.number_of_edges()
    t = time.perf_counter()
    from_view = build_snapshot(view)
    r["snapshot_s"] = time.perf_counter() - t
    r["rss_view"] = _rss_mib()
    r["same_snapshot"] = float(list(from_view.keys) == list(snap.keys))
    ref = []
    for key in picks:
        subject = Subject(kind="vendor" if key.startswith("vendor:") else "channel", ref=key)
        t = time.perf_counter()
        blast_radius(view, subject)
        ref.append(time.perf_counter() - t)
    if ref:
        r["ref_p50_ms"], r["ref_p95_ms"] = _pct(ref, 0.5) * 1e3, _pct(ref, 0.95) * 1e3
        r["ref_queries"] = len(ref)
    anc = []
    for _ in range(5):
        t = time.perf_counter()
        nx.ancestors(view, hub_key)
        anc.append(time.perf_counter() - t)
    r["ancestors_hub_ms"] = statistics.median(anc) * 1e3
    return r


def _stage(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run a command; (seconds, its peak RSS in MiB, stdout)."""
    code = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "dt = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "sys.stderr.write(p.stderr[-2000:])\n"
        "print(dt, rss, p.returncode)\n"
        "print(p.stdout)\n"
    )
    done = subprocess.run(
        [_PY, "-c", code, *argv], capture_output=True, text=True, cwd=REPO, env=env, check=True
    )
    first, _, rest = done.stdout.partition("\n")
    seconds, rss, rc = first.split()
    if rc != "0":
        raise SystemExit(f"{' '.join(argv)} failed ({rc}): {rest[-400:]} {done.stderr[-1000:]}")
    return float(seconds), float(rss), rest


def _compile_seconds(store: Path) -> float:
    """First fast query in a process with an empty numba cache: compile time."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        code = (
            "import sys, time\n"
            "from graph.store.sqlite import SqliteStore\n"
            "from graph.risk.snapshot_rows import snapshot_from_rows\n"
            "from graph.risk.fastblast import fast_blast_radius\n"
            "from graph.risk.fastrank import rank_subjects_fast\n"
            "snap = snapshot_from_rows(SqliteStore(__import__('pathlib').Path(sys.argv[1])))\n"
            "key = snap.keys[snap.subjects('Vendor')[0]]\n"
            "t = time.perf_counter()\n"
            "fast_blast_radius(snap, key); rank_subjects_fast(snap)\n"
            "print(time.perf_counter() - t)\n"
        )
        out = subprocess.run(
            [_PY, "-c", code, str(store)],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env,
            check=True,
        )
    return float(out.stdout.strip())


def bench_size(size: str, args: argparse.Namespace) -> dict[str, object]:
    estate = args.workdir / f"estate-{size}-{args.seed}"
    store = (args.store_dir or args.workdir) / f"store-{size}-{args.seed}.sqlite"
    row: dict[str, object] = {"size": size}
    if not estate.exists():
        gen = [_PY, "benchmarks/synth_estate.py", "--size", size, "--seed", str(args.seed)]
        row["generate_s"], row["generate_rss"], _ = _stage([*gen, "--out", str(estate)])
    if not store.exists():
        ingest = [_RISKGRAPH, "--store", str(store), "ingest", str(estate)]
        row["ingest_s"], row["ingest_rss"], _ = _stage(ingest)
    runs = []
    for _ in range(args.runs):
        code = (
            "import json, sys; from benchmarks.engine_bench import analyse; "
            "print(json.dumps(analyse(__import__('pathlib').Path(sys.argv[1]), "
            "int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == '1')))"
        )
        baseline = "0" if size in args.no_baseline.split(",") else "1"
        argv = [
            str(store),
            str(args.queries),
            str(args.reference_queries),
            str(args.seed),
            baseline,
        ]
        _, rss, out = _stage([_PY, "-c", code, *argv])
        result = json.loads(out.strip().splitlines()[-1])
        result["rss_peak"] = rss
        runs.append(result)
        print(f"  {size} run: {json.dumps(result)}", file=sys.stderr)
    for key in runs[0]:
        row[key] = statistics.median(float(r[key]) for r in runs if key in r)
    if args.compile:
        row["compile_s"] = _compile_seconds(store)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--reference-queries", type=int, default=200)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "rg-bench")
    parser.add_argument(
        "--store-dir", type=Path, default=None, help="where the stores are (default: --workdir)"
    )
    parser.add_argument(
        "--no-baseline",
        default="1m",
        help="sizes without the networkx baseline (the view of 1M does not fit; default: 1m)",
    )
    parser.add_argument("--compile", action="store_true", help="also time a cold numba compile")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows = [bench_size(size, args) for size in args.sizes.split(",")]
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    if __package__ in (None, ""):
        sys.path.insert(0, str(REPO))
    main()
