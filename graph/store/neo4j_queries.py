"""The Cypher the Neo4j store runs, built once at import from the ontology's enums.

Labels and relationship types cannot be query parameters, so they are spliced in here,
and only from :class:`NodeKind` and :class:`EdgeKind` values (checked to be plain
identifiers); every value, key and string from a document is a parameter.

Data model (one database per store):

- ``(:RiskgraphMeta {id: 'store', schema, revision})``: the revision counter; every
  write transaction updates it first, which also serialises writers (its lock).
- ``(:Document {id, lineage, status, superseded_by, sha256, name, path, format, info,
  findings, finding_count})``: ``info`` and ``findings`` are the JSON the SQLite store keeps.
- ``(:Entity:<NodeKind> {key, kind})``: one per node key, merged across documents.
- ``(:Entity)-[:ASSERTED_IN {kind, location, body}]->(:Document)``: one node assertion
  (``body`` is the node's fields as JSON), so removing a document removes exactly its own.
- ``(:Entity)-[:<EdgeKind> {document_id, role, location, active}]->(:Entity)``: one per
  asserting document, so provenance is exact; ``active`` mirrors the document's status and
  is what traversals filter on.

Bulk rows travel as columns: each column is joined into one string and split on the
server, which costs the pure-Python Bolt packer one string instead of one value per cell
(3-4x less client CPU). A batch falls back to plain lists when a value contains a
separator. ``$nul`` stands for None in split columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.store.reachability import REACH_EDGE_KINDS, VENDOR_EDGE_KINDS
from graph.vocabulary import EdgeKind, NodeKind

__all__ = [
    "ACTIVE_EDGES",
    "ACTIVE_NODES",
    "ALL_FINDINGS",
    "ASSERTED_KEYS",
    "ASSERT_NODES",
    "BUILD_LAYER",
    "BUMP_REVISION",
    "COUNT_DOCUMENTS",
    "COUNT_EDGES",
    "COUNT_NODES",
    "CREATE_DOCUMENT",
    "CREATE_LAYER_TYPE",
    "DELETE_DOCUMENT",
    "DELETE_DOCUMENT_EDGES",
    "DELETE_ORPHANS",
    "DOCUMENTS",
    "DOCUMENT_EDGES",
    "DOCUMENT_NODES",
    "DOCUMENT_STATE",
    "DROP_OLD_LAYER",
    "ENSURE_ENTITIES",
    "ENSURE_PLAIN_ENTITIES",
    "FINDINGS_OF",
    "LAYER_EDGE_KINDS",
    "LAYER_PAIRS_OF",
    "LAYER_TYPES",
    "LINEAGE",
    "META",
    "OLD_LAYER_TYPES",
    "REACH",
    "REACHABLE_HOST_GROUPS",
    "REACH_VENDOR",
    "REVISION",
    "SCHEMA",
    "SET_EDGES_ACTIVE",
    "SET_SCHEMA",
    "SET_STATUS",
    "SYNC_LAYER",
    "VENDOR_HOST_GROUPS",
    "WRITE_EDGES",
    "columns",
    "layer_type",
]

_SEP, _NUL = "\x1f", "\x1e"


def _identifier(value: str) -> str:
    if not value.replace("_", "").isalnum() or not value.isascii():
        raise ValueError(f"not a plain identifier: {value!r}")  # pragma: no cover
    return value


SCHEMA: tuple[tuple[str, str], ...] = (
    (
        "riskgraph_entity_key",
        "CREATE CONSTRAINT riskgraph_entity_key IF NOT EXISTS "
        "FOR (n:Entity) REQUIRE n.key IS UNIQUE",
    ),
    (
        "riskgraph_document_id",
        "CREATE CONSTRAINT riskgraph_document_id IF NOT EXISTS "
        "FOR (d:Document) REQUIRE d.id IS UNIQUE",
    ),
    (
        "riskgraph_meta_id",
        "CREATE CONSTRAINT riskgraph_meta_id IF NOT EXISTS "
        "FOR (m:RiskgraphMeta) REQUIRE m.id IS UNIQUE",
    ),
    (
        "riskgraph_document_status",
        "CREATE INDEX riskgraph_document_status IF NOT EXISTS FOR (d:Document) ON (d.status)",
    ),
    (
        "riskgraph_document_lineage",
        "CREATE INDEX riskgraph_document_lineage IF NOT EXISTS FOR (d:Document) ON (d.lineage)",
    ),
    *(
        (
            f"riskgraph_edge_document_{k.value.lower()}",
            f"CREATE INDEX riskgraph_edge_document_{k.value.lower()} IF NOT EXISTS "
            f"FOR ()-[r:{_identifier(k.value)}]-() ON (r.document_id)",
        )
        for k in EdgeKind
    ),
)


def _rows(carry: str = "") -> str:
    """Turns $cols (split strings or plain lists) into row index ``i`` over columns ``c``."""
    return (
        f"WITH {carry}[col IN $cols | CASE WHEN $sep IS NULL THEN col ELSE split(col, $sep) END]"
        " AS c UNWIND range(0, size(c[0]) - 1) AS i "
    )


META = (
    "MERGE (m:RiskgraphMeta {id: 'store'}) "
    "ON CREATE SET m.schema = $schema, m.revision = 0 RETURN m.schema"
)
BUMP_REVISION = (  # also the store's write lock: every write transaction runs it first
    "MERGE (m:RiskgraphMeta {id: 'store'}) ON CREATE SET m.schema = $schema, m.revision = 0 "
    "SET m.revision = m.revision + 1"
)
REVISION = "MATCH (m:RiskgraphMeta {id: 'store'}) RETURN m.revision"
DOCUMENT_STATE = "MATCH (d:Document {id: $id}) RETURN d.info, d.status, d.superseded_by"
LINEAGE = "MATCH (d:Document {lineage: $lineage}) RETURN d.id, d.info, d.status, d.superseded_by"
CREATE_DOCUMENT = (
    "CREATE (d:Document {id: $id, lineage: $lineage, status: $status, "
    "superseded_by: $superseded_by, sha256: $sha256, "
    "name: $name, path: $path, format: $format, info: $info, findings: $findings, "
    "finding_count: $finding_count})"
)
SET_STATUS = (
    "UNWIND $rows AS row MATCH (d:Document {id: row[0]}) "
    "SET d.status = row[1], d.superseded_by = row[2]"
)
DOCUMENTS = "MATCH (d:Document) RETURN d.id, d.info, d.status, d.superseded_by"
ALL_FINDINGS = "MATCH (d:Document) WHERE d.finding_count > 0 RETURN d.id, d.findings"
FINDINGS_OF = "MATCH (d:Document {id: $id}) RETURN d.id, d.findings"
ASSERTED_KEYS = "MATCH (:Document {id: $id})<-[:ASSERTED_IN]-(e:Entity) RETURN e.key"
DELETE_DOCUMENT = "MATCH (d:Document {id: $id}) DETACH DELETE d"
DELETE_ORPHANS = (
    "UNWIND $keys AS key MATCH (e:Entity {key: key}) WHERE NOT EXISTS { (e)--() } DELETE e"
)
DOCUMENT_NODES = (  # one row of parallel lists (see ACTIVE_NODES)
    "MATCH (:Document {id: $id})<-[a:ASSERTED_IN]-(e:Entity) "
    "RETURN collect(e.key), collect(a.kind), collect(coalesce(a.location, '')), "
    "collect(a.location IS NULL), collect(a.body)"
)
# The view's two bulk reads return a few rows of parallel lists (one row per active
# document, one per entity with outgoing edges), not one row per assertion: the pure-Python
# driver spends most of its time per record. Each row stays bounded by one document or one
# entity's degree. collect() drops nulls, so nullable locations travel with a null mask.
ACTIVE_NODES = (
    "MATCH (d:Document {status: 'active'}) CALL (d) { "
    "MATCH (d)<-[a:ASSERTED_IN]-(e:Entity) "
    "RETURN collect(e.key) AS k, collect(a.kind) AS c, collect(coalesce(a.location, '')) AS l, "
    "collect(a.location IS NULL) AS n, collect(a.body) AS b } "
    "RETURN d.id, d.sha256, k, c, l, n, b"
)
ACTIVE_EDGES = (
    "MATCH (s:Entity) CALL (s) { "
    "MATCH (s)-[r {active: true}]->(t:Entity) "
    "RETURN collect(type(r)) AS k, collect(t.key) AS t, collect(r.role) AS g, "
    "collect(r.document_id) AS d, collect(coalesce(r.location, '')) AS l, "
    "collect(r.location IS NULL) AS n } "
    "WITH s, k, t, g, d, l, n WHERE size(k) > 0 "
    "RETURN s.key, k, t, g, d, l, n"
)
COUNT_DOCUMENTS = (
    "MATCH (d:Document) RETURN count(d), "
    "sum(CASE d.status WHEN 'active' THEN 1 ELSE 0 END), sum(d.finding_count)"
)
# Distinct per entity inside a subquery, so memory stays bounded by one entity's degree.
COUNT_NODES = (
    "MATCH (e:Entity) CALL (e) { "
    "MATCH (e)-[a:ASSERTED_IN]->(:Document {status: 'active'}) RETURN DISTINCT a.kind AS kind "
    "} RETURN kind, count(*)"
)
COUNT_EDGES = (
    "MATCH (s:Entity) CALL (s) { "
    "MATCH (s)-[r {active: true}]->(t:Entity) "
    "WITH DISTINCT type(r) AS kind, t, r.role AS role RETURN kind, count(*) AS n "
    "} RETURN kind, sum(n)"
)


def _assert_nodes(kind: NodeKind) -> str:
    label = _identifier(kind.value)
    return (
        "MATCH (d:Document {id: $doc}) "
        + _rows("d, ")
        + "WITH d, c[0][i] AS key, nullIf(c[1][i], $nul) AS location, c[2][i] AS body "
        f"MERGE (e:Entity {{key: key}}) ON CREATE SET e:{label}, e.kind = $kind "
        "CREATE (e)-[:ASSERTED_IN {kind: $kind, location: location, body: body}]->(d)"
    )


def _ensure_entities(kind: NodeKind | None) -> str:
    on_create = f" ON CREATE SET e:{_identifier(kind.value)}, e.kind = $kind" if kind else ""
    return _rows() + "MERGE (e:Entity {key: c[0][i]})" + on_create


def _write_edges(kind: EdgeKind) -> str:
    return (
        _rows() + "WITH c[0][i] AS source, c[1][i] AS target, c[2][i] AS role, "
        "nullIf(c[3][i], $nul) AS location "
        "MATCH (a:Entity {key: source}) MATCH (b:Entity {key: target}) "
        f"CREATE (a)-[:{_identifier(kind.value)} {{document_id: $doc, role: role, "
        "location: location, active: $active}]->(b)"
    )


def _each_edge_of(doc: str, returning: str) -> str:
    """A subquery over every relationship one document asserted (one index seek per kind)."""
    return " UNION ALL ".join(
        f"MATCH (a)-[r:{_identifier(k.value)}]->(b) WHERE r.document_id = {doc} RETURN {returning}"
        for k in EdgeKind
    )


ASSERT_NODES = {kind: _assert_nodes(kind) for kind in NodeKind}
ENSURE_ENTITIES = {kind: _ensure_entities(kind) for kind in NodeKind}
ENSURE_PLAIN_ENTITIES = _ensure_entities(None)
WRITE_EDGES = {kind: _write_edges(kind) for kind in EdgeKind}
SET_EDGES_ACTIVE = (
    "UNWIND $rows AS row CALL (row) { " + _each_edge_of("row[0]", "r") + " } SET r.active = row[1]"
)
DELETE_DOCUMENT_EDGES = (
    "CALL () { "
    + _each_edge_of("$id", "r")
    + " } WITH r, [startNode(r).key, endNode(r).key] AS ends DELETE r WITH ends "
    "UNWIND ends AS key RETURN DISTINCT key"
)
DOCUMENT_EDGES = (
    "CALL () { "
    + _each_edge_of("$id", "a.key AS s, type(r) AS k, b.key AS t, r.role AS g, r.location AS l")
    + " } RETURN collect(s), collect(k), collect(t), collect(g), collect(coalesce(l, '')), "
    "collect(l IS NULL)"
)
# The reach layer: one relationship per (source, target, kind) that some active document
# asserts, for the walk kinds only, with ``kind`` (the edge kind) and ``documents`` = how
# many active documents assert it. Each document's own relationship stays (provenance); the
# walk crosses each pair once instead of once per asserting document (2-4x fewer
# relationships on the synthetic estates) and reads no property. Writers keep it in step in
# the same transaction by recounting the pairs they touched (:data:`SYNC_LAYER`), which is
# idempotent, so the driver's retries stay safe.
#
# Two relationship types, not one per kind: a node keeps one relationship group per type
# (grouping threshold 1), groups are chained in type-id order, and an expand stops reading
# the chain past the highest type it asks for. With the layer's types created first
# (:data:`LAYER_TYPES`: lowest ids; the bulk import lists the layer's file first) a walk
# reads one or two group records per node instead of the node's whole chain (7 types:
# 1.7x the db hits of the walk over one type, PROFILE on the 100k estate). ``REACH_VENDOR``
# (a vendor's own edges, :data:`VENDOR_EDGE_KINDS`) stays apart so the walk from keys
# (:data:`REACHABLE_HOST_GROUPS`) does not cross them, exactly as the view's walk.
LAYER_EDGE_KINDS: tuple[EdgeKind, ...] = (*VENDOR_EDGE_KINDS, *REACH_EDGE_KINDS)
REACH, REACH_VENDOR = "REACH", "REACH_VENDOR"
LAYER_TYPES = (REACH, REACH_VENDOR)
# the schema-2 layer (one REACH_<kind> type per kind), dropped when such a store is opened
OLD_LAYER_TYPES = tuple("REACH_" + _identifier(k.value) for k in LAYER_EDGE_KINDS)


def layer_type(kind: EdgeKind) -> str:
    if kind not in LAYER_EDGE_KINDS:
        raise ValueError(f"not a reach-layer kind: {kind}")  # pragma: no cover
    return REACH_VENDOR if kind in VENDOR_EDGE_KINDS else REACH


def _layer_queries(kind: EdgeKind) -> tuple[str, str]:
    """The recount of given pairs, and the build of the whole layer (auto-commit only);
    ``$kind`` is ``kind``'s value."""
    own, layer = _identifier(kind.value), layer_type(kind)
    count = f"-[r:{own} {{active: true}}]->(b) "
    sync = (
        "UNWIND $pairs AS p MATCH (a:Entity {key: p[0]}) MATCH (b:Entity {key: p[1]}) "
        f"CALL (a, b) {{ OPTIONAL MATCH (a){count}RETURN count(DISTINCT r.document_id) AS n }} "
        f"CALL (a, b, n) {{ WITH * WHERE n > 0 MERGE (a)-[l:{layer} {{kind: $kind}}]->(b) "
        "SET l.documents = n } "
        f"CALL (a, b, n) {{ WITH * WHERE n = 0 MATCH (a)-[l:{layer} {{kind: $kind}}]->(b) "
        "DELETE l }"
    )
    build = (
        f"MATCH (a:Entity) CALL (a) {{ MATCH (a){count}"
        "WITH b, count(DISTINCT r.document_id) AS n "
        f"MERGE (a)-[l:{layer} {{kind: $kind}}]->(b) SET l.documents = n }} "
        "IN TRANSACTIONS OF 10000 ROWS"
    )
    return sync, build


