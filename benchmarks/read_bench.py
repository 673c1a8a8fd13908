"""Time a report's read and rank stages: this tree (estate cache off, missed, hit) against a
baseline checkout, each run in a fresh process, interleaved (docs/benchmarks.md, issue 7).

    .venv/bin/python benchmarks/read_bench.py --store COPY.sqlite [--baseline /tmp/basebcd]
        [--runs 3] [--modes off,miss,hit]

``read`` is what ``build_report``'s read stage does (documents, findings, the canonical
view: from the store, or from the estate cache), ``rank`` its rank stage (the compiled
snapshot, unless the cache held it, and the ranking of every vendor and channel). The
modules both need (numba's kernels among them) are imported before the clock starts, in
the baseline too. ``miss`` starts from an empty cache directory, so it also forks the
child that writes the file; ``wait`` is how long the process then waits for that child
(in a report it overlaps the later stages). ``hit`` reads a file written beforehand (by an
untimed first run, which also has numba compile the kernels of each tree once). Wall
and process CPU seconds (the digest thread's CPU included), medians over ``--runs``; the
load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, os, sys, time
from graph.gcpause import paused_gc
from graph.risk.policy import Policy
from graph.risk.ranking_engine import rank_view, view_snapshot
from graph.risk.subject import FailureMode
from graph.store import open_store
import graph.risk.fastrank, graph.risk.fastreport, graph.risk.snapshot  # noqa: F401
try:
    from graph.estate_cache import read_estate
except ImportError:  # the baseline
    read_estate = None
    from graph.vendors_rows import store_canonical_view

store = open_store(sys.argv[1])
marks = [(time.perf_counter(), time.process_time())]
with paused_gc():
    documents, findings = store.documents(), store.findings()
    if read_estate is None:
        view = store_canonical_view(store)
        snapshot = lambda: view_snapshot(view)
        source, estate = "store", None
    else:
        estate = read_estate(store, documents)
        view, snapshot, source = estate.view, estate.snapshot, estate.source
    marks.append((time.perf_counter(), time.process_time()))
    ranked = rank_view(
        view, ("vendor", "channel"), FailureMode.BAD_UPDATE, policy=Policy(), snapshot=snapshot()
    )
    marks.append((time.perf_counter(), time.process_time()))
    if estate is not None:
        estate.close()
    marks.append((time.perf_counter(), time.process_time()))
print(json.dumps({"source": source, "ranked": len(ranked), "marks": marks}), flush=True)
os._exit(0)
"""


def _run(store: str, root: Path, cache: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(root), "RISKGRAPH_VIEW_CACHE": cache}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, store],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--baseline", default="/tmp/basebcd")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--modes", default="off,miss,hit")
    args = parser.parse_args(argv)
    print(f"load average at start: {_load()}")
    modes = ["baseline", *args.modes.split(",")]
    with tempfile.TemporaryDirectory(prefix="read-bench-") as tmp:
        warm = str(Path(tmp) / "warm")
        # untimed: numba's kernels compiled into each tree's cache, the hit runs' file
        _run(args.store, Path(args.baseline), "off")
        _run(args.store, REPO, warm)
        figures: dict[str, list[tuple[float, ...]]] = {m: [] for m in modes}
        for i in range(args.runs):
            for mode in modes:
                root = Path(args.baseline) if mode == "baseline" else REPO
                cache = {"hit": warm, "miss": str(Path(tmp) / f"miss{i}")}.get(mode, "off")
                result = _run(args.store, root, cache)
                marks = result["marks"]
                assert isinstance(marks, list)
                (w0, c0), (w1, c1), (w2, c2), (w3, _) = marks
                figures[mode].append((w1 - w0, c1 - c0, w2 - w1, c2 - c1, w3 - w2))
                print(
                    f"  run {i + 1} {mode:<8} ({result['source']}): read {w1 - w0:6.2f} s wall "
                    f"{c1 - c0:6.2f} s cpu, rank {w2 - w1:6.2f} / {c2 - c1:6.2f}",
                    file=sys.stderr,
                    flush=True,
                )
    print("mode        read wall  read cpu  rank wall  rank cpu  read+rank cpu  wait wall")
    base = statistics.median(r[1] + r[3] for r in figures["baseline"])
    for mode, rows in figures.items():
        med = [statistics.median(r[k] for r in rows) for k in range(5)]
        total = statistics.median(r[1] + r[3] for r in rows)
        print(
            f"{mode:<10} {med[0]:10.2f} {med[1]:9.2f} {med[2]:10.2f} {med[3]:9.2f} "
            f"{total:10.2f} ({total / base:4.2f}x) {med[4]:9.2f}"
        )
    print(f"load average at end: {_load()}")
    return 0


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
