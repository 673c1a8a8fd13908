"""``riskgraph ingest`` and ``riskgraph validate``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from dashboard.batch import check_strict, ingest_batch
from dashboard.cli.output import IngestReport, render_json, render_table
from dashboard.cli.settings import clock_from_env, max_bytes_from_env
from graph.estate_cache_fill import fill_detached
from graph.store import GraphStore, open_store
from graph.store.sqlite import SqliteStore
from ingest.pipeline import collect

AddFormat = Callable[[argparse.ArgumentParser], None]


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], add_format: AddFormat
) -> None:
    for name, help_text in (
        ("ingest", "ingest SBOMs, inventories and channel declarations into the store"),
        ("validate", "check files exactly as ingest would, without touching the store"),
    ):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or directories")
        p.add_argument(
            "--strict",
            action="store_true",
            help="refuse documents with data-quality findings of severity warning or worse",
        )
        p.add_argument(
            "--lenient",
            action="store_true",
            help="ingest documents with unresolved references, dropping those references "
            "(each becomes a DQ-UNRESOLVED-REF finding) instead of refusing the document",
        )
        p.add_argument(
            "--max-bytes",
            type=int,
            default=None,
            help="refuse files larger than this (default: $RISKGRAPH_MAX_FILE_BYTES or 256 MiB)",
        )
        add_format(p)
        p.set_defaults(handler=_run_ingest if name == "ingest" else _run_validate)


def _run_ingest(args: argparse.Namespace) -> int:
    store = open_store(args.store, clock=clock_from_env())
    try:
        status = _run(args, store)
    finally:
        store.close()
    if isinstance(store, SqliteStore):  # the next report reads a cached estate
        fill_detached(store.path)
    return status


def _run_validate(args: argparse.Namespace) -> int:
    return _run(args, None)


def _run(args: argparse.Namespace, store: GraphStore | None) -> int:
    """Ingest (or validate) the named paths; the work is :func:`dashboard.batch.ingest_batch`."""
    max_bytes = args.max_bytes if args.max_bytes is not None else max_bytes_from_env()
    candidates = collect(args.paths)
    with _progress(len(candidates)) as progress:
        task = progress.add_task("ingesting" if store else "validating", total=len(candidates))
        started = False

        def advance(name: str) -> None:
            nonlocal started
            if started:
                progress.advance(task)
            started = True
            progress.update(task, description=name[:40])

        report = ingest_batch(
            candidates,
            store,
            location=args.store,
            max_bytes=max_bytes,
            lenient=args.lenient,
            admit=check_strict if args.strict else None,
            on_item=advance,
        )
    if args.format == "json":
        render_json(report)
    else:
        _print_summary(report)
    return 1 if report.refused else 0


def _print_summary(report: IngestReport) -> None:
    out = sys.stdout
    if report.documents:
        render_table(
            ("document", "format", "spec", "outcome", "components", "vendors", "findings", "name"),
            [
                (
                    d.id,
                    d.format,
                    d.spec_version,
                    d.outcome,
                    d.components,
                    d.vendors,
                    d.findings,
                    d.name[:60],
                )
                for d in report.documents
            ],
        )
    t = report.totals
    verb = "validated" if report.store is None else "ingested"
    out.write(
        f"\n{verb} {t['documents']} documents"
        + (
            f" into {report.store} ({t['inserted']} new, {t['unchanged']} unchanged, "
            f"{t['superseded']} superseded)"
            if report.store
            else ""
        )
        + f": {t['components']:,} components, {t['vendors']:,} vendors, "
        f"{t['data_quality_findings']:,} data-quality findings\n"
    )
    if report.refused:
        out.write(f"refused {len(report.refused)} files:\n")
        for r in report.refused:
            out.write(f"  {r.reason}\n")


def _progress(total: int) -> Progress:
    return Progress(
        TextColumn("{task.description:<40}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        disable=total < 2 or not sys.stderr.isatty(),
        console=Console(stderr=True),
        redirect_stdout=False,
        redirect_stderr=False,
    )
