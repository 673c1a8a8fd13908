"""Graph assembly shared by the SPDX 2 and SPDX 3 readers.

Both readers turn packages into :class:`SoftwareFacts` and hand them, with their
relationships, to a :class:`GraphBuilder`, which owns node and edge de-duplication,
vendor merging, the implicit ``product CONTAINS package`` edges and the final order.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any

from graph.keys import component_key, document_scoped_key, normalise_purl, product_key, vendor_key
from graph.model import (
    ComponentNode,
    DocumentInfo,
    Edge,
    Hash,
    Node,
    ParsedDocument,
    ProductNode,
    Provenance,
    VendorNode,
)
from graph.vocabulary import ComponentType, DocumentFormat, EdgeKind, NodeKind
from ingest.source import FindingSink, RawDocument
from ingest.spdx_values import NO_VALUE, WARNING, Tally, parse_actor, text_of

__all__ = ["GraphBuilder", "SoftwareFacts", "document_info", "lineage_for", "software_key"]


@dataclass(slots=True)
class SoftwareFacts:
    """What a package says about itself, whichever SPDX version it came from."""

    ref: str  # SPDXID (2.x) or spdxId (3.x)
    name: str
    location: str | None
    version: str | None = None
    purl: str | None = None
    cpes: list[str] = field(default_factory=list)
    hashes: list[Hash] = field(default_factory=list)
    licenses: list[str] = field(default_factory=list)
    component_type: ComponentType | None = None
    description: str | None = None
    suppliers: list[tuple[str, str | None]] = field(default_factory=list)  # (actor, location)
    originators: list[tuple[str, str | None]] = field(default_factory=list)

    def add_license(self, expression: Any) -> None:
        text = text_of(expression)
        if text is not None and text.upper() not in NO_VALUE and text not in self.licenses:
            self.licenses.append(text)


def software_key(facts: SoftwareFacts, document_id: str, *, product: bool) -> str:
    """Products by purl or name@version; components by purl, else scoped to the document."""
    if product:
        return product_key(facts.purl, facts.name, facts.version)
    if facts.purl:
        return component_key(facts.purl)
    return document_scoped_key(NodeKind.COMPONENT, document_id, facts.ref)


def document_info(
    raw: RawDocument,
    fmt: DocumentFormat,
    spec_version: str,
    *,
    name: str | None,
    serial: str | None,
    subject: SoftwareFacts | None,
    created: datetime | None,
) -> DocumentInfo:
    """The document record; its name falls back to the subject's, then to the file name."""
    return DocumentInfo(
        id=raw.document_id,
        sha256=raw.sha256,
        path=raw.path,
        size=len(raw.data),
        format=fmt,
        spec_version=spec_version,
        name=name or (subject.name if subject else PurePath(raw.path).name),
        serial=serial,
        lineage=lineage_for(subject, raw.document_id),
        created=created,
    )


def lineage_for(subject: SoftwareFacts | None, document_id: str) -> str:
    """``spdx:`` + the subject's purl without version (else its name); the document id alone."""
    if subject is None:
        return document_id
    if subject.purl:
        head, slash, tail = normalise_purl(subject.purl).rpartition("/")
        return f"spdx:{head}{slash}{tail.split('@', 1)[0]}"
    return f"spdx:{subject.name}"


_vendor_key = functools.lru_cache(maxsize=4096)(vendor_key)


