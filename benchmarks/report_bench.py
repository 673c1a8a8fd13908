"""Time ``riskgraph report`` stage by stage on a store (docs/benchmarks.md, issue 7).

    .venv/bin/python benchmarks/report_bench.py --store S.sqlite [--scope all] [--formats json,pdf]
        [--prerender json] [--parallel] [--timeline FILE]

Prints the time of each stage of :func:`dashboard.reports.build_report` (read the store and
build the canonical view, scope, rank, blast, concentration, controls, assemble), then of
each renderer, and the end-to-end time per format (build + render), as the CLI runs it.
``--formats json --prerender json --parallel`` is ``riskgraph report --format json``:
:func:`dashboard.reports.build_json_report` (no report model), its JSON written to a
temporary file (``render/json``: that write).
Wall and process CPU seconds: on a shared machine CPU time is the steadier figure; the load
average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import itertools

from benchmarks import report_timeline
from dashboard.cli import fastexit
from dashboard.reports import JsonReport, Report, build_json_report, build_report, render_report
from graph.risk.policy import Policy
from graph.store import open_store


def _mark(marks: list[tuple[str, float, float]], name: str, started: float) -> None:
    now = time.perf_counter()
    marks.append((name, now, time.process_time()))
    print(f"  ... {name} starts at {now - started:.1f} s", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--scope", default="all")
    parser.add_argument("--formats", default="json,pdf")
    parser.add_argument(
        "--prerender",
        choices=["json"],
        help="as `riskgraph report --format json`: the JSON is written while sealing (its "
        "cost moves from render/json to build/assemble)",
    )
    parser.add_argument(
        "--parallel",
        action="store_true",
        help="as `riskgraph report`: sections that do not need the controls are built in a "
        "forked child while they run (its CPU time is not in the cpu column)",
    )
    parser.add_argument(
        "--timeline",
        type=Path,
        metavar="FILE",
        help="record each process's steps (parent and forked children), their CPU and "
        "the parent's waits in FILE and print them as a table (benchmarks/report_timeline.py)",
    )
    args = parser.parse_args(argv)
    if args.timeline is not None:
        report_timeline.install(args.timeline)
    print(f"load average at start: {_load()}")
    store = open_store(args.store)
    marks: list[tuple[str, float, float]] = []
    started, cpu0 = time.perf_counter(), time.process_time()
    kept: list[object] = []  # as the CLI: intermediates outlive the build (freed at exit)
    clock, on_stage = (
        lambda: datetime(2026, 1, 1, tzinfo=UTC),
        lambda name: _mark(marks, name, started),
    )
    cli_json = args.formats == "json" and args.prerender == "json" and args.parallel
    out = Path(tempfile.mkdtemp()) / "report.json"
    report: Report | JsonReport
    if cli_json:
        report = build_json_report(
            store, args.scope, policy=Policy(), clock=clock, out=out, on_stage=on_stage, retain=kept
        )
    else:
        report = build_report(
            store,
            args.scope,
            policy=Policy(),
            clock=clock,
            on_stage=on_stage,
            retain=kept,
            prerender=args.prerender,
            parallel=args.parallel,
        )
    built, cpu1 = time.perf_counter(), time.process_time()
    store.close()
    marks.append(("end", built, cpu1))
    print("stage                 wall s    cpu s")
    for (name, at, c0), (_, until, c1) in itertools.pairwise(marks):
        print(f"build/{name:<14} {until - at:8.2f} {c1 - c0:8.2f}")
    print(f"build total         {built - started:8.2f} {cpu1 - cpu0:8.2f}")
    if args.parallel or args.prerender:
        print(f"forked children cpu s (not in the cpu column): {_children_cpu():.2f}")
    if args.timeline is not None:
        print(report_timeline.table(args.timeline, os.getpid()))
    if isinstance(report, JsonReport):
        t, c = time.perf_counter(), time.process_time()
        report.write(out)
        took, cpu = time.perf_counter() - t, time.process_time() - c
        size = out.stat().st_size / 2**20
        out.unlink()
        out.parent.rmdir()
        print(
            f"render/json (write)  {took:8.2f} {cpu:8.2f}  {size:6.1f} MiB  end to end "
            f"{built - started + took:7.2f} s wall, {cpu1 - cpu0 + cpu:7.2f} s cpu"
        )
        print(f"load average at end: {_load()}")
        fastexit.keep(report, kept)
        return 0
    out.parent.rmdir()
    print(
        f"report: {len(report.inputs):,} inputs, {len(report.controls.findings):,} findings, "
        f"{len(report.blast.ranking):,} ranked subjects, {len(report.concentration.layers):,} "
        "layer rows"
    )
    for fmt in args.formats.split(","):
        t, c = time.perf_counter(), time.process_time()
        data = render_report(report, fmt)
        took, cpu = time.perf_counter() - t, time.process_time() - c
        print(
            f"render/{fmt:<13} {took:8.2f} {cpu:8.2f}  {len(data) / 2**20:6.1f} MiB  end to end "
            f"{built - started + took:7.2f} s wall, {cpu1 - cpu0 + cpu:7.2f} s cpu"
        )
    print(f"load average at end: {_load()}")
    fastexit.keep(report, kept)
    return 0


def _children_cpu() -> float:
    """CPU seconds of the waited-for children (the build's forked helpers)."""
    times = os.times()
    return times.children_user + times.children_system


def _load() -> str:
    """The 1, 5 and 15 minute load averages (CPU time is the figure on a loaded machine)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    fastexit.finish(main())
