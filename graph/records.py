"""A document's records as storage rows: the ingest hot path, without a pydantic object per record.

:class:`ParsedDocument` stays the API (round-trip reads, the other format parsers, tests).
A fast parser may instead return :class:`DocumentRecords`: the same records as the rows
the store writes, one per node key and per edge identity, in any order (readers sort:
storage order is never observable), with one ``location`` string per record in place of
a ``Provenance`` object (document id and sha256 are the document's).
:meth:`DocumentRecords.parsed` builds the pydantic records exactly as
:meth:`graph.store.sqlite.SqliteStore.document` reads them back, sorted like every
``ParsedDocument`` (nodes by key, edges by identity).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from operator import itemgetter
from typing import Any

import orjson

from graph.model import (
    NODE_ADAPTER,
    DataQualityFinding,
    DocumentInfo,
    Edge,
    Node,
    ParsedDocument,
    Provenance,
    Reference,
)
from graph.vocabulary import EdgeKind

__all__ = [
    "BodyTemplate",
    "DocumentRecords",
    "EdgeRow",
    "NodeRow",
    "edge_rows_of",
    "node_body",
    "node_rows_of",
]

NodeRow = tuple[str, str, str | None, str]
"""``(key, kind, location, body)``; ``body`` is the node's JSON without key, kind, provenance."""
EdgeRow = tuple[str, str, str, str, str | None]
"""``(source, kind, target, role, location)``."""

_NODE_EXCLUDE = frozenset({"key", "kind", "provenance"})


def node_body(node: Node) -> str:
    """A node's stored body: its JSON without key, kind and provenance."""
    return node.model_dump_json(exclude=set(_NODE_EXCLUDE))


class BodyTemplate:
    """Writes the body of one node class from a plain dict, byte-identical to :func:`node_body`.

    ``fields`` holds what differs from the defaults, already in JSON-ready types (str,
    enums, tuples, dicts for nested records); the field order is the model's.
    """

    def __init__(self, model: type[Any]) -> None:
        self._defaults: dict[str, Any] = {
            name: info.get_default()
            for name, info in model.model_fields.items()
            if name not in _NODE_EXCLUDE
        }

    def body(self, fields: Mapping[str, Any]) -> str:
        data = self._defaults.copy()
        data.update(fields)
        return orjson.dumps(data).decode()


def node_rows_of(nodes: Iterable[Node]) -> list[NodeRow]:
    """Rows of pydantic nodes, first assertion of a key kept."""
    rows: dict[str, NodeRow] = {}
    for node in nodes:
        if node.key not in rows:
            rows[node.key] = (node.key, node.kind.value, node.provenance.location, node_body(node))
    return list(rows.values())


def edge_rows_of(edges: Iterable[Edge]) -> list[EdgeRow]:
    """Rows of pydantic edges, first assertion of an identity kept."""
    rows: dict[tuple[str, str, str, str], EdgeRow] = {}
    for e in edges:
        identity = (e.source, e.kind.value, e.target, e.role)
        if identity not in rows:
            rows[identity] = (*identity, e.provenance.location)
    return list(rows.values())


class DocumentRecords:
    """Everything one document asserts, as storage rows; pydantic records on demand."""

    __slots__ = ("_parsed", "edge_rows", "findings", "info", "node_rows")

    references: tuple[Reference, ...] = ()

    def __init__(
        self,
        info: DocumentInfo,
        node_rows: list[NodeRow],
        edge_rows: list[EdgeRow],
        findings: tuple[DataQualityFinding, ...],
    ) -> None:
        self.info = info
        self.node_rows = node_rows
        self.edge_rows = edge_rows
        self.findings = findings
        self._parsed: ParsedDocument | None = None

    def kind_counts(self) -> Counter[str]:
        """Nodes per kind value, without building the records."""
        return Counter(row[1] for row in self.node_rows)

    def parsed(self) -> ParsedDocument:
        """The pydantic records (built once)."""
        if self._parsed is None:
            self._parsed = ParsedDocument(
                info=self.info,
                nodes=materialise_nodes(self.info, self.node_rows),
                edges=materialise_edges(self.info, self.edge_rows),
                findings=self.findings,
            )
        return self._parsed


def materialise_nodes(info: DocumentInfo, rows: Iterable[NodeRow]) -> tuple[Node, ...]:
    """Pydantic nodes of ``rows`` asserted by ``info``'s document, by key."""
    nodes = []
    for key, kind, location, body in sorted(rows, key=itemgetter(0)):
        data = orjson.loads(body)
        data["key"], data["kind"] = key, kind
        data["provenance"] = {"document_id": info.id, "sha256": info.sha256, "location": location}
        nodes.append(NODE_ADAPTER.validate_python(data))
    return tuple(nodes)


def materialise_edges(info: DocumentInfo, rows: Iterable[EdgeRow]) -> tuple[Edge, ...]:
    """Pydantic edges of ``rows`` by identity; one shared :class:`Provenance` per location."""
    provenances: dict[str | None, Provenance] = {}
    edges = []
    for source, kind, target, role, location in sorted(rows, key=itemgetter(0, 1, 2, 3)):
        provenance = provenances.get(location)
        if provenance is None:
            provenance = provenances[location] = Provenance(
                document_id=info.id, sha256=info.sha256, location=location
            )
        edges.append(
            Edge(
                source=source, kind=EdgeKind(kind), target=target, role=role, provenance=provenance
            )
        )
    return tuple(edges)
