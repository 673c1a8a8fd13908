"""A real Neo4j for tests, started and stopped with the project's scripts/neo4j.sh.

Each pytest process (each xdist worker) gets its own server: its own home under the
worker's temp dir and its own port (7688 + worker index when free, else any free port),
with auth on, so workers never share data and auth is exercised.
"""

from __future__ import annotations

import os
import socket
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neo4j import Driver, GraphDatabase

from graph.store.neo4j import Neo4jStore
from graph.store.neo4j_queries import LAYER_EDGE_KINDS, LAYER_TYPES, layer_type
from graph.vocabulary import EdgeKind

if TYPE_CHECKING:
    import networkx as nx

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "neo4j.sh"
PASSWORD = "riskgraph-test-secret"  # not a secret: a throwaway server bound to 127.0.0.1
BASE_PORT = 7688


@dataclass(frozen=True)
class Neo4jServer:
    uri: str
    port: int
    home: Path
    password: str = PASSWORD
    user: str = "neo4j"

    def env(self) -> dict[str, str]:
        return server_env(self.home, self.port, self.password)

    def script(self, command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SCRIPT), command],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def pid(self) -> int:
        return int((self.home / "neo4j.pid").read_text().strip())

    def log_tail(self, lines: int = 30) -> str:
        return log_tail(self.home, lines)

    def store(self, *, clock: datetime | None = None, **options: Any) -> Neo4jStore:
        if clock is not None:
            options["clock"] = lambda: clock
        return Neo4jStore(self.uri, user=self.user, password=self.password, **options)

    def wipe(self) -> None:
        """Delete every node and relationship; constraints and indexes stay."""
        with (
            GraphDatabase.driver(self.uri, auth=(self.user, self.password)) as driver,
            driver.session(database="neo4j") as session,
        ):
            session.run(
                "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
            ).consume()


def server_env(home: Path, port: int, password: str = PASSWORD) -> dict[str, str]:
    return {
        **os.environ,
        "RISKGRAPH_NEO4J_HOME": str(home),
        "RISKGRAPH_NEO4J_PORT": str(port),
        "RISKGRAPH_NEO4J_PASSWORD": password,
        "RISKGRAPH_NEO4J_HEAP": os.environ.get("RISKGRAPH_NEO4J_HEAP", "768m"),
        "RISKGRAPH_NEO4J_PAGECACHE": os.environ.get("RISKGRAPH_NEO4J_PAGECACHE", "128m"),
    }


def log_tail(home: Path, lines: int = 30) -> str:
    log = home / "neo4j.log"
    if not log.is_file():
        return f"(no log at {log})"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def worker_index() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    digits = worker.removeprefix("gw")
    return int(digits) if digits.isdigit() else 0


def start_server(home: Path, *, preferred_port: int | None = None) -> Neo4jServer:
    """``scripts/neo4j.sh up`` with its own home; raises RuntimeError with the log tail."""
    candidates = [preferred_port] if preferred_port and port_is_free(preferred_port) else []
    candidates += [free_port(), free_port()]
    failures = []
    for port in candidates:
        result = subprocess.run(
            [str(SCRIPT), "up"],
            env=server_env(home, port),
            capture_output=True,
            text=True,
            timeout=400,
            check=False,
        )
        if result.returncode == 0 and result.stdout.strip():
            return Neo4jServer(uri=result.stdout.strip().splitlines()[-1], port=port, home=home)
        failures.append(f"port {port}: exit {result.returncode}\n{result.stderr[-3000:]}")
        if "already in use" not in result.stderr:  # only a port race is worth another try
            break
    raise RuntimeError(
        "Neo4j did not start with scripts/neo4j.sh up (home "
        f"{home}):\n" + "\n".join(failures) + f"\n--- last lines of neo4j.log:\n{log_tail(home)}"
    )


Layer = list[tuple[str, str, str, str, int]]


def own_driver(store: Neo4jStore) -> Driver:
    """A driver of the test's own to the test server behind ``store`` (the store's is
    private); close it, e.g. ``with own_driver(store) as driver:``."""
    return GraphDatabase.driver(store.uri, auth=("neo4j", PASSWORD))


def reach_layer(store: Neo4jStore) -> Layer:
    """The store's reach layer as sorted (type, kind, source, target, documents) rows; any
    relationship of the schema-2 layer's types would be a row too."""
    with own_driver(store) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (a)-[l]->(b) WHERE type(l) STARTS WITH 'REACH' "
            "RETURN type(l), l.kind, a.key, b.key, l.documents",
            database_=store.database,
        )
    assert {r[0] for r in records} <= set(LAYER_TYPES), records[:3]
    return sorted((r[0], r[1], r[2], r[3], r[4]) for r in records)


def layer_of_view(view: nx.MultiDiGraph) -> Layer:
    """What the reach layer must hold: per walk-kind pair of the merged graph (active
    documents only), how many documents assert it."""
    documents: dict[tuple[str, str, str, str], set[str]] = {}
    kinds = {k.value for k in LAYER_EDGE_KINDS}
    for source, target, data in view.edges(data=True):
        if data["kind"] in kinds:
            pair = (layer_type(EdgeKind(data["kind"])), data["kind"], source, target)
            documents.setdefault(pair, set()).update(p.document_id for p in data["provenance"])
    return sorted((*pair, len(ids)) for pair, ids in documents.items())
