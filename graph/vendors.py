"""Vendors as legal entities: one canonical vendor node per organisation, every merge explained.

Ingest already folds case, punctuation and legal-form suffixes into the vendor key
(:func:`graph.keys.vendor_key`), so "Microsoft Corporation", "Microsoft Corp." and
"microsoft" arrive as one node. What no normalisation can know (that "aegis" is
"Aegis Security, Inc.", that ``pkg:maven/org.apache.logging.log4j`` is published by the
Apache Software Foundation, that Bastion Endpoint GmbH belongs to Bastion Holding AG)
comes from vendor aliases files, which are documents in the store like any other
(:mod:`ingest.vendor_aliases`).

:func:`resolve_vendors` applies an alias table to a view: each vendor key maps to one
canonical key by the first rule that holds, edges are rewired to the canonical key (their
provenance merged), and every mapping records its rule, reason and the aliases entry
behind it. Components and products without any supplier get a derived ``SUPPLIED_BY``
edge (role ``purl-namespace``) when the table maps their purl namespace.
:func:`canonical_view` does all of this for a store. Everything here is deterministic:
input order never changes the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx

from graph.keys import key_for, normalise_vendor_name
from graph.model import Frozen, ParsedDocument, Provenance, VendorNode
from graph.purl_namespace import namespace_of_purl, parse_namespace
from graph.vendor_rules import AliasConflict, AliasEntry, AliasTable, MergeRule, VendorMerge
from graph.vocabulary import DocumentFormat, DocumentStatus, EdgeKind, NodeKind

if TYPE_CHECKING:
    from graph.store.interface import GraphStore

__all__ = [
    "DERIVED_ROLE",
    "AliasConflict",
    "AliasEntry",
    "DerivedSupplier",
    "MergeRule",
    "VendorMerge",
    "VendorResolution",
    "alias_entries",
    "alias_entries_from_store",
    "canonical_view",
    "namespace_suppliers",
    "resolve_store",
    "resolve_vendors",
    "vendor_group",
]

DERIVED_ROLE = "purl-namespace"
_VENDOR = NodeKind.VENDOR.value
_SOFTWARE = frozenset({NodeKind.PRODUCT.value, NodeKind.COMPONENT.value})


class DerivedSupplier(Frozen):
    """A supplier inferred for a component without one, from its purl namespace."""

    subject: str
    canonical: str
    namespace: str
    reason: str
    source: Provenance
    source_path: str


@dataclass(frozen=True)
class VendorResolution:
    """A view with vendors merged, and the record of every mapping."""

    graph: nx.MultiDiGraph
    merges: tuple[VendorMerge, ...]
    derived: tuple[DerivedSupplier, ...]
    conflicts: tuple[AliasConflict, ...]
    table: AliasTable = field(repr=False)
    source: nx.MultiDiGraph = field(repr=False, metadata={"doc": "the view before merging"})
    key_map: Mapping[str, str] = field(repr=False)

    @property
    def entries(self) -> tuple[AliasEntry, ...]:
        return self.table.entries

    def canonical_of(self, key: str) -> str:
        """Canonical key of a vendor key (itself when it was not merged)."""
        return self.key_map.get(key, key)

    def members(self, canonical: str) -> tuple[VendorMerge, ...]:
        """Every view key mapped to ``canonical``, by key."""
        return tuple(m for m in self.merges if m.canonical == canonical)

    def find(self, name: str) -> tuple[str, str] | None:
        """``(canonical key, how the name matched)`` for a key, id, spelling or namespace."""
        text = name.strip()
        for candidate in (text, key_for(NodeKind.VENDOR, text)):
            merge = next((m for m in self.merges if m.key == candidate), None)
            if merge is not None and merge.canonical != candidate:
                return merge.canonical, f"vendor key {candidate}, merged by {merge.reason}"
            if self.graph.nodes.get(candidate, {}).get("kind") == _VENDOR:
                return self.canonical_of(candidate), f"vendor key {candidate}"
        if text.startswith("pkg:"):
            found = self.table.match_namespace(parse_namespace(text))
            if found is None:
                return None
            entry, ns = found
            return entry.canonical, f"purl namespace {ns} mapped in {entry.path}"
        listed = self.table.lookup(text)
        if listed is not None:
            return listed
        form = normalise_vendor_name(text)
        key = key_for(NodeKind.VENDOR, form)
        if key in self.key_map:
            return self.canonical_of(key), f"normalised name equal ({form})"
        return None


def alias_entries(document: ParsedDocument) -> tuple[AliasEntry, ...]:
    """The aliases entries of a vendor aliases document (none for any other document)."""
    if document.info.format is not DocumentFormat.VENDOR_ALIASES_YAML:
        return ()
    return tuple(
        AliasEntry(
            canonical=node.key,
            name=node.name,
            aliases=node.aliases,
            lei=node.lei,
            parent=node.parent,
            country=node.country,
            urls=node.urls,
            path=document.info.path,
            provenance=node.provenance,
        )
        for node in document.nodes
        if isinstance(node, VendorNode)
    )


def alias_entries_from_store(store: GraphStore) -> tuple[AliasEntry, ...]:
    """Entries of every active aliases document, read record by record.

    Not read from the merged view: its first-non-empty attribute merge would mix an
    aliases file's ``aliases`` with the spellings SBOMs assert for the same key.
    """
    entries: list[AliasEntry] = []
    for info in store.documents():
        if info.format is DocumentFormat.VENDOR_ALIASES_YAML and (
            info.status is DocumentStatus.ACTIVE
        ):
            entries.extend(alias_entries(store.document(info.id)))
    return tuple(entries)


def resolve_store(store: GraphStore, view: nx.MultiDiGraph | None = None) -> VendorResolution:
    """:func:`resolve_vendors` over a store's view with the store's aliases documents."""
    return resolve_vendors(store.view() if view is None else view, alias_entries_from_store(store))


def canonical_view(store: GraphStore, view: nx.MultiDiGraph | None = None) -> nx.MultiDiGraph:
    """The store's view with one vendor node per organisation (what analyses should read)."""
    return resolve_store(store, view).graph