SYNC_LAYER = {kind: _layer_queries(kind)[0] for kind in LAYER_EDGE_KINDS}
BUILD_LAYER = {kind: _layer_queries(kind)[1] for kind in LAYER_EDGE_KINDS}
DROP_OLD_LAYER = tuple(
    f"MATCH ()-[l:{t}]->() CALL (l) {{ DELETE l }} IN TRANSACTIONS OF 10000 ROWS"
    for t in OLD_LAYER_TYPES
)
# token ids in this order on a new database, before any data (see LAYER_TYPES)
CREATE_LAYER_TYPE = "CALL db.createRelationshipType($type)"
SET_SCHEMA = "MATCH (m:RiskgraphMeta {id: 'store'}) SET m.schema = $schema"
LAYER_PAIRS_OF = (  # the walk-kind pairs some of the documents $ids assert
    "UNWIND $ids AS id CALL (id) { "
    + " UNION ".join(
        f"MATCH (a)-[r:{_identifier(k.value)}]->(b) WHERE r.document_id = id "
        f"RETURN '{_identifier(k.value)}' AS kind, a.key AS s, b.key AS t"
        for k in LAYER_EDGE_KINDS
    )
    + " } RETURN DISTINCT kind, s, t"
)

# Reachability returns one row, the keys as a list: a hub's answer is 10^5 host groups, and
# the driver's per-record cost would dominate. DISTINCT keeps the planner's pruning
# breadth-first var-length expand (each node once; a test checks the plan). The walk runs
# over the reach layer only, which holds active pairs alone: no property is read on the way.
_HOST_GROUP = _identifier(NodeKind.HOST_GROUP.value)


