"""``riskgraph ingest`` and ``riskgraph validate``."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from dashboard.cli.output import (
    IngestedDocument,
    IngestReport,
    RefusedFile,
    render_json,
    render_table,
)
from dashboard.cli.settings import clock_from_env, max_bytes_from_env
from graph.model import ParsedDocument
from graph.store import GraphStore, open_store
from graph.store.interface import UpsertResult
from graph.store.sqlite import default_store_path
from graph.vocabulary import NodeKind, Severity
from ingest.pipeline import collect, parse_file, paused_gc
from ingest.resolve import ReferenceIndex, resolve_batch
from ingest.source import IngestError

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
        return _run(args, store)
    finally:
        store.close()


def _run_validate(args: argparse.Namespace) -> int:
    return _run(args, None)


def _add_store_view(index: ReferenceIndex, store: GraphStore | None, location: str | None) -> None:
    """What the store holds (after phase 1, so with this batch's SBOMs); ``validate``
    reads the store only if it exists, and never creates one."""
    known = store if store is not None else _existing_store(location)
    if known is None:
        return
    try:
        index.add_view(known.view(), known.documents())
    finally:
        if known is not store:
            known.close()


def _existing_store(location: str | None) -> GraphStore | None:
    if location is not None and "://" in location and not location.startswith("sqlite:///"):
        return open_store(location)
    path = (
        default_store_path()
        if location is None
        else Path(
            location.removeprefix("sqlite://") if location.startswith("sqlite:///") else location
        )
    )
    return open_store(str(path)) if path.is_file() else None


def _run(args: argparse.Namespace, store: GraphStore | None) -> int:
    """Ingest (or validate) in two phases, so one batch works in any command-line order.

    Phase 1 takes every document without references (SBOMs, self-contained channel
    files) as it is read. Phase 2 resolves the documents with references (inventories,
    channel files naming SBOM products) against the store and the whole batch.
    """
    max_bytes = args.max_bytes if args.max_bytes is not None else max_bytes_from_env()
    candidates = collect(args.paths)
    documents: dict[int, IngestedDocument] = {}
    refused: dict[int, RefusedFile] = {}
    pending: list[tuple[int, ParsedDocument]] = []
    batch = ReferenceIndex()
    with _progress(len(candidates)) as progress:
        task = progress.add_task("ingesting" if store else "validating", total=len(candidates))
        for i, candidate in enumerate(candidates):
            progress.update(task, description=candidate.path.name[:40])
            if candidate.refusal is not None:
                refused[i] = RefusedFile(path=candidate.refusal.path, reason=str(candidate.refusal))
            else:
                try:
                    parsed = parse_file(candidate.path, max_bytes=max_bytes)
                    if parsed.references:
                        pending.append((i, parsed))
                    else:
                        _check_strict(parsed, args.strict)
                        documents[i] = _store(parsed, store)
                        if store is None:  # ingest finds it in the store's view instead
                            batch.add_document(parsed)
                except IngestError as e:
                    refused[i] = RefusedFile(path=e.path, reason=str(e))
            progress.advance(task)
    if pending:
        _add_store_view(batch, store, args.store)
        outcomes = resolve_batch(
            [parsed for _, parsed in pending],
            batch,
            lenient=args.lenient,
            check=lambda parsed: _check_strict(parsed, args.strict),
        )
        for (i, _), outcome in zip(pending, outcomes, strict=True):
            try:
                if isinstance(outcome, IngestError):
                    raise outcome
                documents[i] = _store(outcome, store)
            except IngestError as e:
                refused[i] = RefusedFile(path=e.path, reason=str(e))
    report = IngestReport(
        store=_store_name(store),
        documents=[documents[i] for i in sorted(documents)],
        refused=[refused[i] for i in sorted(refused)],
        totals=_totals(list(documents.values()), list(refused.values())),
    )
    if args.format == "json":
        render_json(report)
    else:
        _print_summary(report)
    return 1 if refused else 0


def _check_strict(parsed: ParsedDocument, strict: bool) -> None:
    if not strict:
        return
    serious = [f for f in parsed.findings if f.severity.rank <= Severity.MEDIUM.rank]
    if serious:
        raise IngestError(
            parsed.info.path,
            f"--strict: {len(serious)} data-quality findings, first: {serious[0].message}",
        )


def _store(parsed: ParsedDocument, store: GraphStore | None) -> IngestedDocument:
    outcome, superseded = "validated", tuple[str, ...]()
    if store is not None:
        result = _upsert(store, parsed)
        outcome, superseded = result.outcome.value, result.superseded
    return _summarise(parsed, outcome, list(superseded))


def _summarise(parsed: ParsedDocument, outcome: str, superseded: list[str]) -> IngestedDocument:
    kinds = Counter(node.kind for node in parsed.nodes)
    info = parsed.info
    return IngestedDocument(
        id=info.id,
        path=info.path,
        format=info.format.value,
        spec_version=info.spec_version,
        name=info.name,
        outcome=outcome,
        superseded=superseded,
        nodes=len(parsed.nodes),
        edges=len(parsed.edges),
        components=kinds[NodeKind.COMPONENT],
        vendors=kinds[NodeKind.VENDOR],
        findings=len(parsed.findings),
    )


def _totals(documents: list[IngestedDocument], refused: list[RefusedFile]) -> dict[str, int]:
    outcomes = Counter(d.outcome for d in documents)
    return {
        "documents": len(documents),
        "inserted": outcomes["inserted"],
        "unchanged": outcomes["unchanged"],
        "validated": outcomes["validated"],
        "superseded": sum(len(d.superseded) for d in documents),
        "refused": len(refused),
        "components": sum(d.components for d in documents),
        "vendors": sum(d.vendors for d in documents),
        "data_quality_findings": sum(d.findings for d in documents),
    }


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


def _store_name(store: GraphStore | None) -> str | None:
    if store is None:
        return None
    path = getattr(store, "path", None)
    return str(path) if path is not None else type(store).__name__


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


def _upsert(store: GraphStore, document: ParsedDocument) -> UpsertResult:
    """Store a document with the cyclic GC paused (hundreds of thousands of small rows)."""
    with paused_gc():
        return store.upsert_document(document)
