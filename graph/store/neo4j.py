"""The Neo4j store: the GraphStore contract on a Neo4j 5 server (local, cluster or Aura).

Like the SQLite store it keeps what each document asserted, not a merged graph, and
hands the active assertions to :func:`~graph.store.view.build_view`, so both stores
give the same view. The data model and every query are in :mod:`neo4j_queries`.

Each document is written in one managed transaction of batched ``UNWIND`` queries
(:mod:`neo4j_write`); reads run in managed read transactions, a few bulk queries each,
repeated if a write committed in between. Driver and server errors become one
:class:`StoreError` naming the URI.
"""

from __future__ import annotations

import logging
import operator
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import orjson
from neo4j import Driver, GraphDatabase, ManagedTransaction, Session
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graph.model import (
    NODE_ADAPTER,
    DataQualityFinding,
    DocumentInfo,
    Edge,
    ParsedDocument,
    Provenance,
)
from graph.store import NEO4J_SCHEMES
from graph.store import neo4j_queries as q
from graph.store.interface import (
    Clock,
    StoreError,
    StoreStats,
    UpsertResult,
    system_clock,
)
from graph.store.neo4j_write import SCHEMA_VERSION, DocumentWriter, with_status
from graph.store.view import EdgeAssertion, NodeAssertion, build_view
from graph.vocabulary import EdgeKind, Severity

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["DEFAULT_URI", "SCHEMA_VERSION", "Neo4jStore"]

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_BATCH_SIZE = 10_000
_T = TypeVar("_T")

# The driver logs connection failures as warnings; with no handler configured Python would
# print them to stderr beside the one StoreError line. Applications can still add handlers.
logging.getLogger("neo4j").addHandler(logging.NullHandler())


