"""Time the report's controls stage alone, several times in one process (issue 7).

    .venv/bin/python benchmarks/controls_bench.py --store S.sqlite [--scope all] [--runs 3]

Builds what :func:`dashboard.reports.build_report` has when its controls stage starts (the
canonical view, the scope cut, the ranking's compiled snapshot, the estate usage and the
concentration report), then runs the stage as the report does, ``--runs`` times:
``evaluate_controls`` and ``attach_risk_removed``, each run with a fresh rule context.
Prints wall and process CPU seconds per run, their medians and the load average. Copied
into another checkout (``git archive REV``) it times that checkout's code on the same
data; a checkout whose ``evaluate_controls`` takes no ``snapshot`` gets none.
"""

from __future__ import annotations

import argparse
import inspect
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.reports.build import REPORT_SCOPE_KINDS
from dashboard.reports.scoping import apply_scope, parse_scope
from graph.gcpause import paused_gc
from graph.risk.concentration import concentration_report
from graph.risk.concentration_usage import estate_usage
from graph.risk.controls.engine import evaluate_controls
from graph.risk.policy import Policy
from graph.risk.ranking_engine import view_snapshot
from graph.risk.remediation import attach_risk_removed
from graph.store import open_store
from graph.vendors_rows import store_canonical_view


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--scope", default="all")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    policy = Policy()
    store = open_store(args.store)
    with paused_gc():  # as build_report runs
        full = store_canonical_view(store)
        cut = apply_scope(full, parse_scope(args.scope), store.documents(), store.findings())
        view = cut.scoped.graph
        snapshot = view_snapshot(view)
        usage = estate_usage(view)
        concentration = concentration_report(
            view,
            scope_kinds=REPORT_SCOPE_KINDS,
            intersection_scopes=(),
            policy=policy.concentration,
            controls_policy=policy.controls,
            usage=usage,
        )
        extra = (
            {"snapshot": snapshot}
            if "snapshot" in inspect.signature(evaluate_controls).parameters
            else {}
        )
        walls, cpus = [], []
        for run in range(args.runs):
            wall, cpu = time.perf_counter(), time.process_time()
            findings = evaluate_controls(
                view,
                policy=policy.controls,
                concentration_policy=policy.concentration,
                as_of=datetime(2026, 1, 1, tzinfo=UTC).date(),
                usage=usage,
                concentration=concentration,
                **extra,  # type: ignore[arg-type]
            )
            findings = attach_risk_removed(view, findings, policy=policy, snapshot=snapshot)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            print(f"run {run + 1}: {walls[-1]:.2f} s wall, {cpus[-1]:.2f} s cpu", flush=True)
    store.close()
    print(
        f"controls stage, {len(findings):,} findings: median {statistics.median(walls):.2f} s "
        f"wall, {statistics.median(cpus):.2f} s cpu; load average {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
