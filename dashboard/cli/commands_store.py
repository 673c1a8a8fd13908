"""Store commands: ``documents``, ``findings``, ``remove``, ``stats``, ``schema``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from pydantic import BaseModel, TypeAdapter

from dashboard.cli.output import (
    DocumentList,
    FindingList,
    IngestReport,
    StatsReport,
    render_json,
    render_table,
)
from dashboard.reports.model import Report
from dashboard.reports.verify import VerifyResult
from graph.estate import estate_figures
from graph.model import DataQualityFinding, DocumentInfo, Edge, Node, ParsedDocument, Provenance
from graph.store import GraphStore, StoreError, open_store
from graph.vendor_report import VendorExplanation, VendorList
from graph.vendors_rows import store_canonical_view
from ingest.estate_schema import ChannelsFile, HostGroupRow, Inventory
from ingest.vendor_aliases import VendorAliasesFile

AddFormat = Callable[[argparse.ArgumentParser], None]

# Every record and every --format json output, by the name `riskgraph schema NAME` takes.
SCHEMAS: dict[str, type[BaseModel] | TypeAdapter[object]] = {
    "node": TypeAdapter(Node),
    "edge": Edge,
    "provenance": Provenance,
    "document": DocumentInfo,
    "data-quality-finding": DataQualityFinding,
    "parsed-document": ParsedDocument,
    "ingest-report": IngestReport,
    "document-list": DocumentList,
    "finding-list": FindingList,
    "stats-report": StatsReport,
    "inventory": Inventory,
    "inventory-csv-row": HostGroupRow,
    "channels": ChannelsFile,
    "vendor-aliases": VendorAliasesFile,
    "vendor-list": VendorList,
    "vendor-explanation": VendorExplanation,
    "report": Report,
    "report-verify": VerifyResult,
}


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], add_format: AddFormat
) -> None:
    p = sub.add_parser("documents", help="list the documents in the store")
    add_format(p)
    p.set_defaults(handler=_documents)

    p = sub.add_parser("findings", help="list data-quality findings (of one document or all)")
    p.add_argument("document", nargs="?", help="document id (default: all)")
    add_format(p)
    p.set_defaults(handler=_findings)

    p = sub.add_parser("remove", help="remove a document and everything it asserted")
    p.add_argument("document", help="document id (see `riskgraph documents`)")
    add_format(p)
    p.set_defaults(handler=_remove)

    p = sub.add_parser("stats", help="counts of nodes and edges in the active graph")
    add_format(p)
    p.set_defaults(handler=_stats)

    p = sub.add_parser("schema", help="print the JSON Schema of records and JSON outputs")
    p.add_argument("name", nargs="?", choices=sorted(SCHEMAS), help="one schema (default: all)")
    p.set_defaults(handler=_schema)


def _with_store(args: argparse.Namespace, action: Callable[[GraphStore], int]) -> int:
    store = open_store(args.store)
    try:
        return action(store)
    finally:
        store.close()


def _documents(args: argparse.Namespace) -> int:
    def run(store: GraphStore) -> int:
        docs = store.documents()
        if args.format == "json":
            render_json(DocumentList(documents=docs))
        else:
            render_table(
                ("document", "format", "spec", "status", "ingested", "sha256", "name", "path"),
                [
                    (
                        d.id,
                        d.format,
                        d.spec_version,
                        d.status,
                        _when(d),
                        d.sha256[:12],
                        d.name[:40],
                        d.path,
                    )
                    for d in docs
                ],
            )
        return 0

    return _with_store(args, run)


def _when(doc: DocumentInfo) -> str:
    return doc.ingested_at.isoformat() if doc.ingested_at else "-"


def _findings(args: argparse.Namespace) -> int:
    def run(store: GraphStore) -> int:
        if args.document is not None:
            store.document(args.document)  # raises a clear error for an unknown id
        findings = store.findings(args.document)
        if args.format == "json":
            render_json(FindingList(findings=findings))
        else:
            render_table(
                ("document", "severity", "code", "location", "message"),
                [(f.document_id, f.severity, f.code, f.location, f.message) for f in findings],
            )
        return 0

    return _with_store(args, run)


def _remove(args: argparse.Namespace) -> int:
    def run(store: GraphStore) -> int:
        info = store.remove_document(args.document)
        if args.format == "json":
            render_json(DocumentList(documents=[info]))
        else:
            print(f"removed {info.id} ({info.name}, {info.path})")
        return 0

    return _with_store(args, run)


def _stats(args: argparse.Namespace) -> int:
    def run(store: GraphStore) -> int:
        s = store.stats()
        report = StatsReport(
            store=str(getattr(store, "path", type(store).__name__)),
            revision=store.revision(),
            documents=s.documents,
            active_documents=s.active_documents,
            superseded_documents=s.documents - s.active_documents,
            nodes=s.nodes_by_kind,
            edges=s.edges_by_kind,
            data_quality_findings=s.findings,
            estate=estate_figures(store_canonical_view(store)),
        )
        if args.format == "json":
            render_json(report)
        else:
            rows: list[tuple[str, str, int]] = [
                ("documents", "active", report.active_documents),
                ("documents", "superseded", report.superseded_documents),
                ("documents", "data-quality findings", report.data_quality_findings),
            ]
            rows += [("nodes", kind, n) for kind, n in sorted(report.nodes.items())]
            rows += [("edges", kind, n) for kind, n in sorted(report.edges.items())]
            rows += [("estate", what, n) for what, n in report.estate.items()]
            render_table(("what", "kind", "count"), rows)
        return 0

    return _with_store(args, run)


def _schema(args: argparse.Namespace) -> int:
    names = [args.name] if args.name else sorted(SCHEMAS)
    schemas = {name: _json_schema(SCHEMAS[name]) for name in names}
    document = schemas[names[0]] if args.name else schemas
    json.dump(document, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


def _json_schema(target: type[BaseModel] | TypeAdapter[object]) -> dict[str, object]:
    if isinstance(target, TypeAdapter):
        return target.json_schema()
    return target.model_json_schema()


__all__ = ["SCHEMAS", "StoreError", "register"]
