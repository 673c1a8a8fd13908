"""Time the report's controls stage and its report rows, several times in one process.

    .venv/bin/python benchmarks/controls_bench.py --store S.sqlite [--scope all] [--runs 3]

Builds what :func:`dashboard.reports.build_report` has when its controls stage starts (the
canonical view, the scope cut, the ranking's compiled snapshot, the estate usage and the
concentration findings), then runs, ``--runs`` times, what the report does with them:
the controls stage (``control_plan``: rules, risk removed, remediation order; each run with
a fresh rule context) and the controls section's rows (``plan_findings`` and
``controls_section``, part of the assemble stage). Prints process CPU and wall seconds per
run, their medians and the load average. Copied into another checkout (``git archive
REV``) it times that checkout's code on the same data: one older than ``control_plan``
runs ``evaluate_controls`` + ``attach_risk_removed`` and ``report_findings`` instead.
"""

from __future__ import annotations

import argparse
import inspect
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.reports.build import REPORT_SCOPE_KINDS
from dashboard.reports.scoping import apply_scope, parse_scope
from dashboard.reports.sections_controls import controls_section
from graph.gcpause import paused_gc
from graph.risk.concentration import concentration_report
from graph.risk.concentration_usage import estate_usage
from graph.risk.policy import Policy
from graph.risk.ranking_engine import view_snapshot
from graph.store import open_store
from graph.vendors_rows import store_canonical_view

AS_OF = datetime(2026, 1, 1, tzinfo=UTC).date()


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
        stage, rows = _stage(view, policy, usage, concentration, snapshot)
        times: dict[str, list[float]] = {"stage": [], "stage wall": [], "rows": [], "total": []}
        count = 0
        for run in range(args.runs):
            wall, cpu = time.perf_counter(), time.process_time()
            found = stage()
            mid = time.process_time()
            times["stage wall"].append(time.perf_counter() - wall)
            count = len(rows(found).findings)
            end = time.process_time()
            times["stage"].append(mid - cpu)
            times["rows"].append(end - mid)
            times["total"].append(end - cpu)
            print(
                f"run {run + 1}: controls stage {times['stage'][-1]:.2f} s cpu "
                f"({times['stage wall'][-1]:.2f} s wall), rows {times['rows'][-1]:.2f} s cpu",
                flush=True,
            )
            del found
    store.close()
    medians = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"{count:,} findings; medians (cpu s): controls stage {medians['stage']:.2f}, rows "
        f"{medians['rows']:.2f}, together {medians['total']:.2f}; stage wall "
        f"{medians['stage wall']:.2f} s; load average {os.getloadavg()[0]:.1f}"
    )
    return 0


def _stage(
    view: Any, policy: Policy, usage: Any, concentration: Any, snapshot: Any
) -> tuple[Callable[[], Any], Callable[[Any], Any]]:
    """This checkout's controls stage and rows (the plan's, or before it the models')."""
    try:
        from dashboard.reports.controls_rows import plan_findings  # noqa: PLC0415
        from graph.risk.controls.plan import control_plan  # noqa: PLC0415
    except ImportError:  # an older checkout: Finding models, risk removed, then rows
        return _models_stage(view, policy, usage, concentration, snapshot)

    def stage() -> Any:
        return control_plan(
            view,
            policy=policy,
            as_of=AS_OF,
            usage=usage,
            concentration=concentration,
            snapshot=snapshot,
        )

    return stage, lambda plan: controls_section(plan_findings(plan))


def _models_stage(
    view: Any, policy: Policy, usage: Any, concentration: Any, snapshot: Any
) -> tuple[Callable[[], Any], Callable[[Any], Any]]:
    from dashboard.reports.sections_controls import report_findings  # noqa: PLC0415
    from graph.risk.controls.engine import evaluate_controls  # noqa: PLC0415
    from graph.risk.remediation import attach_risk_removed  # noqa: PLC0415

    extra = (
        {"snapshot": snapshot}
        if "snapshot" in inspect.signature(evaluate_controls).parameters
        else {}
    )

    def stage() -> Any:
        findings = evaluate_controls(
            view,
            policy=policy.controls,
            concentration_policy=policy.concentration,
            as_of=AS_OF,
            usage=usage,
            concentration=concentration,
            **extra,
        )
        return attach_risk_removed(view, findings, policy=policy, snapshot=snapshot)

    return stage, lambda findings: controls_section(report_findings(findings))


if __name__ == "__main__":
    raise SystemExit(main())