class Neo4jStore:
    """A :class:`~graph.store.interface.GraphStore` in one Neo4j database."""

    def __init__(
        self,
        uri: str,
        *,
        user: str = "neo4j",
        password: str | None = None,
        database: str = "neo4j",
        batch_size: int = DEFAULT_BATCH_SIZE,
        retry_seconds: float = 30.0,
        clock: Clock = system_clock,
    ) -> None:
        parts = urlsplit(uri)
        if parts.scheme not in NEO4J_SCHEMES:
            schemes = ", ".join(sorted(NEO4J_SCHEMES))
            raise StoreError(f"{uri}: not a Neo4j URI (schemes: {schemes})")
        if parts.username or parts.password:
            raise StoreError(
                f"{parts.scheme}://{parts.hostname}: put credentials in NEO4J_USER and "
                "NEO4J_PASSWORD, not in the URI"
            )
        if batch_size < 1:
            raise StoreError(f"{uri}: batch size must be at least 1, not {batch_size}")
        self.uri, self.database = uri, database
        self._writer = DocumentWriter(batch_size)
        self._user, self._clock = user, clock
        self._driver: Driver | None = None
        # causal consistency across this store's sessions (read your writes on a cluster)
        self._bookmarks = GraphDatabase.bookmark_manager()
        with self._errors("connecting"):
            try:
                self._driver = GraphDatabase.driver(
                    uri,
                    auth=(user, password) if password else None,
                    max_transaction_retry_time=retry_seconds,
                    connection_timeout=15.0,
                    notifications_min_severity="OFF",
                    user_agent="riskgraph",
                )
            except ValueError as e:
                raise StoreError(f"{uri}: not a usable Neo4j URI ({e})") from e
            try:
                self._driver.verify_connectivity()
                self._init_schema()
            except BaseException:
                self.close()
                raise

    @classmethod
    def from_env(cls, uri: str | None = None, *, clock: Clock = system_clock) -> Neo4jStore:
        """Settings from ``NEO4J_URI`` (when ``uri`` is None), ``NEO4J_USER``,
        ``NEO4J_PASSWORD``, ``NEO4J_DATABASE`` and ``RISKGRAPH_NEO4J_BATCH_SIZE``."""
        env = os.environ
        batch = env.get("RISKGRAPH_NEO4J_BATCH_SIZE") or str(DEFAULT_BATCH_SIZE)
        if not batch.isdigit():
            raise StoreError(f"RISKGRAPH_NEO4J_BATCH_SIZE must be a whole number, not {batch!r}")
        return cls(
            uri or env.get("NEO4J_URI") or DEFAULT_URI,
            user=env.get("NEO4J_USER") or env.get("NEO4J_USERNAME") or "neo4j",
            password=env.get("NEO4J_PASSWORD") or None,
            database=env.get("NEO4J_DATABASE") or "neo4j",
            batch_size=int(batch),
            clock=clock,
        )

    @property
    def batch_size(self) -> int:
        return self._writer.batch_size

    @property
    def path(self) -> str:
        """Where the store is, as the CLI reports it (the URI; never credentials)."""
        return self.uri

    # -- plumbing -------------------------------------------------------------------

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Driver and server errors become one StoreError naming the URI."""
        try:
            yield
        except StoreError:
            raise
        except AuthError as e:
            raise StoreError(
                f"{self.uri}: Neo4j refused the credentials of user {self._user!r} "
                f"(set NEO4J_USER and NEO4J_PASSWORD): {_one_line(e.message or str(e))}"
            ) from e
        except IncompleteCommit as e:
            raise StoreError(
                f"{self.uri}: connection lost while committing ({doing}); the change may or "
                "may not be stored: run it again (writes are idempotent)"
            ) from e
        except (ServiceUnavailable, SessionExpired, OSError) as e:
            raise StoreError(
                f"{self.uri}: cannot reach Neo4j while {doing}: {_reason(e)} (is the server "
                "running? `scripts/neo4j.sh up` starts a local one)"
            ) from e
        except Neo4jError as e:
            raise StoreError(
                f"{self.uri}: Neo4j error while {doing}: {e.code}: {_one_line(e.message or '')}"
            ) from e
        except DriverError as e:
            raise StoreError(f"{self.uri}: Neo4j driver error while {doing}: {e}") from e

    def _session(self, fetch_size: int = 10_000) -> Session:
        if self._driver is None:
            raise StoreError(f"{self.uri}: store is closed")
        return self._driver.session(
            database=self.database, fetch_size=fetch_size, bookmark_manager=self._bookmarks
        )

    def _write(self, doing: str, work: Callable[[ManagedTransaction], _T]) -> _T:
        with self._errors(doing), self._session() as session:
            return session.execute_write(work)

    def _read(self, doing: str, work: Callable[[ManagedTransaction], _T]) -> _T:
        """Run ``work`` in a read transaction; again if a write committed meanwhile."""

        def consistent(tx: ManagedTransaction) -> tuple[Any, _T, Any]:
            before = tx.run(q.REVISION).single()
            result = work(tx)
            return before, result, tx.run(q.REVISION).single()

        with self._errors(doing), self._session() as session:
            for _ in range(4):
                before, result, after = session.execute_read(consistent)
                if before == after:
                    break
            return result

    def _init_schema(self) -> None:
        with self._session() as session:
            for layer_type in q.LAYER_TYPES:  # first: lowest type ids (see LAYER_TYPES)
                session.run(q.CREATE_LAYER_TYPE, type=layer_type).consume()
            existing = {r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name")}
            existing |= {r["name"] for r in session.run("SHOW INDEXES YIELD name")}
            missing = [statement for name, statement in q.SCHEMA if name not in existing]
            try:  # one transaction: the server populates its indexes in one store scan
                with session.begin_transaction() as tx:
                    for statement in missing:
                        tx.run(statement).consume()
                    tx.commit()
            except ClientError as e:  # another process created some first: one at a time
                if "AlreadyExists" not in (e.code or ""):
                    raise
                for statement in missing:
                    try:
                        session.run(statement).consume()
                    except ClientError as again:
                        if "AlreadyExists" not in (again.code or ""):
                            raise
            if missing:
                session.run("CALL db.awaitIndexes(300)").consume()
            found = session.execute_write(
                lambda tx: tx.run(q.META, schema=SCHEMA_VERSION).single(strict=True)[0]
            )
            if found in ("1", "2"):  # before the reach layer or its two types: (re)build it
                for statement in q.DROP_OLD_LAYER if found == "2" else ():
                    session.run(statement).consume()
                for kind, statement in q.BUILD_LAYER.items():  # MERGE: safe to rerun
                    session.run(statement, kind=kind.value).consume()
                session.execute_write(_migrated)
                found = SCHEMA_VERSION
        if found != SCHEMA_VERSION:
            raise StoreError(
                f"{self.uri}: store schema version {found}, this riskgraph needs "
                f"{SCHEMA_VERSION}; migrate into a new database"
            )

    # -- writes ---------------------------------------------------------------------

    def upsert_document(self, document: ParsedDocument) -> UpsertResult:
        info = document.info
        stored = info.model_copy(update={"ingested_at": info.ingested_at or self._clock()})
        return self._write(
            f"storing {info.id}", lambda tx: self._writer.upsert(tx, document, stored)
        )

    def set_documents_active(self, doing: str, rows: list[list[Any]]) -> None:
        """Mark documents' relationships active or not (rows of [id, bool]) and recount
        their reach-layer pairs, in one write transaction that takes the store lock
        (maintenance such as finishing a bulk import)."""

        def work(tx: ManagedTransaction) -> None:
            tx.run(q.BUMP_REVISION, schema=SCHEMA_VERSION).consume()
            self._writer.set_active(tx, rows)

        self._write(doing, work)

    def remove_document(self, document_id: str) -> DocumentInfo:
        return self._write(
            f"removing {document_id}", lambda tx: self._writer.remove(tx, document_id, self.uri)
        )

    # -- reads ----------------------------------------------------------------------

    def revision(self) -> str:
        def work(tx: ManagedTransaction) -> Any:
            record = tx.run(q.REVISION).single()
            return 0 if record is None else record[0]

        return str(self._read("reading the revision", work))

    def documents(self) -> list[DocumentInfo]:
        rows = self._read("listing documents", lambda tx: list(tx.run(q.DOCUMENTS)))
        return [with_status(info, status, by) for _, info, status, by in sorted(rows)]

    def document(self, document_id: str) -> ParsedDocument:
        def work(tx: ManagedTransaction) -> tuple[Any, list[Any], list[Any], list[Any]]:
            state = tx.run(q.DOCUMENT_STATE, id=document_id).single()
            if state is None:
                raise StoreError(f"no document {document_id!r} in {self.uri}")
            nodes = _unmask(tx.run(q.DOCUMENT_NODES, id=document_id).single(strict=True), 2)
            edges = _unmask(tx.run(q.DOCUMENT_EDGES, id=document_id).single(strict=True), 4)
            return state, nodes, edges, list(tx.run(q.FINDINGS_OF, id=document_id))

        state, node_rows, edge_rows, finding_rows = self._read(f"reading {document_id}", work)
        info = with_status(*state)
        nodes = []
        for key, kind, loc, body in sorted(node_rows, key=lambda r: r[0]):
            data = orjson.loads(body)
            data["key"], data["kind"] = key, kind
            data["provenance"] = {"document_id": info.id, "sha256": info.sha256, "location": loc}
            nodes.append(NODE_ADAPTER.validate_python(data))
        edges = [
            Edge(
                source=s,
                kind=EdgeKind(k),
                target=t,
                role=r,
                provenance=Provenance(document_id=info.id, sha256=info.sha256, location=loc),
            )
            for s, k, t, r, loc in sorted(edge_rows, key=lambda r: (r[0], r[1], r[2], r[3]))
        ]
        return ParsedDocument(
            info=info, nodes=tuple(nodes), edges=tuple(edges), findings=_findings(finding_rows)
        )

    def findings(self, document_id: str | None = None) -> list[DataQualityFinding]:
        def work(tx: ManagedTransaction) -> list[Any]:
            if document_id is None:
                return list(tx.run(q.ALL_FINDINGS))
            return list(tx.run(q.FINDINGS_OF, id=document_id))

        return list(_findings(self._read("reading findings", work)))

    def stats(self) -> StoreStats:
        def work(tx: ManagedTransaction) -> tuple[Any, list[Any], list[Any]]:
            docs = tx.run(q.COUNT_DOCUMENTS).single(strict=True)
            return docs, list(tx.run(q.COUNT_NODES)), list(tx.run(q.COUNT_EDGES))

        (total, active, findings), nodes, edges = self._read("counting", work)
        return StoreStats(
            int(total),
            int(active or 0),
            {str(k): int(n) for k, n in sorted(nodes)},
            {str(k): int(n) for k, n in sorted(edges)},
            int(findings or 0),
        )

    def view(self) -> nx.MultiDiGraph:
        def work(tx: ManagedTransaction) -> tuple[list[Any], list[Any]]:
            return list(tx.run(q.ACTIVE_NODES)), list(tx.run(q.ACTIVE_EDGES))

        doc_rows, source_rows = self._read("reading the graph", work)
        shas = {str(r[0]): str(r[1]) for r in doc_rows}
        node_rows = [
            (key, kind, doc, None if null else loc, body)
            for doc, _, *columns in doc_rows
            for key, kind, loc, null, body in zip(*columns, strict=True)
        ]
        edge_rows = [
            (source, kind, target, role, doc, None if null else loc)
            for source, *columns in source_rows
            for kind, target, role, doc, loc, null in zip(*columns, strict=True)
        ]
        # Python sorts by code point like SQLite; Cypher's ORDER BY compares UTF-16 units.
        node_rows.sort(key=lambda r: (r[0], r[2]))
        edge_rows.sort(key=lambda r: (r[0], r[1], r[2], r[3], r[4]))
        nodes = (
            NodeAssertion(key, kind, orjson.loads(body), _prov(doc, shas, loc))
            for key, kind, doc, loc, body in node_rows
        )
        edges = (
            EdgeAssertion(s, k, t, role, _prov(doc, shas, loc))
            for s, k, t, role, doc, loc in edge_rows
        )
        return build_view(nodes, edges)

    def reachable_host_groups(self, keys: Sequence[str]) -> list[str]:
        """Host groups behind ``keys`` (see :mod:`graph.store.reachability`), in one query."""
        return self._walk(q.REACHABLE_HOST_GROUPS, keys=keys)

    def vendor_host_groups(self, vendor: str) -> list[str]:
        """Host groups behind what ``vendor`` (a key) supplies or operates
        (:func:`~graph.store.reachability.vendor_host_groups_in_view`), in one query."""
        return self._walk(q.VENDOR_HOST_GROUPS, key=vendor)

    def _walk(self, query: str, **params: object) -> list[str]:
        """One reach-layer walk (see :data:`neo4j_queries.LAYER_EDGE_KINDS`)."""

        def work(tx: ManagedTransaction) -> list[str]:
            return list(tx.run(query, params).single(strict=True)[0])

        return _sorted_unique(self._read("walking the graph", work))

    def plan_operators(self, query: str, **params: object) -> list[str]:
        """Operator names of the plan Neo4j picks for ``query`` (``EXPLAIN``, nothing runs)."""
        with self._errors("explaining a query"), self._session() as session:
            summary = session.run("EXPLAIN " + query, params).consume()
        names: list[str] = []
        stack = [summary.plan] if summary.plan else []
        while stack:
            step = stack.pop()
            names.append(str(step["operatorType"]).split("@")[0])
            stack.extend(step.get("children", []))
        return names

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None


def _migrated(tx: ManagedTransaction) -> None:
    tx.run(q.BUMP_REVISION, schema=SCHEMA_VERSION).consume()
    tx.run(q.SET_SCHEMA, schema=SCHEMA_VERSION).consume()


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def _reason(error: Exception) -> str:
    """The socket error inside the driver's message, else the message."""
    text = _one_line(str(error))
    found = re.search(r"\(reason (.+)\)$", text)
    return found.group(1) if found else text


