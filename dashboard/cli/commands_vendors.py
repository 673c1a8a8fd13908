"""``riskgraph vendors``: canonical vendors (legal entities) and why spellings merged."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from dashboard.cli.output import render_json, render_table
from graph.store import GraphStore, open_store
from graph.vendor_report import (
    VendorExplanation,
    asserted_records,
    explain_vendor,
    vendor_list,
)
from graph.vendors import VendorResolution, resolve_store

__all__ = ["register"]

AddFormat = Callable[[argparse.ArgumentParser], None]


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], add_format: AddFormat
) -> None:
    help_text = "list vendors as legal entities (spellings merged per aliases files)"
    p = sub.add_parser("vendors", help=help_text, description=help_text)
    p.add_argument(
        "--explain",
        metavar="NAME",
        help="show every spelling merged into the vendor NAME names, with rule and document",
    )
    add_format(p)
    p.set_defaults(handler=_vendors)


def _vendors(args: argparse.Namespace) -> int:
    store = open_store(args.store)
    try:
        resolution = resolve_store(store)
        if args.explain is None:
            return _list(resolution, args.format)
        return _explain(store, resolution, args.explain, args.format)
    finally:
        store.close()


def _list(resolution: VendorResolution, fmt: str) -> int:
    listing = vendor_list(resolution)
    if fmt == "json":
        render_json(listing)
        return 0
    render_table(
        ("vendor", "name", "group", "lei", "country", "products", "components", "aliases"),
        [
            (
                v.key,
                v.name,
                v.group if v.group != v.key else None,
                v.lei,
                v.country,
                v.products,
                v.components,
                "; ".join([*v.aliases, *v.purl_namespaces]) or None,
            )
            for v in listing.vendors
        ],
    )
    for conflict in listing.conflicts:
        print(f"conflict: {conflict.form!r}: {conflict.reason}; kept {conflict.kept}")
    return 0


def _explain(store: GraphStore, resolution: VendorResolution, name: str, fmt: str) -> int:
    found = resolution.find(name)
    records = asserted_records(resolution, found[0], store.document) if found else []
    paths = {d.id: d.path for d in store.documents()}
    explanation = explain_vendor(resolution, name, records, paths)
    if explanation is None:
        print(f"riskgraph: no vendor matches {name!r} (see `riskgraph vendors`)", file=sys.stderr)
        return 1
    if fmt == "json":
        render_json(explanation)
    else:
        _print_explanation(explanation)
    return 0


def _print_explanation(e: VendorExplanation) -> None:
    v = e.vendor
    facts = [
        f"LEI {v.lei}" if v.lei else None,
        f"country {v.country}" if v.country else None,
        f"parent {v.parent_name} ({v.parent})" if v.parent else None,
        f"group {v.group}" if v.group != v.key else None,
        f"subsidiaries {', '.join(v.subsidiaries)}" if v.subsidiaries else None,
        f"{v.products} products, {v.components} components supplied",
    ]
    print(f"{v.name} ({v.key}): {'; '.join(f for f in facts if f)}")
    print(f"{e.query!r} matched by: {e.matched}\n")
    render_table(
        ("spelling", "key", "rule", "reason", "document", "path", "location"),
        [
            (r.spelling, r.key, r.rule, r.reason, r.document_id, r.path, r.location)
            for r in e.spellings
        ],
    )
    if e.derived:
        print(f"\nsupplier derived from a purl namespace for {len(e.derived)} components:")
        render_table(
            ("component", "namespace", "aliases file"),
            [(d.subject, d.namespace, d.source_path) for d in e.derived],
        )
    for c in e.conflicts:
        print(f"\nconflict: {c.form!r}: {c.reason}; kept {c.kept}")