def resolve_vendors(view: nx.MultiDiGraph, aliases: Iterable[AliasEntry]) -> VendorResolution:
    """Merge the vendor nodes of ``view`` that name one organisation; ``view`` is not changed.

    Rules, first match wins, for each vendor key: the key is a canonical id of the table
    (``canonical``); its key, name or a spelling it carries normalises to a form the table
    lists as a spelling (``alias``) or namespace (``purl-namespace``), or to a canonical id
    (``normalised-name``); otherwise its normalised key (``normalised-name`` when that
    differs from the key, else ``canonical``).
    """
    table = AliasTable(aliases)
    vendor_keys = sorted(k for k, d in view.nodes(data=True) if d.get("kind") == _VENDOR)
    merges = tuple(table.merge_for(key, view.nodes[key]) for key in vendor_keys)
    key_map = {m.key: m.canonical for m in merges}

    nodes: dict[str, dict[str, Any]] = {
        k: dict(d) for k, d in view.nodes(data=True) if d.get("kind") != _VENDOR
    }
    by_canonical: dict[str, list[str]] = {}
    for merge in merges:
        by_canonical.setdefault(merge.canonical, []).append(merge.key)
    entries_of: dict[str, list[AliasEntry]] = {}
    for entry in table.entries:
        entries_of.setdefault(entry.canonical, []).append(entry)
    for canonical in sorted(set(by_canonical) | set(entries_of)):
        members = [(k, view.nodes[k]) for k in by_canonical.get(canonical, [])]
        nodes[canonical] = _vendor_attrs(canonical, members, entries_of.get(canonical, []))
    for data in list(nodes.values()):
        if data.get("kind") == _VENDOR and data.get("parent"):
            parent = key_map.get(data["parent"], data["parent"])
            data["parent"] = parent
            if parent not in nodes:
                nodes[parent] = _placeholder(parent)

    edges: dict[tuple[str, str, str, str], set[Provenance]] = {}
    for source, target, data in view.edges(data=True):
        ident = (
            key_map.get(source, source),
            data["kind"],
            key_map.get(target, target),
            data["role"],
        )
        edges.setdefault(ident, set()).update(data.get("provenance", ()))
    derived = _derive_suppliers(nodes, edges, table)

    graph = nx.MultiDiGraph()
    for key in sorted(nodes):
        graph.add_node(key, **nodes[key])
    for (source, kind, target, role), provs in sorted(edges.items()):
        graph.add_edge(
            source,
            target,
            key=f"{kind}|{role}",
            kind=kind,
            role=role,
            provenance=_sorted_provenance(provs),
        )
    return VendorResolution(
        graph=graph,
        merges=merges,
        derived=derived,
        conflicts=tuple(table.conflicts),
        table=table,
        source=view,
        key_map=key_map,
    )