def _reach(start: str, types: Sequence[str], lower: int) -> str:
    return (
        # the label is tested after DISTINCT: with it in the pattern the planner may scan
        # HostGroup and expand-into every pair instead of walking from the start
        f"{start} MATCH (s)<-[:{'|'.join(types)}*{lower}..]-(x) "
        f"WITH DISTINCT x WHERE x:{_HOST_GROUP} RETURN collect(x.key)"
    )


_SEEDS = "MATCH (s:Entity) USING INDEX s:Entity(key) WHERE s.key IN $keys"
_VENDOR = (  # the hint: on a small graph the planner would rather scan the Vendor label
    "MATCH (s:Entity) USING INDEX s:Entity(key) "
    f"WHERE s.key = $key AND s:{_identifier(NodeKind.VENDOR.value)}"
)
# see reachability.VENDOR_EDGE_KINDS: one walk from the vendor covers all its sources
REACHABLE_HOST_GROUPS = _reach(_SEEDS, [REACH], 0)
VENDOR_HOST_GROUPS = _reach(_VENDOR, LAYER_TYPES, 1)


def columns(rows: Sequence[Sequence[str | None]]) -> dict[str, Any]:
    """Parameters ``cols``, ``sep`` and ``nul`` of a bulk query; ``rows`` must be non-empty."""
    joined: list[str] = []
    for column in zip(*rows, strict=True):
        nones = sum(1 for v in column if v is None)
        text = _SEP.join(_NUL if v is None else v for v in column)
        if text.count(_SEP) != len(column) - 1 or text.count(_NUL) != nones:
            # a value holds a separator: send real lists (None travels as null)
            return {"cols": [list(c) for c in zip(*rows, strict=True)], "sep": None, "nul": None}
        joined.append(text)
    return {"cols": joined, "sep": _SEP, "nul": _NUL}
