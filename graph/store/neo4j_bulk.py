"""Offline bulk import into an empty Neo4j database: documents -> CSV -> ``neo4j-admin``.

The transactional store writes one document per transaction through Cypher; an initial
load of a large estate can instead write the same data model (:mod:`neo4j_queries`) as
CSV files for ``neo4j-admin database import full`` (run by ``scripts/neo4j.sh import
DIR`` while the server is stopped; Neo4j's import tool ships in the ``org.neo4j:neo4j``
artifacts the launcher already uses). The result is the database the transactional path
would build from the same documents in the same order: the same nodes, labels,
relationships and properties, so every read answers the same.

- Entities get their label and ``kind`` from the first document that mentions them
  (asserted kind, else the kind its key names, else no kind), as ``MERGE ... ON CREATE``
  does; a document asserts each key once and each edge identity once.
- A document's status (active or superseded) is known only once every document is seen:
  the document rows are written at the end, relationship rows say ``active: true``, the
  reach layer counts every asserting document, and :func:`complete_import` (first start
  after the import) marks the relationships of superseded documents inactive and recounts
  their layer pairs with the transactional store's own queries.
- Entities and the layer's rows are written by ``finish`` in the order a walk from the
  vendors meets them (:mod:`neo4j_order`), which only decides record ids.
- Every string is quoted, so an empty string stays an empty string and ``None`` (an empty
  unquoted field) stays absent. Fields are separated by U+001F and quoted with U+001E, so
  JSON bodies need no escaping; a value holding U+001E has it doubled (RFC 4180 style).

All or nothing: ``neo4j-admin`` builds the whole store or fails, and the import only
targets an empty (or overwritten) database, so a failed import is simply run again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

import numpy as np
import orjson

from graph.keys import kind_of_key
from graph.model import DataQualityFinding, DocumentInfo, Edge, Node, ParsedDocument
from graph.store import neo4j_queries as q
from graph.store.interface import Clock, StoreError, resolve_active, system_clock
from graph.store.neo4j_order import PAIR_BITS, unpack, walk_order
from graph.store.neo4j_write import SCHEMA_VERSION, info_json
from graph.store.reachability import VENDOR_EDGE_KINDS
from graph.vocabulary import DocumentStatus

if TYPE_CHECKING:
    from graph.store.neo4j import Neo4jStore

__all__ = ["ARGS_FILE", "SCHEMA_FILE", "BulkImportFiles", "ImportSummary", "complete_import"]

ARGS_FILE = "import.args"
SCHEMA_FILE = "schema.cypher"
_D, _Q = "\x1f", "\x1e"
_QQ = _Q + _Q
_QDQ = _Q + _D + _Q
_EDGE_HEADER = ":START_ID(Entity) :END_ID(Entity) :TYPE document_id role location active:boolean"
_ASSERTED_HEADER = ":START_ID(Entity) :END_ID(Document) kind location body :TYPE"
_NODE_EXCLUDE = {"key", "kind", "provenance"}
_TRUE_END = _D + "true\n"


def _field(value: str | None) -> str:
    if value is None:
        return ""
    if _Q in value:
        value = value.replace(_Q, _QQ)
    return _Q + value + _Q


def _row(values: Iterable[str | None]) -> str:
    return _D.join(_field(v) for v in values) + "\n"


def _json(node: Node) -> str:
    return node.__pydantic_serializer__.to_json(node, exclude=_NODE_EXCLUDE).decode()


def _locations(items: Sequence[Node | Edge]) -> tuple[list[str], int]:
    """Each item's location as a quoted field (empty when it has none), and how many
    have none (a quoted field holds two quote characters, an empty one none)."""
    fields = ["" if (loc := x.provenance.location) is None else _Q + loc + _Q for x in items]
    return fields, fields.count("")


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What was written: counts for the benchmark, the directory for ``neo4j.sh import``."""

    directory: Path
    documents: int
    entities: int
    node_assertions: int
    edge_assertions: int
    superseded: tuple[str, ...] = ()  # documents a later one of their lineage supersedes

    @property
    def records(self) -> int:
        """Node plus edge assertions, as the load benchmark counts records."""
        return self.node_assertions + self.edge_assertions


