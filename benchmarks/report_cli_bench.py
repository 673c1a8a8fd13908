"""Time the whole ``riskgraph report`` command as a user runs it, by estate-cache state,
runs interleaved (docs/benchmarks.md, issue 7).

    .venv/bin/python benchmarks/report_cli_bench.py --store COPY.sqlite [--runs 3]
        [--modes base,off,cold,warm] [--baseline /tmp/rep7/base] [--scope all]
        [--format json] [--ref REF.json]

Each run is a fresh process: ``riskgraph report --store COPY --scope SCOPE --format FMT
--out FILE`` with ``SOURCE_DATE_EPOCH=1763683200``. Modes: ``off`` (no estate cache),
``cold`` (an empty cache directory: the first report after an ingest), ``warm`` (a
directory holding the file, written by an untimed run first), ``base`` (the ``--baseline``
checkout's command, cache warm in its own directory). Wall time is from start to the
command's exit; user and system CPU are the command's and its waited-for children's
(``wait4``), not those of a detached cache writer it leaves behind, which is waited for
(untimed) before the next run so that it never competes with one. With ``--ref`` every
output is compared with it byte for byte. Prints each run, then medians; the load average
at the start and the end.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EPOCH = "1763683200"
_ENTRY = "from dashboard.cli.main import entry; entry()"


def _command(root: Path, args: argparse.Namespace, out: Path) -> list[str]:
    return [
        sys.executable,
        "-c",
        _ENTRY,
        "report",
        "--store",
        args.store,
        "--scope",
        args.scope,
        "--format",
        args.format,
        "--out",
        str(out),
    ]


def _run(root: Path, cache: str, args: argparse.Namespace, out: Path) -> tuple[float, ...]:
    """(wall, user, system) seconds of one command run."""
    env = {**os.environ, "PYTHONPATH": str(root), "RISKGRAPH_VIEW_CACHE": cache}
    env["SOURCE_DATE_EPOCH"] = EPOCH
    started = time.perf_counter()
    child = subprocess.Popen(
        _command(root, args, out), cwd=root, env=env, stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"report failed ({child.returncode}) in {root} with cache {cache}")
    return wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 2**20


def _settle(cache: Path, limit: float = 600.0) -> None:
    """Wait (untimed) until a detached writer's file is in ``cache`` and no temporary."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if list(cache.glob("*.pickle")) and not list(cache.glob("*.tmp")):
            return
        time.sleep(0.5)
    raise SystemExit(f"no cache file in {cache} after {limit:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--modes", default="base,off,cold,warm")
    parser.add_argument("--baseline", default="/tmp/rep7/base")
    parser.add_argument("--scope", default="all")
    parser.add_argument("--format", default="json")
    parser.add_argument("--ref", help="expected output: every run's is compared with it")
    args = parser.parse_args(argv)
    modes = args.modes.split(",")
    print(f"load average at start: {_load()}", flush=True)
    figures: dict[str, list[tuple[float, ...]]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory(prefix="report-cli-bench-") as tmp:
        work = Path(tmp)
        out = work / f"report.{args.format}"
        warm = {"warm": work / "warm", "base": work / "base"}
        for mode, directory in warm.items():  # untimed: each tree's file, numba's cache
            if mode in modes:
                root = Path(args.baseline) if mode == "base" else REPO
                _run(root, str(directory), args, out)
                _settle(directory)
        for i in range(args.runs):
            for mode in modes:
                root = Path(args.baseline) if mode == "base" else REPO
                cache = {"off": "off", "cold": str(work / f"cold{i}")}.get(mode)
                row = _run(root, cache or str(warm[mode]), args, out)
                same = "" if not args.ref else (" same" if _same(out, args.ref) else " DIFFERS")
                print(
                    f"  run {i + 1} {mode:<5} wall {row[0]:6.2f} s  user {row[1]:6.2f}  "
                    f"sys {row[2]:5.2f}  peak {row[3]:4.2f} GB{same}  load {_load()}",
                    flush=True,
                )
                if args.ref and not same.endswith("same"):
                    return 1
                figures[mode].append(row)
                if mode == "cold":
                    _settle(work / f"cold{i}")
    print("mode   wall (median)  user  sys   runs (wall)")
    for mode, rows in figures.items():
        med = [statistics.median(r[k] for r in rows) for k in range(3)]
        runs = " ".join(f"{r[0]:.2f}" for r in rows)
        print(f"{mode:<6} {med[0]:8.2f} {med[1]:9.2f} {med[2]:5.2f}   {runs}")
    print(f"load average at end: {_load()}")
    return 0


def _same(out: Path, ref: str) -> bool:
    return filecmp.cmp(out, ref, shallow=False)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
