"""``riskgraph migrate --from STORE --to STORE``: copy every document between stores.

Either side is a SQLite file or a Neo4j URI. Documents are copied as ParsedDocuments
(``document(id)`` read back, ``ingested_at`` kept), so the target computes the same
supersede statuses and the same view; documents it already holds are left as they are,
so an interrupted migration is finished by running it again.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from dashboard.cli.output import render_json
from graph.store import GraphStore, StoreError, open_store
from graph.store.interface import UpsertOutcome

__all__ = ["MigrateReport", "register"]

AddFormat = Callable[[argparse.ArgumentParser], None]


class MigrateReport(BaseModel):
    """What ``riskgraph migrate`` copied."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    target: str
    documents: int = Field(description="Documents in the source store.")
    inserted: int = Field(description="Copied into the target.")
    unchanged: int = Field(description="Already in the target (same bytes).")


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], add_format: AddFormat
) -> None:
    p = sub.add_parser(
        "migrate",
        help="copy every document from one store to another (SQLite file <-> Neo4j URI)",
        description="Copy every document, with its provenance and ingest time, from one "
        "store to another. STORE is a SQLite file path or a Neo4j URI (neo4j://host:7687, "
        "bolt://, neo4j+s://; credentials from NEO4J_USER / NEO4J_PASSWORD). Idempotent: "
        "run it again to finish an interrupted migration.",
    )
    p.add_argument("--from", dest="source", required=True, metavar="STORE", help="source store")
    p.add_argument("--to", dest="target", required=True, metavar="STORE", help="target store")
    add_format(p)
    p.set_defaults(handler=_migrate)


def _migrate(args: argparse.Namespace) -> int:
    if args.source == args.target:
        raise StoreError(f"{args.source}: source and target are the same store")
    source = open_store(args.source, must_exist=True)  # never create an empty source
    try:
        target = open_store(args.target)
        try:
            report = copy_documents(source, target, args.source, args.target)
        finally:
            target.close()
    finally:
        source.close()
    if args.format == "json":
        render_json(report)
    else:
        print(
            f"migrated {report.documents} documents from {report.source} to {report.target} "
            f"({report.inserted} copied, {report.unchanged} already there)"
        )
    return 0


def copy_documents(source: GraphStore, target: GraphStore, src: str, dst: str) -> MigrateReport:
    counts = {UpsertOutcome.INSERTED: 0, UpsertOutcome.UNCHANGED: 0}
    infos = source.documents()
    progress = sys.stderr.isatty()
    for i, info in enumerate(infos, 1):
        if progress:
            print(f"\rmigrating {i}/{len(infos)} {info.id}", end="", file=sys.stderr, flush=True)
        counts[target.upsert_document(source.document(info.id)).outcome] += 1
    if progress and infos:
        print(file=sys.stderr)
    return MigrateReport(
        source=src,
        target=dst,
        documents=len(infos),
        inserted=counts[UpsertOutcome.INSERTED],
        unchanged=counts[UpsertOutcome.UNCHANGED],
    )
