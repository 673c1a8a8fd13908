"""Time loading an estate cache file (the read stage of a warm report, without the store's
key and digest): this tree against a baseline checkout, each run a fresh process,
interleaved (docs/benchmarks.md, issue 7).

    .venv/bin/python benchmarks/estate_load_bench.py --store COPY.sqlite \\
        --cache DIR --baseline /tmp/base545 --baseline-cache DIR2 [--runs 5]

Each tree reads the file its own code names for the store (its ``store_key``) in its
cache directory: write it beforehand with a report or ``riskgraph ingest`` of that tree
(``RISKGRAPH_VIEW_CACHE=DIR``). The modules the file's objects need (networkx, numpy, the
snapshot's classes) are imported before the clock, with the collector off as in a
report. Prints wall and process CPU (user + system) seconds per run, then medians, and
the load average at the start and the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_CHILD = r"""
import gc, resource, sys, time
from pathlib import Path
gc.disable()
import graph.estate_cache as ec, graph.risk.snapshot  # noqa: F401
from graph.estate_cache_key import store_key
target = Path(sys.argv[2]) / f"{store_key(Path(sys.argv[1])).name}.pickle"
before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
loaded = ec._load(target)
after, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - started
if loaded is None:
    raise SystemExit(f"no readable cache file {target}")
cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
print(f"{wall:.3f} {cpu:.3f}")
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--cache", required=True, help="this tree's cache directory")
    parser.add_argument("--baseline", help="a baseline checkout")
    parser.add_argument("--baseline-cache", help="the baseline's cache directory")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    trees = {"head": (REPO, args.cache)}
    if args.baseline:
        trees = {"base": (Path(args.baseline), args.baseline_cache or args.cache), **trees}
    print(f"load average at start: {_load()}", flush=True)
    rows: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
    for run in range(args.runs):
        for name, (root, cache) in trees.items():
            env = {**os.environ, "PYTHONPATH": str(root)}
            out = subprocess.run(
                [sys.executable, "-c", _CHILD, args.store, cache],
                cwd=root,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
            wall, cpu = float(out[0]), float(out[1])
            rows[name].append((wall, cpu))
            print(f"run {run + 1} {name:4s} wall {wall:5.2f} cpu {cpu:5.2f}  load {_load()}")
    for name, values in rows.items():
        wall = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        print(f"median {name:4s} wall {wall:5.2f} cpu {cpu:5.2f}")
    print(f"load average at end: {_load()}")
    return 0


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


if __name__ == "__main__":
    raise SystemExit(main())
