"""``riskgraph report``: auditor and regulator reports, and ``riskgraph report verify``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from dashboard.cli import fastexit
from dashboard.cli.output import render_json
from dashboard.cli.settings import clock_from_env
from dashboard.reports import (
    FORMATS,
    JsonReport,
    Report,
    ReportError,
    ReportOptions,
    build_json_report,
    build_report,
    write_report,
)
from dashboard.reports.scoping import parse_scope
from dashboard.reports.verify import verify_report
from graph.estate_cache import Estate
from graph.risk.policy import load_policy
from graph.risk.subject import FailureMode
from graph.store import open_store

__all__ = ["register"]

AddFormat = Callable[..., None]
_FORMATS = (*FORMATS, "cyclonedx")
_BY_SUFFIX = {ext: name for name, (_, ext, _) in FORMATS.items()} | {".zip": "csv"}
_DESCRIPTION = """\
Build a reproducible, evidence-backed report of the store for a scope, or verify one.

  riskgraph report --scope SCOPE --format pdf|html|xlsx|csv|json|sarif|cyclonedx --out PATH
  riskgraph report verify REPORT

SCOPE is operator:ID, sector:NAME, jurisdiction:CODE or all. The same store, scope, policy
and clock (SOURCE_DATE_EPOCH) give the same report; every format embeds its manifest and the
SHA-256 of its JSON body, and `verify` rebuilds it from the store and compares. CSV is a ZIP
when --out ends in .zip, else a directory of files.
"""


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], add_format: AddFormat
) -> None:
    del add_format  # report formats are files, not table/json listings
    p = sub.add_parser(
        "report",
        help="auditor/regulator report (PDF, HTML, XLSX, CSV, JSON, SARIF) or verify one",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("action", nargs="?", choices=["verify"], help="verify an existing report")
    p.add_argument("report", nargs="?", metavar="REPORT", help="with verify: the report file")
    p.add_argument("--scope", default="all", help="operator:ID|sector:NAME|jurisdiction:CODE|all")
    p.add_argument(
        "--format",
        choices=_FORMATS,
        help="output format (default: from --out's extension); with verify, json prints "
        "the result as JSON",
    )
    p.add_argument("--out", metavar="PATH", help="file (or CSV directory) to write")
    p.add_argument("--policy", help="YAML file overriding policy fields")
    p.add_argument("--top-vendors", type=int, default=5, help="vendors with full blast radius")
    p.add_argument("--top-channels", type=int, default=5, help="channels with full blast radius")
    p.add_argument(
        "--min-cohort", type=int, default=3, help="operator scope: smallest anonymised cohort"
    )
    p.add_argument(
        "--mode", choices=[m.value for m in FailureMode], default=FailureMode.BAD_UPDATE.value
    )
    p.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    try:
        if args.action == "verify":
            return _verify(args)
        return _build(args)
    except ReportError as e:
        print(f"riskgraph: {e}", file=sys.stderr)
        return 3


def _build(args: argparse.Namespace) -> int:
    if args.report:
        raise ReportError(f"unexpected argument {args.report!r} (did you mean `report verify`?)")
    if not args.out:
        raise ReportError("--out PATH is required (the file or CSV directory to write)")
    out = Path(args.out)
    fmt = args.format or _BY_SUFFIX.get(out.suffix.lower())
    if fmt is None:
        raise ReportError(f"--out {out}: cannot tell the format from the name; give --format")
    scope = parse_scope(args.scope)
    options = ReportOptions(
        top_vendors=args.top_vendors,
        top_channels=args.top_channels,
        min_cohort=args.min_cohort,
        mode=args.mode,
    )
    policy = load_policy(Path(args.policy) if args.policy else None)
    store = open_store(args.store)
    try:
        if fmt == "cyclonedx":
            from dashboard.reports.cyclonedx_estate import write_cyclonedx  # noqa: PLC0415

            write_cyclonedx(store, scope, out, clock=clock_from_env())
            print(f"wrote the estate of {scope.label} as CycloneDX to {out}")
            return 0
        built: list[object] = []
        estates: list[Estate] = []
        make: Callable[..., Report | JsonReport] = (
            partial(build_json_report, out=out)  # no report model: the file needs none
            if fmt == "json"
            else partial(build_report, parallel=True)  # prerender is for JSON only
        )
        report = make(
            store,
            scope,
            policy=policy,
            clock=clock_from_env(),
            options=options,
            retain=built,
            cache_writes=estates,
        )
    finally:
        store.close()
    write_report(report, fmt, out)
    digest = report.digest if isinstance(report, JsonReport) else report.integrity.body_sha256
    print(f"wrote {fmt} report of {scope.label} to {out} (SHA-256 {digest})")
    for estate in estates:  # a missed estate cache file, written once the report is out
        estate.write_detached()
    fastexit.keep(report, built)  # written and closed: the exit need not free any of it
    return 0


def _verify(args: argparse.Namespace) -> int:
    if not args.report:
        raise ReportError("report verify REPORT: name the report file to verify")
    store = open_store(args.store)
    try:
        result = verify_report(Path(args.report), store)
    finally:
        store.close()
    if args.format == "json":
        render_json(result)
    else:
        verdict = "holds" if result.holds else "DOES NOT HOLD"
        print(f"{result.report} ({result.format}): {verdict}")
        print(f"  declared   SHA-256 {result.declared_sha256}")
        print(f"  recomputed SHA-256 {result.recomputed_sha256}")
        if result.file_intact is not None:
            print(f"  file intact: {'yes' if result.file_intact else 'no'}")
        for reason in result.reasons:
            print(f"  - {reason}")
    return 0 if result.holds else 1
