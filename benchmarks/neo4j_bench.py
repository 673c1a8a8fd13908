"""Neo4j store benchmark on a generated estate: bulk load and vendor blast-radius queries.

Input: the parse cache of an estate (benchmarks/neo4j_estate.py; parsing is not a store's
cost, so only the store calls are timed). In one run, over the same documents:

- ``sqlite``: ``SqliteStore.upsert_document`` per document into a fresh file;
- ``tx``: ``Neo4jStore.upsert_document`` per document (one transaction each) into a Neo4j
  started here (scripts/neo4j.sh, its own home and free port);
- ``bulk``: the offline path: ``BulkImportFiles.add`` per document, then ``finish``,
  ``scripts/neo4j.sh load`` (the import and the server start in one JVM; ``--bulk-jvms 2``:
  ``import`` then ``up``, two JVMs), the store's schema (constraints and indexes
  populated) and ``complete_import``: the time until the database answers. Each step's
  CPU seconds are shown too (Python, the import JVM, the server JVM until it answers).
  ``--bulk-start early``: ``neo4j.sh preload`` starts the JVM
  just before the first ``add`` (it warms the import tool up meanwhile and imports once
  ``finish`` has written ``import.args``); the documents are then held in memory and
  written after the other stores' pass, so the timed span (the JVM's start included)
  overlaps nothing untimed. ``after``: ``load`` once the files are written. ``auto`` (the
  default, with one JVM): ``early`` when the cache file is at most :data:`HOLD_MAX_BYTES`
  (held, the 100k estate's 272 MB cache is ~2 GB; the 1M estate's 3 GB would not fit in
  this machine's 24 GB), else ``after``; the summary says which.

records/s counts node and edge assertions (the documents' nodes plus edges). Then on the
bulk-imported database (page cache warmed by a full scan, timed): ``vendor_host_groups``
(one Cypher query, Bolt round trip included) for the hub vendors (most SUPPLIED_BY
edges, each timed ``--repeat`` times) and for ``--queries`` random vendors, against the
embedded equivalent: the same walk in process over an adjacency of the same documents'
active edges (``--view`` also checks against ``SqliteStore.view()``, feasible at 100k).
Answers are checked equal. Servers are stopped and deleted at the end.

    .venv/bin/python benchmarks/neo4j_bench.py CACHE [--modes sqlite,tx,bulk]
        [--heap 4g] [--pagecache 4g] [--java-opts OPTS] [--batch 10000] [--hubs 5] [--repeat 5]
        [--queries 50] [--view] [--workdir DIR] [--keep] [--reuse HOME] [--bulk-jvms 1|2]
        [--bulk-start early|after]

``--keep`` leaves the bulk-imported server running (its URI and home are printed) for
``PROFILE`` work; stop it with ``RISKGRAPH_NEO4J_HOME=HOME scripts/neo4j.sh wipe``.
``--reuse HOME`` skips the load into Neo4j: it starts a server on the database a ``--keep``
run left in HOME (stopping it first if it runs) and times only the queries (the cache is
still read for the in-process walk); the server is stopped, not deleted, at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from neo4j import GraphDatabase  # noqa: E402

from benchmarks.neo4j_estate import read_cache  # noqa: E402
from graph.store.interface import resolve_active  # noqa: E402
from graph.store.neo4j import Neo4jStore  # noqa: E402
from graph.store.neo4j_bulk import BulkImportFiles, complete_import  # noqa: E402
from graph.store.reachability import REACH_EDGE_KINDS, VENDOR_EDGE_KINDS  # noqa: E402
from graph.store.sqlite import SqliteStore  # noqa: E402
from ingest.pipeline import paused_gc  # noqa: E402
from tests.neo4j_server import free_port, server_env  # noqa: E402

SCRIPT = str(REPO / "scripts/neo4j.sh")
PASSWORD = "bench-password-1"
_WALK = frozenset(k.value for k in (*REACH_EDGE_KINDS, *VENDOR_EDGE_KINDS))
_HUBS = (
    "MATCH (v:Vendor) RETURN v.key AS key, COUNT { (v)<-[:SUPPLIED_BY {active: true}]-() } AS n "
    "ORDER BY n DESC, key LIMIT $k"
)
_WARM = (  # touch every node, relationship and property record once
    "MATCH (n) OPTIONAL MATCH (n)-[r]->() "
    "RETURN count(n.key), count(n.id), count(r.active), count(r.body), count(r.role)"
)


class Server:
    """A Neo4j of this run: own home, free port, given heap and page cache."""

    def __init__(self, home: Path, heap: str, pagecache: str, java_opts: str = "") -> None:
        self.env = server_env(home, free_port(), PASSWORD)
        self.env["RISKGRAPH_NEO4J_HEAP"], self.env["RISKGRAPH_NEO4J_PAGECACHE"] = heap, pagecache
        self.env.pop("RISKGRAPH_NEO4J_JAVA_OPTS", None)  # the import tool runs without them
        self.java_opts, self.uri = java_opts, ""

    def run(self, *command: str) -> str:
        env = self.env
        if command[0] in ("up", "load") and self.java_opts:  # the server's JVM only
            env = {**env, "RISKGRAPH_NEO4J_JAVA_OPTS": self.java_opts}
        done = subprocess.run(
            [SCRIPT, *command], env=env, capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise SystemExit(f"neo4j.sh {' '.join(command)} failed:\n{done.stderr}")
        return done.stdout.strip()

    def up(self, *load: str) -> str:
        """``up``, or with ``load DIR``: import DIR and start, in one JVM."""
        self.uri = self.run(*(load or ("up",))).splitlines()[-1]
        return self.uri

    def preload(self, directory: str) -> subprocess.Popen[str]:
        """``preload DIR`` in the background: the launcher starts (and warms up) while DIR's
        files are written; :meth:`wait` for it once they are."""
        return subprocess.Popen(
            [SCRIPT, "preload", directory],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait(self, started: subprocess.Popen[str]) -> str:
        out, err = started.communicate()
        if started.returncode:
            raise SystemExit(f"neo4j.sh preload failed:\n{err}")
        self.uri = out.strip().splitlines()[-1]
        return self.uri

    def store(self, batch: int) -> Neo4jStore:
        return Neo4jStore(self.uri, password=PASSWORD, batch_size=batch)

    def cpu(self) -> float:
        """CPU seconds the running server's JVM has used (it is not a waited-for child)."""
        pid = (Path(self.env["RISKGRAPH_NEO4J_HOME"]) / "neo4j.pid").read_text().strip()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def launcher_times(self) -> dict[str, tuple[float, float]]:
        """The launcher's own figures (``load``): step -> (seconds, JVM CPU seconds so far)."""
        log = Path(self.env["RISKGRAPH_NEO4J_HOME"]) / "neo4j.log"
        times = {}
        for line in log.read_text(errors="replace").splitlines():
            words = line.split()  # NEO4J IMPORTED in 123 ms (cpu 456 ms)
            if len(words) == 8 and words[0] == "NEO4J" and words[2] == "in":
                times[words[1].lower()] = (int(words[3]) / 1000, int(words[6]) / 1000)
        return times