class BulkImportFiles:
    """Collects documents, in ingest order, into import CSVs under ``directory``."""

    def __init__(self, directory: Path, *, clock: Clock = system_clock) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if any(directory.iterdir()):
            raise StoreError(f"{directory}: not empty (bulk import files go in a new directory)")
        self.directory, self._clock = directory, clock
        self._entities: list[str] = []  # rows by import id, written in walk order by finish
        self._asserted = self._open("rels-asserted.csv", _ASSERTED_HEADER)
        self._edges = self._open("rels-edges.csv", _EDGE_HEADER)
        self._ids: dict[str, int] = {}  # entity key -> import id, in order of first mention
        self._infos: dict[str, tuple[DocumentInfo, tuple[DataQualityFinding, ...]]] = {}
        self._multiline = False
        self._counts = [0, 0]
        # reach layer: source id << 34 | target id << 4 | kind index -> asserting documents
        self._layer: Counter[int] = Counter()

    def _open(self, name: str, header: list[str] | str) -> IO[str]:
        f = (self.directory / name).open("w", encoding="utf-8", newline="")
        f.write(_D.join(header.split() if isinstance(header, str) else header) + "\n")
        return f

    def _write(self, f: IO[str], lines: list[str]) -> None:
        self._note(lines)
        f.writelines(lines)

    def _note(self, lines: list[str]) -> None:
        if not self._multiline:  # the import tool parses slower when told to expect these
            self._multiline = any("\n" in line[:-1] or "\r" in line for line in lines)

    def _write_fast(self, f: IO[str], lines: list[str], quotes: int) -> bool:
        """Write rows built without escaping if they need none (``quotes`` is how many
        quote characters they hold when no value holds one); False: nothing written."""
        text = "".join(lines)
        if text.count(_Q) != quotes:
            return False
        if not self._multiline:
            self._multiline = text.count("\n") != len(lines) or "\r" in text
        f.write(text)
        return True

    def _entity(self, key: str, kind: str | None) -> str:
        number = self._ids[key] = len(self._ids)
        if number >> PAIR_BITS:
            raise StoreError(f"bulk import: more than {1 << PAIR_BITS:,} entities")
        label = "Entity" if kind is None else f"Entity;{kind}"
        return f"{number}{_D}" + _row((key, kind))[:-1] + _D + label + "\n"

    def add(self, document: ParsedDocument) -> None:
        """Add one document (a document id seen before is skipped, as an upsert would)."""
        info = document.info
        if info.id in self._infos:
            return
        stored = info.model_copy(update={"ingested_at": info.ingested_at or self._clock()})
        # keep the info and findings only: the bulk of a document goes to disk now
        self._infos[info.id] = (stored, document.findings)  # its import id: its position
        number, doc, kinds = len(self._infos) - 1, info.id, self._ids
        entities: list[str] = []
        nodes: dict[str, Node] = {}
        for node in document.nodes:  # first assertion of a key in a document wins
            if node.key not in nodes:
                nodes[node.key] = node
        unique: dict[tuple[str, str, str, str], Edge] = {}
        for edge in document.edges:
            unique.setdefault((edge.source, edge.kind, edge.target, edge.role), edge)
        for key, node in nodes.items():
            if key not in kinds:
                entities.append(self._entity(key, node.kind))
        ends = {e.source for e in unique.values()} | {e.target for e in unique.values()}
        for key in sorted(ends - nodes.keys()):
            if key not in kinds:
                try:
                    placeholder: str | None = kind_of_key(key).value
                except ValueError:
                    placeholder = None
                entities.append(self._entity(key, placeholder))
        self._note(entities)
        self._entities += entities
        self._write_asserted(number, list(nodes.values()))
        self._write_edges(doc, list(unique.values()))
        ids, layer_index = self._ids, _LAYER_INDEX.get
        self._layer.update(  # each pair once per document; Counter counts in C
            {
                ids[e.source] << PAIR_BITS + 4 | ids[e.target] << 4 | k
                for e in unique.values()
                if (k := layer_index(e.kind)) is not None
            }
        )

    def _write_asserted(self, doc: int, nodes: list[Node]) -> None:
        # one f-string per row (a row is its values quoted, joined; see _row), escaping
        # only when some value holds a quote character
        ids, (locations, nones) = self._ids, _locations(nodes)
        lines = [
            f"{ids[n.key]}{_D}{doc}{_D}{_Q}{n.kind}{_Q}{_D}{loc}{_D}{_Q}{_json(n)}{_Q}"
            f"{_D}ASSERTED_IN\n"
            for n, loc in zip(nodes, locations, strict=True)
        ]
        if not self._write_fast(self._asserted, lines, 6 * len(lines) - 2 * nones):
            lines = [
                f"{ids[n.key]}{_D}{doc}{_D}"
                + _row((n.kind, n.provenance.location, _json(n)))[:-1]
                + _D
                + "ASSERTED_IN\n"
                for n in nodes
            ]
            self._write(self._asserted, lines)
        self._counts[0] += len(lines)

    def _write_edges(self, doc: str, edges: list[Edge]) -> None:
        ids, (locations, nones) = self._ids, _locations(edges)
        lines = [
            f"{ids[e.source]}{_D}{ids[e.target]}{_D}{_Q}{e.kind}{_QDQ}{doc}{_QDQ}{e.role}{_Q}"
            f"{_D}{loc}{_TRUE_END}"
            for e, loc in zip(edges, locations, strict=True)
        ]
        if not self._write_fast(self._edges, lines, 8 * len(lines) - 2 * nones):
            lines = [
                f"{ids[e.source]}{_D}{ids[e.target]}{_D}"
                + _row((e.kind, doc, e.role, e.provenance.location))[:-1]
                + _TRUE_END
                for e in edges
            ]
            self._write(self._edges, lines)
        self._counts[1] += len(lines)

    def finish(self) -> ImportSummary:
        """Write the document and meta rows and the import tool's arguments."""
        for f in (self._asserted, self._edges):
            f.close()
        infos = [info for info, _ in self._infos.values()]
        winners = resolve_active(infos)
        header = [":ID(Document)", "id", "lineage", "status", "superseded_by", "sha256", "name"]
        header += ["path", "format", "info", "findings", "finding_count:long", ":LABEL"]
        with self._open("nodes-documents.csv", header) as f:
            for number, (i, doc_findings) in enumerate(self._infos.values()):
                by = winners[i.id]
                status = DocumentStatus.ACTIVE if by is None else DocumentStatus.SUPERSEDED
                findings = [[x.severity.value, x.code, x.message, x.location] for x in doc_findings]
                values = [i.id, i.lineage, status.value, by, i.sha256, i.name, i.path]
                values += [i.format.value, info_json(i), orjson.dumps(findings).decode()]
                row = _row(values)[:-1] + f"{_D}{len(findings)}{_D}Document\n"
                self._write(f, [f"{number}{_D}{row}"])
        self._write_walk_ordered()
        header = [":ID(Meta)", "id", "schema", "revision:long", ":LABEL"]
        with self._open("nodes-meta.csv", header) as f:
            meta = _row(("store", SCHEMA_VERSION))[:-1]
            f.write(f"0{_D}{meta}{_D}{len(infos)}{_D}RiskgraphMeta\n")
        args = [
            f"--delimiter=U+{ord(_D):04X}",
            f"--quote=U+{ord(_Q):04X}",
            f"--multiline-fields={'true' if self._multiline else 'false'}",
            "--id-type=INTEGER",  # numbers, not keys: no string-to-id map in the tool
            *(f"--nodes={self.directory / n}" for n in _NODE_FILES),
            *(f"--relationships={self.directory / n}" for n in _REL_FILES),
        ]
        # the store's constraints and indexes, created by the launcher (scripts/neo4j.sh load)
        # before the server answers, so opening the store finds them in place
        schema = "".join(statement + "\n" for _, statement in q.SCHEMA)
        (self.directory / SCHEMA_FILE).write_text(schema, "utf-8")
        # last, and whole at once (a rename): a launcher started early (scripts/neo4j.sh
        # preload) imports as soon as this file exists
        partial = self.directory / (ARGS_FILE + ".partial")
        partial.write_text("\n".join(args) + "\n", "utf-8")
        partial.replace(self.directory / ARGS_FILE)
        return ImportSummary(
            self.directory,
            len(infos),
            len(self._ids),
            self._counts[0],
            self._counts[1],
            tuple(i.id for i in infos if winners[i.id] is not None),
        )

    def _write_walk_ordered(self) -> None:
        """The entity rows and the layer's rows in the order of :func:`walk_order`: the
        walk's nodes get neighbouring record ids, and each node's incoming layer
        relationships (what the reverse walk reads) neighbouring rows, node after node."""
        count, layer = len(self._ids), self._layer
        pairs = np.fromiter(layer.keys(), np.uint64, len(layer))
        sources, targets, kinds = unpack(pairs)
        order = walk_order(sources, targets, kinds, count, len(VENDOR_EDGE_KINDS))
        with self._open("nodes-entities.csv", ":ID(Entity) key kind :LABEL") as f:
            rows = self._entities
            f.writelines([rows[i] for i in order.tolist()])
        rank = np.empty(count, np.int64)
        rank[order] = np.arange(count)
        # by target, then source descending: the import links each node's relationship chain
        # last row first, so the walk meets a node's sources in ascending order, the order
        # walk_order numbered them in (its children in the order it discovers them)
        by = np.lexsort((kinds, -rank[sources], rank[targets]))
        documents = np.fromiter(layer.values(), np.int64, len(layer))[by].tolist()
        kind_rows = _LAYER_ROW
        with self._open(
            "rels-reach.csv", ":END_ID(Entity) :START_ID(Entity) documents:long kind :TYPE"
        ) as f:
            f.writelines(
                [
                    f"{t}{_D}{s}{_D}{n}{_D}{kind_rows[k]}"
                    for t, s, n, k in zip(
                        targets[by].tolist(),
                        sources[by].tolist(),
                        documents,
                        kinds[by].tolist(),
                        strict=True,
                    )
                ]
            )


_NODE_FILES = ("nodes-meta.csv", "nodes-documents.csv", "nodes-entities.csv")
# the layer first: the import gives relationship types ids in the order it meets them, and
# the layer's types need the lowest (neo4j_queries.LAYER_TYPES)
_REL_FILES = ("rels-reach.csv", "rels-asserted.csv", "rels-edges.csv")
_LAYER_INDEX = {kind: i for i, kind in enumerate(q.LAYER_EDGE_KINDS)}
_LAYER_ROW = [f"{_Q}{kind}{_Q}{_D}{q.layer_type(kind)}\n" for kind in q.LAYER_EDGE_KINDS]


def complete_import(store: Neo4jStore, superseded: Sequence[str] | None = None) -> int:
    """After the first start on imported files: mark superseded documents' relationships
    inactive (the import wrote them all active); returns how many documents that was.
    ``superseded``: their ids (:attr:`ImportSummary.superseded`), so the store's documents
    need not be read back to find them."""
    if superseded is None:
        superseded = [
            info.id for info in store.documents() if info.status is not DocumentStatus.ACTIVE
        ]
    if superseded:
        store.set_documents_active("completing the import", [[i, False] for i in superseded])
    return len(superseded)
