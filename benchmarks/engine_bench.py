"""Risk-engine benchmark: synthetic estate -> SQLite -> view -> snapshot -> queries -> ranking.

    .venv/bin/python benchmarks/engine_bench.py --sizes 10k,100k [--runs 3] [--queries 300]
    .venv/bin/python benchmarks/engine_bench.py --sizes 1m --runs 1 --reference-queries 10

For each size: generate the estate (benchmarks/synth_estate.py), ingest it with the real
CLI (``riskgraph ingest``) into a fresh SQLite store, then, in a fresh process per run,
build the canonical view (``graph.vendors.canonical_view``), the snapshot
(``graph.risk.snapshot.build_snapshot``), and time: single what-if queries on random
vendors and channels (seeded) with the networkx reference ``blast_radius`` and the fast
path ``fast_blast_radius``; the full ranking of every vendor and channel (fast path; the
reference ranking only where it takes minutes, not hours); and the networkx baseline
``nx.ancestors`` of the hub vendor (most SUPPLIED_BY edges). Each stage reports its
time and the process's peak RSS. Medians over ``--runs``. Prints Markdown for
docs/benchmarks.md. Estates and stores go under ``--workdir`` (kept for re-runs).
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


def analyse(store_path: Path, queries: int, reference_queries: int, seed: int) -> dict[str, float]:
    """One run, in this process: view, snapshot, queries, ranking, baseline."""
    import random  # noqa: PLC0415

    import networkx as nx  # noqa: PLC0415

    from graph.risk.blast import blast_radius  # noqa: PLC0415
    from graph.risk.fastblast import fast_blast_radius  # noqa: PLC0415
    from graph.risk.ranking import rank_subjects  # noqa: PLC0415
    from graph.risk.snapshot import build_snapshot  # noqa: PLC0415
    from graph.risk.subject import Subject  # noqa: PLC0415
    from graph.store.sqlite import SqliteStore  # noqa: PLC0415
    from graph.vendors import canonical_view  # noqa: PLC0415

    r: dict[str, float] = {"rss_start": _rss_mib()}
    store = SqliteStore(store_path)
    t = time.perf_counter()
    view = canonical_view(store)
    r["view_s"] = time.perf_counter() - t
    r["rss_view"] = _rss_mib()
    r["nodes"], r["edges"] = view.number_of_nodes(), view.number_of_edges()
    t = time.perf_counter()
    snap = build_snapshot(view)
    r["snapshot_s"] = time.perf_counter() - t
    r["rss_snapshot"] = _rss_mib()
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
    ref = []
    for key in picks[:reference_queries]:
        t = time.perf_counter()
        if key.startswith("vendor:"):
            blast_radius(view, Subject(kind="vendor", ref=key))
        else:
            blast_radius(view, Subject(kind="channel", ref=key))
        ref.append(time.perf_counter() - t)
    if ref:
        r["ref_p50_ms"], r["ref_p95_ms"] = _pct(ref, 0.5) * 1e3, _pct(ref, 0.95) * 1e3
        r["ref_queries"] = len(ref)
    hub = max(vendors, key=lambda v: len(snap.supplied.row(v)))
    hub_key = snap.keys[hub]
    anc = []
    for _ in range(5):
        t = time.perf_counter()
        nx.ancestors(view, hub_key)
        anc.append(time.perf_counter() - t)
    r["ancestors_hub_ms"] = statistics.median(anc) * 1e3
    t = time.perf_counter()
    fast_blast_radius(snap, hub_key)
    r["fast_hub_ms"] = (time.perf_counter() - t) * 1e3
    t = time.perf_counter()
    ranking = rank_subjects(view, snapshot=snap)
    r["rank_fast_first_s"] = time.perf_counter() - t
    t = time.perf_counter()
    rank_subjects(view, snapshot=snap)
    r["rank_fast_s"] = time.perf_counter() - t
    r["subjects"] = len(ranking)
    r["rss_end"] = _rss_mib()
    store.close()
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
            "from graph.vendors import canonical_view\n"
            "from graph.risk.snapshot import build_snapshot\n"
            "from graph.risk.fastblast import fast_blast_radius\n"
            "from graph.risk.ranking import rank_subjects\n"
            "view = canonical_view(SqliteStore(__import__('pathlib').Path(sys.argv[1])))\n"
            "snap = build_snapshot(view)\n"
            "key = snap.keys[snap.subjects('Vendor')[0]]\n"
            "t = time.perf_counter()\n"
            "fast_blast_radius(snap, key); rank_subjects(view, snapshot=snap)\n"
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
    store = args.workdir / f"store-{size}-{args.seed}.sqlite"
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
            "int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))))"
        )
        argv = [str(store), str(args.queries), str(args.reference_queries), str(args.seed)]
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
    parser.add_argument("--compile", action="store_true", help="also time a cold numba compile")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows = [bench_size(size, args) for size in args.sizes.split(",")]
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    if __package__ in (None, ""):
        sys.path.insert(0, str(REPO))
    main()