def _cpu() -> float:
    """This process's and its waited-for children's CPU seconds."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


class Adjacency:
    """Reverse adjacency of the walk's edge kinds, from the documents' active edges."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.host_group: set[int] = set()
        self._edges: dict[str, list[tuple[int, int]]] = defaultdict(list)

    def _id(self, key: str) -> int:
        return self.ids.setdefault(key, len(self.ids))

    def add(self, doc: Any) -> None:
        for n in doc.nodes:
            if n.kind.value == "HostGroup":
                self.host_group.add(self._id(n.key))
        rows = self._edges[doc.info.id]
        for e in doc.edges:
            if e.kind.value in _WALK:
                rows.append((self._id(e.target), self._id(e.source)))

    def build(self, active: set[str]) -> None:
        self.pred: list[list[int]] = [[] for _ in self.ids]
        for doc, rows in self._edges.items():
            if doc in active:
                for target, source in rows:
                    self.pred[target].append(source)
        self.keys = list(self.ids)
        del self._edges

    def vendor_host_groups(self, vendor: str) -> list[str]:
        start = self.ids.get(vendor)
        if start is None:
            return []
        seen, frontier, pred = {start}, [start], self.pred
        while frontier:
            nxt = []
            for node in frontier:
                for p in pred[node]:
                    if p not in seen:
                        seen.add(p)
                        nxt.append(p)
            frontier = nxt
        return sorted(self.keys[i] for i in seen if i in self.host_group)


