"""Assembling one document's records: provenance, deduplication, vendors, findings.

:class:`RecordCollector` is what a format mapper writes into. It keeps every record as a
storage row (:mod:`graph.records`: no pydantic object per edge or component), with its
provenance location, keeps the first of identical assertions, resolves bom-refs, merges
vendor spellings (through :func:`graph.keys.vendor_key`) and returns the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graph.keys import vendor_key
from graph.model import Node, Provenance, VendorNode
from graph.records import BodyTemplate, EdgeRow, NodeRow, node_body
from graph.vocabulary import EdgeKind, NodeKind, Severity
from ingest.source import FindingSink, RawDocument

__all__ = ["ADVISORY", "WARNING", "RecordCollector", "text"]

# Severity has no "warning": a finding that loses information (an edge dropped, a value
# ignored) is MEDIUM, a cosmetic deviation LOW.
WARNING = Severity.MEDIUM
ADVISORY = Severity.LOW
_KIND_VALUES = {kind: kind.value for kind in EdgeKind}
_VENDOR = NodeKind.VENDOR.value
_SUPPLIED_BY = EdgeKind.SUPPLIED_BY.value
_VENDOR_BODY = BodyTemplate(VendorNode)


@lru_cache(maxsize=1 << 16)
def _vendor_key(name: str) -> str | None:
    """:func:`graph.keys.vendor_key` (None for a name that folds to nothing), kept across
    documents: the same few thousand supplier and author spellings recur in every SBOM
    of an ecosystem, and folding one costs ~10 us (unicode, three regular expressions)."""
    key = vendor_key(name)
    return None if key == "vendor:unknown" else key


def text(value: Any) -> str | None:
    """A non-empty string, stripped, or None."""
    if value.__class__ is str or isinstance(value, str):
        value = value.strip()
        return value or None
    return None


@dataclass(slots=True)
class _VendorDraft:
    name: str
    pointer: str
    spellings: set[str] = field(default_factory=set)
    urls: list[str] = field(default_factory=list)


class RecordCollector:
    """The nodes, edges, bom-refs and vendors one document asserts, as they are mapped."""

    def __init__(
        self,
        raw: RawDocument,
        sink: FindingSink,
        locate: Callable[[str], str] | None,
        describe: Callable[[str], str],
    ) -> None:
        self.raw = raw
        self.sha256 = raw.sha256
        self.sink = sink
        self.locate = locate
        self.describe = describe
        self.doc_id = raw.document_id
        self.nodes: dict[str, NodeRow] = {}
        # identity (source, kind, target, role) -> the stored row (identity + location)
        self.edges: dict[tuple[str, str, str, str], EdgeRow] = {}
        self.refs: dict[str, str] = {}
        self.ref_pointers: dict[str, str] = {}
        self.vendors: dict[str, _VendorDraft] = {}
        self._named: dict[str, str] = {}  # raw vendor name (no URLs) -> its vendor key
        self._provenance: dict[str, Provenance] = {}

    def location(self, pointer: str) -> str:
        """The provenance location of a record at ``pointer`` (the pointer itself for JSON)."""
        return pointer if self.locate is None else self.locate(pointer)

    def provenance(self, pointer: str) -> Provenance:
        """One shared Provenance per location, for the few records built as objects."""
        cached = self._provenance.get(pointer)
        if cached is None:
            cached = Provenance(
                document_id=self.doc_id, sha256=self.sha256, location=self.location(pointer)
            )
            self._provenance[pointer] = cached
        return cached

    def finding(self, severity: Severity, code: str, message: str, pointer: str) -> None:
        location = pointer if self.locate is None else self.locate(pointer)
        self.sink.add(severity, code, message, location)

    def report_property(self, message: str, pointer: str) -> None:
        self.finding(WARNING, "DQ-PROPERTY", message, pointer)

    def add_node(self, node: Node) -> None:
        if node.key not in self.nodes:
            self.nodes[node.key] = (
                node.key,
                node.kind.value,
                node.provenance.location,
                node_body(node),
            )

    def add_edge(
        self, source: str, kind: EdgeKind, target: str, pointer: str, role: str = ""
    ) -> None:
        kind_value = _KIND_VALUES[kind]
        identity = (source, kind_value, target, role)
        if identity not in self.edges:
            location = pointer if self.locate is None else self.locate(pointer)
            self.edges[identity] = (source, kind_value, target, role, location)

    def register_ref(self, ref: str | None, key: str, pointer: str) -> None:
        if ref is None:
            return
        first = self.ref_pointers.get(ref)
        if first is not None:
            self.finding(
                WARNING,
                "DQ-DUPLICATE-REF",
                f"bom-ref {ref!r} already used at {self.describe(first)}; the first is kept",
                pointer,
            )
            return
        self.refs[ref] = key
        self.ref_pointers[ref] = pointer

    def vendor(self, raw_name: Any, urls: Any, pointer: str) -> str | None:
        """Key of the vendor named ``raw_name`` (None for no usable name), recording it."""
        plain = urls is None and raw_name.__class__ is str
        if plain:  # the same publisher string recurs on most components of a BOM
            known = self._named.get(raw_name)
            if known is not None:
                return known
        name = text(raw_name)
        if name is None:
            return None
        key = _vendor_key(name)
        if key is None:
            return None
        draft = self.vendors.get(key)
        if draft is None:
            draft = self.vendors[key] = _VendorDraft(name, pointer)
        draft.spellings.add(name)
        if isinstance(urls, list):
            draft.urls.extend(u for u in urls if isinstance(u, str) and u not in draft.urls)
        if plain:  # seen again, it would add this spelling again and no URL: nothing
            self._named[raw_name] = key
        return key

    def supplied_by(self, key: str, name: Any, urls: Any, pointer: str, role: str) -> None:
        vendor = self.vendor(name, urls, pointer)
        if vendor is not None:
            identity = (key, _SUPPLIED_BY, vendor, role)
            if identity not in self.edges:
                location = pointer if self.locate is None else self.locate(pointer)
                self.edges[identity] = (key, _SUPPLIED_BY, vendor, role, location)

    def add_vendor_nodes(self) -> None:
        """One VendorNode per vendor seen, named by its first spelling (as a row, like
        :func:`graph.records.node_body` of the VendorNode, without building one)."""
        nodes = self.nodes
        for key, draft in self.vendors.items():
            if key not in nodes:
                body: dict[str, Any] = {"name": draft.name}
                if len(draft.spellings) > 1:
                    body["aliases"] = tuple(sorted(draft.spellings - {draft.name}))
                if draft.urls:
                    body["urls"] = tuple(draft.urls)
                nodes[key] = (key, _VENDOR, self.location(draft.pointer), _VENDOR_BODY.body(body))

    def records(self) -> tuple[list[NodeRow], list[EdgeRow]]:
        """Node and edge rows in the order they were first asserted (readers sort)."""
        return list(self.nodes.values()), list(self.edges.values())