def _sorted_unique(keys: list[str]) -> list[str]:
    """``sorted(set(keys))`` for lists that rarely hold a duplicate: one in-place sort and
    a C-speed scan of neighbours instead of hashing every key into a set (a hub vendor's
    answer is 200,000 keys; the set cost as much as the sort). From several start keys,
    this planner's DISTINCT after the pruning walk can still return a key once per start
    (seen on 5.26 with three keys), hence the scan."""
    keys.sort()
    if any(map(operator.eq, keys, islice(keys, 1, None))):
        return [k for i, k in enumerate(keys) if not i or k != keys[i - 1]]
    return keys


def _unmask(columns: Sequence[list[Any]], nullable: int) -> list[tuple[Any, ...]]:
    """Rows from parallel lists; the column after ``nullable`` is its null mask."""
    rows = []
    for row in zip(*columns, strict=True):
        values = list(row)
        if values.pop(nullable + 1):
            values[nullable] = None
        rows.append(tuple(values))
    return rows


def _prov(doc: str, shas: dict[str, str], location: str | None) -> Provenance:
    return Provenance(document_id=doc, sha256=shas[doc], location=location)


def _findings(rows: Sequence[Any]) -> tuple[DataQualityFinding, ...]:
    return tuple(
        DataQualityFinding(document_id=doc, severity=Severity(s), code=c, message=m, location=loc)
        for doc, text in sorted(rows)
        for s, c, m, loc in orjson.loads(text)
    )