HOLD_MAX_BYTES = 1 << 30
"""``--bulk-start auto`` holds the documents (starts early) for cache files up to this size."""


def bulk_start(args: argparse.Namespace) -> str:
    """``--bulk-start``, with ``auto`` decided by the cache file's size."""
    if args.bulk_start != "auto":
        return str(args.bulk_start)
    return "early" if args.cache.stat().st_size <= HOLD_MAX_BYTES else "after"


def load(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """One pass over the cache into every store of ``--modes``; per-mode seconds."""
    modes, out = set(args.modes.split(",")), dict[str, Any]()
    spent: dict[str, float] = defaultdict(float)
    sqlite = SqliteStore(work / "bench.sqlite") if "sqlite" in modes else None
    tx_server = Server(work / "tx-home", args.heap, args.pagecache) if "tx" in modes else None
    tx = None
    if tx_server:
        tx_server.up()
        tx = tx_server.store(args.batch)
    bulk = BulkImportFiles(work / "csv") if "bulk" in modes and not args.reuse else None
    server = Server(work / "bulk-home", args.heap, args.pagecache, args.java_opts)
    # early start: the documents are held in memory (100k: ~2 GB) and written after this
    # loop, so the JVM's early start overlaps only the timed CSV writing, not the cache's reading
    held: list[Any] | None = None
    if bulk is not None and bulk_start(args) == "early" and args.bulk_jvms == 1:
        held = []
    adjacency, infos, records, docs, csv_cpu = Adjacency(), [], 0, 0, 0.0
    targets = [("sqlite", sqlite), ("tx", tx), ("bulk", bulk if held is None else None)]
    for doc in read_cache(args.cache):
        if held is not None:
            held.append(doc)
        docs += 1
        records += len(doc.nodes) + len(doc.edges)
        infos.append(doc.info)
        adjacency.add(doc)
        with paused_gc():  # as the CLI's ingest does
            for name, target in targets:
                if target is not None:
                    started = time.perf_counter()
                    if isinstance(target, BulkImportFiles):
                        cpu = time.process_time()
                        target.add(doc)
                        csv_cpu += time.process_time() - cpu
                    else:
                        target.upsert_document(doc)
                    spent[name] += time.perf_counter() - started
        if docs % 5000 == 0:
            print(f"  {docs:,} documents, {dict(spent)}", file=sys.stderr, flush=True)
    winners = resolve_active(infos)
    adjacency.build({d for d, by in winners.items() if by is None})
    out.update(documents=docs, records=records, adjacency=adjacency, sqlite=sqlite)
    if tx is not None and tx_server is not None:
        out["tx_stats"] = tx.stats()
        tx.close()
        tx_server.run("wipe")
    early = None
    if bulk is not None and held is not None:  # timed: the JVM's start, then the CSV rows
        started = time.perf_counter()
        early = server.preload(str(bulk.directory))
        for doc in held:
            with paused_gc():
                cpu = time.process_time()
                bulk.add(doc)
                csv_cpu += time.process_time() - cpu
        held.clear()
        spent["bulk"] = time.perf_counter() - started
    if bulk is not None:
        steps, cpus = {"csv": spent.pop("bulk")}, {"csv": csv_cpu}

        def step(name: str, call: Any) -> Any:
            started, cpu = time.perf_counter(), _cpu()
            result = call()
            steps[name], cpus[name] = time.perf_counter() - started, _cpu() - cpu
            return result

        summary = step("finish", bulk.finish)
        directory = str(summary.directory)
        if early is not None:  # started before the CSV files: wait for it to answer
            step("import+start", lambda: server.wait(early))
        elif args.bulk_jvms == 2:
            step("import", lambda: server.run("import", directory))
            step("start", server.up)
        else:  # one JVM: the launcher imports, then starts on the imported database
            step("import+start", lambda: server.up("load", directory))
        cpus["server JVM to ready"] = ready = server.cpu()
        store = step("schema", lambda: server.store(args.batch))  # constraints, indexes, awaited
        step("complete", lambda: complete_import(store, summary.superseded))
        cpus["server JVM, schema + complete"] = server.cpu() - ready
        out.update(bulk_steps=steps, bulk_cpu=cpus, bulk_store=store, bulk_server=server)
        out["bulk_launcher"] = server.launcher_times()
        spent["bulk"] = sum(steps.values())
    if args.reuse is not None:  # the database a --keep run imported: restart, no load
        server = Server(args.reuse, args.heap, args.pagecache, args.java_opts)
        server.run("down")
        server.up()
        out.update(bulk_store=server.store(args.batch), bulk_server=server)
    out["spent"] = dict(spent)
    return out


def pct(values: list[float], q: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] * 1000


def timed(fn: Any, *a: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn(*a)
    return time.perf_counter() - started, result


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("cache", type=Path)
    ap.add_argument("--modes", default="sqlite,tx,bulk")
    ap.add_argument("--heap", default="4g")
    ap.add_argument("--pagecache", default="4g")
    ap.add_argument(
        "--java-opts",
        default=os.environ.get("RISKGRAPH_NEO4J_JAVA_OPTS", ""),
        help="extra JVM options of the queried server (RISKGRAPH_NEO4J_JAVA_OPTS; not the import)",
    )
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--hubs", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--view", action="store_true")
    ap.add_argument(
        "--bulk-jvms",
        type=int,
        choices=(1, 2),
        default=1,
        help="1: import and start in one JVM (neo4j.sh load); 2: neo4j.sh import, then up",
    )
    ap.add_argument(
        "--bulk-start",
        choices=("auto", "early", "after"),
        default="auto",
        help="early: start the import JVM (neo4j.sh preload) before the CSV files are written, "
        "so it warms up meanwhile (the documents are held in memory); after: start it once "
        "they are (one JVM: neo4j.sh load); auto (default): early for a cache file of at "
        "most 1 GiB, else after",
    )
    ap.add_argument(
        "--workdir", type=Path, default=None, help="where the scratch directory goes (created)"
    )
    ap.add_argument(
        "--keep", action="store_true", help="leave the imported server up (prints its home)"
    )
    ap.add_argument(
        "--reuse", type=Path, default=None, help="query the database a --keep run left in HOME"
    )
    args = ap.parse_args()
    if args.reuse is not None:
        args.reuse = args.reuse.resolve()
        if not (args.reuse / "data").is_dir():
            raise SystemExit(f"--reuse {args.reuse}: no Neo4j database there (no data/)")
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rg-neo4j-bench-", dir=args.workdir) as tmp:
        work = (
            Path(tempfile.mkdtemp(prefix="rg-neo4j-kept-", dir=args.workdir))
            if args.keep
            else Path(tmp)
        )
        result = load(args, work)
        try:
            report(args, result)
        finally:
            if "bulk_store" in result:
                result["bulk_store"].close()
                if args.reuse is not None:
                    result["bulk_server"].run("down")
                elif args.keep:
                    env = result["bulk_server"].env
                    print(f"kept: {result['bulk_server'].uri} home {env['RISKGRAPH_NEO4J_HOME']}")
                else:
                    result["bulk_server"].run("wipe")
    return 0


def report(args: argparse.Namespace, r: dict[str, Any]) -> None:
    load1 = os.getloadavg()
    n, docs = r["records"], r["documents"]
    print(
        f"\n{args.cache.name}: {docs:,} documents, {n:,} records; Neo4j heap {args.heap}, "
        f"page cache {args.pagecache}, batch {args.batch:,}, server JVM options "
        f"{args.java_opts or '(none)'}; bulk start {bulk_start(args)}; "
        f"load average {load1[0]:.1f}\n"
    )
    print("| store | load time | records/s |")
    print("|---|---|---|")
    for name, label in (
        ("sqlite", "SQLite (embedded), upsert per document"),
        ("tx", "Neo4j, upsert per document (one transaction each)"),
        ("bulk", "Neo4j, offline bulk import (CSV + neo4j-admin + start + schema)"),
    ):
        if name in r["spent"]:
            s = r["spent"][name]
            print(f"| {label} | {s:,.1f} s | {n / s:,.0f} |")
    if "bulk_steps" in r:
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in r["bulk_steps"].items())
        cpus = ", ".join(f"{k} {v:.1f} s" for k, v in r["bulk_cpu"].items())
        print(f"\nbulk import steps (wall): {steps}")
        print(f"bulk import CPU (Python + waited children; server JVM until answered): {cpus}")
        if r.get("bulk_launcher"):
            own = ", ".join(
                f"{k} {s:.1f} s (JVM CPU so far {c:.1f} s)"
                for k, (s, c) in r["bulk_launcher"].items()
            )
            print(f"the launcher's own steps: {own}")
    if "bulk_store" not in r:
        return
    store: Neo4jStore = r["bulk_store"]
    adjacency: Adjacency = r["adjacency"]
    if r.get("sqlite") is not None:
        t, stats = timed(store.stats)
        assert stats == r["sqlite"].stats(), "bulk-imported Neo4j and SQLite disagree"
        print(f"stats() equal on SQLite and bulk-imported Neo4j (Neo4j {t:.1f} s)")
    if "tx_stats" in r:
        assert r["tx_stats"] == store.stats(), "transactional and bulk Neo4j disagree"
    # the warm-up scan and the hub list are bench queries, not store queries: own driver
    with GraphDatabase.driver(store.uri, auth=("neo4j", PASSWORD)) as driver:
        t, _ = timed(lambda: driver.execute_query(_WARM, database_=store.database))
        print(f"page cache warm-up (one full scan): {t:.1f} s")
        found = driver.execute_query(_HUBS, k=args.hubs, database_=store.database).records
    hubs = [(rec["key"], rec["n"]) for rec in found]
    view = r["sqlite"].view() if args.view and r.get("sqlite") is not None else None
    print(
        "\n| vendor | SUPPLIED_BY | host groups reached | Neo4j p50 / p95 | in process p50 / p95 |"
    )
    print("|---|---|---|---|---|")
    all_neo, all_mem = [], []
    for key, degree in hubs:
        neo, mem, answer = [], [], []
        for _ in range(args.repeat + 1):  # the first run of each is a warm-up
            t1, answer = timed(store.vendor_host_groups, key)
            t2, expected = timed(adjacency.vendor_host_groups, key)
            assert answer == expected, key
            neo.append(t1)
            mem.append(t2)
        if view is not None:
            from graph.store.reachability import vendor_host_groups_in_view  # noqa: PLC0415

            assert vendor_host_groups_in_view(view, key) == answer, key
        all_neo += neo[1:]
        all_mem += mem[1:]
        print(
            f"| {key} | {degree:,} | {len(answer):,} | {pct(neo[1:], 50):,.0f} / "
            f"{pct(neo[1:], 95):,.0f} ms | {pct(mem[1:], 50):,.0f} / {pct(mem[1:], 95):,.0f} ms |"
        )
    print(
        f"| all hubs | | | {pct(all_neo, 50):,.0f} / {pct(all_neo, 95):,.0f} ms "
        f"| {pct(all_mem, 50):,.0f} / {pct(all_mem, 95):,.0f} ms |"
    )
    vendors = sorted(k for k in adjacency.ids if k.startswith("vendor:"))
    rng = random.Random(11)
    neo, mem, reached = [], [], []
    for key in [rng.choice(vendors) for _ in range(args.queries)]:
        t1, answer = timed(store.vendor_host_groups, key)
        t2, expected = timed(adjacency.vendor_host_groups, key)
        assert answer == expected, key
        neo.append(t1)
        mem.append(t2)
        reached.append(len(answer))
    print(
        f"| {args.queries} random vendors (median {statistics.median(reached):,.0f} host "
        f"groups) | | | {pct(neo, 50):,.1f} / {pct(neo, 95):,.1f} ms "
        f"| {pct(mem, 50):,.1f} / {pct(mem, 95):,.1f} ms |"
    )
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    sys.exit(main())