def vendor_group(graph: nx.MultiDiGraph, key: str) -> str:
    """The top of a vendor's parent chain (itself without a parent); cycle-safe."""
    seen = {key}
    current = key
    while True:
        parent = graph.nodes.get(current, {}).get("parent")
        if not parent or parent in seen:
            return current
        seen.add(parent)
        current = parent


def _vendor_attrs(
    canonical: str, members: list[tuple[str, Mapping[str, Any]]], entries: list[AliasEntry]
) -> dict[str, Any]:
    own = next((d for k, d in members if k == canonical), None)
    base: dict[str, Any] = dict(own if own is not None else members[0][1] if members else {})
    provenance: set[Provenance] = {e.provenance for e in entries}
    spellings: set[str] = set()
    for _, data in members:
        provenance.update(data.get("provenance", ()))
        spellings.add(str(data.get("name", "")))
        spellings.update(data.get("aliases", ()))
    for entry in entries:
        spellings.update(entry.aliases)
    name = entries[0].name if entries else str(base.get("name") or _local(canonical))
    base.pop("placeholder", None)
    base.update(
        kind=_VENDOR,
        name=name,
        aliases=tuple(sorted(s for s in spellings if s and s != name and not s.startswith("pkg:"))),
        purl_namespaces=tuple(sorted({ns for e in entries for ns in e.namespaces})),
        provenance=_sorted_provenance(provenance),
        merged_from=tuple(sorted(k for k, _ in members)),
    )
    for attr in ("lei", "parent", "country"):
        value = next((getattr(e, attr) for e in entries if getattr(e, attr)), None)
        base[attr] = value or base.get(attr)
    base["urls"] = tuple(
        dict.fromkeys([*base.get("urls", ()), *(u for e in entries for u in e.urls)])
    )
    if not entries and members and all(d.get("placeholder") for _, d in members):
        base["placeholder"] = True
    return base


def _placeholder(key: str) -> dict[str, Any]:
    return {"kind": _VENDOR, "name": _local(key), "provenance": (), "placeholder": True}


def _derive_suppliers(
    nodes: Mapping[str, dict[str, Any]],
    edges: dict[tuple[str, str, str, str], set[Provenance]],
    table: AliasTable,
) -> tuple[DerivedSupplier, ...]:
    """``SUPPLIED_BY`` (role ``purl-namespace``) for software no document gives a supplier."""
    supplied = {s for s, kind, _, _ in edges if kind == EdgeKind.SUPPLIED_BY.value}
    derived: list[DerivedSupplier] = []
    for key, (entry, ns) in namespace_suppliers(nodes, supplied, table):
        edges[(key, EdgeKind.SUPPLIED_BY.value, entry.canonical, DERIVED_ROLE)] = {entry.provenance}
        derived.append(
            DerivedSupplier(
                subject=key,
                canonical=entry.canonical,
                namespace=ns,
                reason=f"purl namespace {ns} mapped in {entry.path}",
                source=entry.provenance,
                source_path=entry.path,
            )
        )
    return tuple(derived)


def namespace_suppliers(
    nodes: Mapping[str, Mapping[str, Any]], supplied: set[str], table: AliasTable
) -> Iterator[tuple[str, tuple[AliasEntry, str]]]:
    """Software nodes no document gives a supplier whose purl namespace ``table`` maps to a
    vendor, by key, with the matching alias entry and namespace."""
    for key in sorted(nodes):
        data = nodes[key]
        purl = data.get("purl")
        if data.get("kind") not in _SOFTWARE or not purl or key in supplied:
            continue
        found = table.match_namespace(namespace_of_purl(purl))
        if found is not None:
            yield key, found


def _sorted_provenance(provs: Iterable[Provenance]) -> tuple[Provenance, ...]:
    return tuple(sorted(set(provs), key=lambda p: (p.document_id, p.location or "", p.sha256)))


def _local(key: str) -> str:
    return key.partition(":")[2]
