"""A timeline of a parallel report build: each process's steps, their CPU and its waits.

``report_bench.py --timeline`` calls :func:`install` before the build and :func:`table`
after it. :func:`install` wraps the build's steps where :mod:`dashboard.reports.build`,
:mod:`~dashboard.reports.forked`, :mod:`~dashboard.reports.sealjson` and the control
engine look them up (module attributes, read at call time), so the forked children, which
run on a copy of this process's memory, time their steps too. Every step appends one line
(process id, name, start and end on the wall clock, the process's CPU time at both) to a
file opened with ``O_APPEND``: lines of several processes do not interleave. A measuring
aid only: the report is the same with or without it.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dashboard.reports import build, forked, sealjson
from graph.risk.controls import engine, plan

__all__ = ["install", "table"]

_OUT: list[int] = []
_ORIGIN: list[float] = []
_ROLE: dict[int, str] = {}


def _record(name: str, wall0: float, cpu0: float, sys0: float) -> None:
    line = f"{os.getpid()}\t{name}\t{wall0:.6f}\t{time.perf_counter():.6f}\t"
    line += f"{cpu0:.6f}\t{time.process_time():.6f}\t{sys0:.6f}\t{os.times().system:.6f}\n"
    os.write(_OUT[0], line.encode())


def _timed(name: str | Callable[..., str], function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        wall0, cpu0, sys0 = time.perf_counter(), time.process_time(), os.times().system
        try:
            return function(*args, **kwargs)
        finally:
            _record(name if isinstance(name, str) else name(*args), wall0, cpu0, sys0)

    return timed


def _patch(module: Any, attribute: str, name: str | Callable[..., str]) -> None:
    setattr(module, attribute, _timed(name, getattr(module, attribute)))


def _child_exit(role: str, original: Callable[..., Any]) -> Callable[..., Any]:
    def exit_after(work: Callable[[], object]) -> Any:
        return original(_timed(f"{role}: whole child", work))

    return exit_after


_STEPS: tuple[tuple[Any, str, str | Callable[..., str]], ...] = (
    (build, "read_estate", "read: estate"),
    (build, "apply_scope", "scope"),
    (build, "estate_usage", "usage"),
    (build, "ranked_and_top", "rank + blast"),
    (build, "concentration_summary", "concentration"),
    (build, "rule_findings", lambda view, control, **_: f"side rule {control}"),
    (build, "report_parts", "sections (parts)"),
    (build, "_sector_context", "sector context"),
    (build, "control_plan", "control plan (all)"),
    (build, "plan_findings", "rows (plan_findings)"),
    (build, "plain_findings", "rows (plain_findings)"),
    (build, "parts_json", "sections as JSON"),
    (build, "controls_section", "controls section"),
    (build, "plain_controls_section", "controls section"),
    (build, "seal_with_json", "seal + JSON (all)"),
    (build, "seal_document", "seal + JSON (all)"),
    (engine, "_findings", lambda rule, _: f"rule {rule.control.id}"),
    (plan, "evaluate_items", "rules (all)"),
    (plan, "risk_removed", "risk removed"),
    (plan, "plan_order", "plan order"),
    (sealjson, "unchecked_json_bytes", "JSON bytes"),
    (sealjson, "orjson_bytes_hold", "orjson check"),
    (sealjson, "read_all", "WAIT for the hash"),
)
"""(module, attribute, step name or a function of the call's arguments giving it)."""


def install(path: Path) -> None:
    """Time the build's steps (see the module docstring) into ``path`` (truncated)."""
    _OUT.append(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644))
    _ORIGIN.append(time.perf_counter())
    for module, attribute, name in _STEPS:
        _patch(module, attribute, name)
    _patch(forked.Forked, "result", "WAIT for rank + blast")
    _patch(forked.ForkedSteps, "next", "WAIT for a side value")
    forked.exit_after = _child_exit("child", forked.exit_after)
    sealjson.exit_after = _child_exit("hash child", sealjson.exit_after)


_ROLES = {"rank + blast": "rank child", "concentration": "side child", "hash child": "hash child"}


def table(path: Path, parent: int) -> str:
    """The recorded steps as a Markdown table, by start time, and each process's waits."""
    os.close(_OUT.pop())
    origin = _ORIGIN.pop()
    rows = []
    for line in path.read_text().splitlines():
        pid, name, w0, w1, c0, c1, s0, s1 = line.split("\t")
        cpu, system = float(c1) - float(c0), float(s1) - float(s0)
        rows.append((int(pid), name, float(w0), float(w1), cpu, system))
    rows.sort(key=lambda r: (r[2], -r[3]))
    roles = {parent: "parent"}
    for pid, name, *_ in rows:
        role = _ROLES.get(name.split(":")[0])
        if pid not in roles and role is not None:
            roles[pid] = role
    out = [
        "| process | step | start s | end s | wall s | cpu s | of which system |",
        "|---|---|---|---|---|---|---|",
    ]
    waits: dict[str, float] = {}
    for pid, name, w0, w1, cpu, system in rows:
        role = roles[pid]
        out.append(
            f"| {role} | {name} | {w0 - origin:.2f} | {w1 - origin:.2f} | {w1 - w0:.2f} | "
            f"{cpu:.2f} | {system:.2f} |"
        )
        if name.startswith("WAIT"):
            waits[role] = waits.get(role, 0.0) + (w1 - w0)
    out.append("")
    out.extend(f"{role} waits {seconds:.2f} s in all" for role, seconds in waits.items())
    return "\n".join(out)