class GraphBuilder:
    """Accumulates one document's records; first assertion of a key or edge wins."""

    def __init__(self, raw: RawDocument, sink: FindingSink) -> None:
        self.raw = raw
        self.sink = sink
        self._nodes: dict[str, Node] = {}
        self._edges: dict[tuple[str, str, str, str], Edge] = {}
        self._vendors: dict[str, tuple[list[str], Provenance]] = {}
        self.tally = Tally(sink)

    def has_node(self, key: str) -> bool:
        return key in self._nodes

    def add_software(self, key: str, facts: SoftwareFacts, *, product: bool) -> bool:
        """Add a product or component node; False when ``key`` was already taken."""
        if key in self._nodes:
            return False
        fields: dict[str, Any] = {
            "key": key,
            "name": facts.name,
            "provenance": self.raw.provenance(facts.location),
            "version": facts.version,
            "purl": facts.purl,
            "cpes": tuple(dict.fromkeys(facts.cpes)),
            "hashes": tuple(sorted(set(facts.hashes), key=lambda h: (h.algorithm, h.value))),
            "licenses": tuple(facts.licenses),
            "component_type": facts.component_type,
            "description": facts.description,
        }
        self._nodes[key] = ProductNode(**fields) if product else ComponentNode(**fields)
        return True

    def add_edge(
        self, source: str, kind: EdgeKind, target: str, location: str | None, role: str = ""
    ) -> None:
        if source == target:
            return
        identity = (source, kind.value, target, role)
        if identity not in self._edges:
            self._edges[identity] = Edge(
                source=source,
                target=target,
                kind=kind,
                role=role,
                provenance=self.raw.provenance(location),
            )

    def add_actor(self, subject: str, text: str, role: str, location: str | None) -> None:
        """``subject SUPPLIED_BY vendor`` for an SPDX 2 actor string (NOASSERTION skipped)."""
        actor, prefixed = parse_actor(text)
        if not prefixed:
            self.tally.add(
                WARNING,
                "DQ-SPDX-ACTOR",
                f"{role} {text!r} has no 'Person:' or 'Organization:' prefix",
                location,
            )
        if actor is not None:
            self.add_vendor(subject, actor.name, role, location)

    def add_vendor(self, subject: str, name: str, role: str, location: str | None) -> None:
        """``subject SUPPLIED_BY vendor``; spellings of one vendor key become aliases."""
        key = _vendor_key(name)
        if key not in self._vendors:
            self._vendors[key] = ([], self.raw.provenance(location))
        spellings = self._vendors[key][0]
        if name not in spellings:
            spellings.append(name)
        self.add_edge(subject, EdgeKind.SUPPLIED_BY, key, location, role)

    def contain_floating(
        self, products: Sequence[str], packages: Iterable[tuple[str, str | None]]
    ) -> None:
        """Make every package a product's content, so nothing in the document floats.

        With one product it contains every other package. With several, a package goes
        to the products that reach it through the document's own edges, or to all of
        them when none does (the document does not say which it belongs to).
        """
        if not products:
            return
        reach = self._reachable(products) if len(products) > 1 else {}
        first_seen: dict[str, str | None] = {}
        for key, location in packages:
            first_seen.setdefault(key, location)
        for key, location in first_seen.items():
            owners = [p for p in products if key in reach.get(p, ())] or list(products)
            for product in owners:
                self.add_edge(product, EdgeKind.CONTAINS, key, location)

    def _reachable(self, starts: Iterable[str]) -> dict[str, set[str]]:
        adjacency: dict[str, list[str]] = {}
        for source, kind, target, _ in self._edges:
            if kind in (EdgeKind.CONTAINS.value, EdgeKind.DEPENDS_ON.value):
                adjacency.setdefault(source, []).append(target)
        result: dict[str, set[str]] = {}
        for start in starts:
            seen: set[str] = set()
            stack = [start]
            while stack:
                for nxt in adjacency.get(stack.pop(), ()):
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)
            result[start] = seen
        return result

    def build(self, info: DocumentInfo) -> ParsedDocument:
        self.tally.flush()
        nodes: list[Node] = list(self._nodes.values())
        for key, (spellings, provenance) in self._vendors.items():
            nodes.append(
                VendorNode(
                    key=key,
                    name=spellings[0],
                    aliases=tuple(sorted(spellings[1:])),
                    provenance=provenance,
                )
            )
        nodes.sort(key=lambda n: n.key)
        edges = sorted(self._edges.values(), key=lambda e: e.identity)
        return ParsedDocument(
            info=info, nodes=tuple(nodes), edges=tuple(edges), findings=self.sink.result()
        )
