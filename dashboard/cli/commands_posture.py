"""``riskgraph concentration`` and ``riskgraph controls``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date

from pydantic import BaseModel

from dashboard.cli.commands_risk import analysis_view, policy_from_args, write_csv
from dashboard.cli.output import render_json, render_table
from dashboard.cli.settings import clock_from_env
from graph.risk.concentration import concentration_report
from graph.risk.controls.base import Finding
from graph.risk.controls.engine import evaluate_controls
from graph.risk.remediation import attach_risk_removed
from graph.vocabulary import Severity

AddFormat = Callable[..., None]
_FORMATS = ("table", "json", "csv")


class ControlsReport(BaseModel):
    """``riskgraph controls --format json``: the remediation plan."""

    policy_version: str
    as_of: date
    findings: list[Finding]


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], add_format: AddFormat
) -> None:
    p = sub.add_parser(
        "concentration",
        help="vendor concentration per layer and scope (HHI, CR1/CR3, bands), "
        "single-vendor dependencies, systemic vendors",
    )
    p.add_argument("--group-level", action="store_true", help="collapse vendors to parent groups")
    p.add_argument("--policy", help="YAML file overriding policy fields")
    add_format(p, _FORMATS)
    p.set_defaults(handler=_concentration)

    p = sub.add_parser(
        "controls",
        help="missing staged-rollout, customer-control, validation and recovery controls, "
        "ordered by blast radius removed",
    )
    p.add_argument("--severity", choices=[s.value for s in Severity], help="at least this severity")
    p.add_argument("--control", help="only this control id (e.g. KG-SR-01)")
    p.add_argument("--policy", help="YAML file overriding policy fields")
    add_format(p, _FORMATS)
    p.set_defaults(handler=_controls)


def _concentration(args: argparse.Namespace) -> int:
    policy = policy_from_args(args)
    report = concentration_report(
        analysis_view(args),
        group_level=args.group_level,
        policy=policy.concentration,
        controls_policy=policy.controls,
    )
    if args.format == "json":
        render_json(report)
        return 0
    rows = [
        (
            layer.scope.key or "estate",
            layer.layer.value,
            layer.hosts_in_scope,
            layer.by_hosts.suppliers,
            _num(layer.by_hosts.hhi),
            _num(layer.by_hosts.cr1),
            _num(layer.by_hosts.effective_suppliers, 2),
            layer.by_hosts.band_2023.value if layer.by_hosts.band_2023 else "-",
            _num(layer.by_critical_hosts.hhi),
            layer.shares[0].vendor if layer.shares else "-",
        )
        for layer in report.layers
    ]
    headers = (
        "scope",
        "layer",
        "hosts",
        "vendors",
        "hhi",
        "cr1 %",
        "eff. n",
        "band 2023",
        "hhi crit.",
        "top vendor",
    )
    if args.format == "csv":
        write_csv([dict(zip(headers, r, strict=True)) for r in rows], list(headers))
        return 0
    render_table(headers, rows)
    if report.single_vendor:
        sys.stdout.write("\nsingle-vendor dependencies of critical functions (project policy):\n")
        render_table(
            ("function", "layer", "vendor", "share %", "hosts", "escalated", "failing channels"),
            [
                (
                    d.function,
                    d.layer.value,
                    d.vendor,
                    _num(d.share),
                    d.hosts,
                    d.escalated,
                    ",".join(d.failing_channels) or "-",
                )
                for d in report.single_vendor
            ],
        )
    if report.systemic:
        sys.stdout.write("\nsector breadth test (DORA CDR 2024/1502 Art. 2 style, >= 10%):\n")
        render_table(
            ("sector", "vendor", "operators", "count %", "size %", "systemic"),
            [
                (
                    v.sector,
                    v.vendor,
                    len(v.operators_using),
                    _num(v.count_share),
                    _num(v.size_share),
                    v.systemic,
                )
                for v in report.systemic
            ],
        )
    return 0


def _num(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _controls(args: argparse.Namespace) -> int:
    policy = policy_from_args(args)
    view = analysis_view(args)
    as_of = clock_from_env()().date()
    findings = evaluate_controls(
        view,
        policy=policy.controls,
        concentration_policy=policy.concentration,
        as_of=as_of,
    )
    findings = attach_risk_removed(view, findings, policy=policy)
    if args.severity:
        floor = Severity(args.severity).rank
        findings = tuple(f for f in findings if f.severity.rank <= floor)
    if args.control:
        findings = tuple(f for f in findings if f.control == args.control)
    if args.format == "json":
        render_json(
            ControlsReport(policy_version=policy.version, as_of=as_of, findings=list(findings))
        )
        return 0
    headers = ("finding", "severity", "status", "hosts down avoided", "title")
    rows = [
        (
            f.id,
            f.severity.value,
            f.status.value,
            int(f.risk_removed.hosts_down_avoided) if f.risk_removed else "-",
            f.title,
        )
        for f in findings
    ]
    if args.format == "csv":
        write_csv([dict(zip(headers, r, strict=True)) for r in rows], list(headers))
        return 0
    render_table(headers, rows)
    sys.stdout.write(f"\n{len(findings)} findings, ordered by blast radius removed\n")
    return 0
