"""Neo4j store benchmark: bulk load and reachability, against the SQLite store and networkx.

Builds a synthetic estate (product SBOMs sharing a component pool, dependency chains,
update channels, one inventory of host groups running the products), then in one run:

- loads every document into a fresh SQLite store and into a Neo4j server started here with
  scripts/neo4j.sh (its own home and port; stopped and deleted at the end): records/s,
  where a record is one node or edge assertion;
- reads the merged view from both stores;
- times ``reachable_host_groups`` for random channels and components in Neo4j (one Cypher
  query each) and over the networkx view, checking that the answers agree.

    .venv/bin/python benchmarks/neo4j_bench.py [--products 20] [--components 5000]
        [--batch 10000] [--queries 200] [--heap 1g] [--pagecache 512m]

Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from graph.model import (  # noqa: E402
    ComponentNode,
    DocumentInfo,
    Edge,
    HostGroupNode,
    ParsedDocument,
    ProductNode,
    Provenance,
    UpdateChannelNode,
    VendorNode,
)
from graph.store.interface import GraphStore  # noqa: E402
from graph.store.reachability import reachable_host_groups_in_view  # noqa: E402
from graph.store.sqlite import SqliteStore  # noqa: E402
from graph.vocabulary import DocumentFormat, EdgeKind, Environment  # noqa: E402
from tests.neo4j_server import free_port, server_env  # noqa: E402


def _doc(name: str, nodes: list[Any], edges: list[Edge], sha: str) -> ParsedDocument:
    info = DocumentInfo(
        id=f"doc-{sha[:16]}",
        sha256=sha,
        path=f"{name}.json",
        size=1,
        format=DocumentFormat.CYCLONEDX_JSON,
        spec_version="1.6",
        name=name,
        lineage=f"bench:{name}",
    )
    return ParsedDocument(info=info, nodes=tuple(nodes), edges=tuple(edges))


def synthetic_estate(
    products: int, components: int, seed: int = 7, prefix: str = ""
) -> list[ParsedDocument]:
    """Product SBOMs over a shared component pool, channels, one inventory; ``prefix``
    makes a second estate of new documents over the same components."""
    rng = random.Random(seed)
    pool = components * products // 3  # components are shared between products
    channels = max(10, products * 5)
    docs = []
    for p in range(products):
        sha = hashlib.sha256(f"{prefix}product{p}".encode()).hexdigest()

        def prov(loc: str, sha: str = sha) -> Provenance:
            return Provenance(document_id=f"doc-{sha[:16]}", sha256=sha, location=loc)

        pkey, vkey = f"product:bench/{prefix}p{p}@1", f"vendor:v{p % 50}"
        nodes: list[Any] = [
            ProductNode(key=pkey, name=f"p{p}", version="1", provenance=prov("/metadata")),
            VendorNode(key=vkey, name=f"v{p % 50}", provenance=prov("/metadata/supplier")),
        ]
        edges = [Edge(source=pkey, target=vkey, kind=EdgeKind.SUPPLIED_BY, provenance=prov("/s"))]
        # power-law popularity: low ids are in many products
        picked = sorted({int(pool * rng.random() ** 2.5) for _ in range(components)})
        keys = [f"component:pkg:npm/c{c}@1.0" for c in picked]
        for i, (c, key) in enumerate(zip(picked, keys, strict=True)):
            loc = f"/components/{i}"
            nodes.append(
                ComponentNode(
                    key=key, name=f"c{c}", version="1.0", purl=key[10:], provenance=prov(loc)
                )
            )
            edges.append(
                Edge(source=pkey, target=key, kind=EdgeKind.CONTAINS, provenance=prov(loc))
            )
            if i:
                dep = keys[rng.randrange(i)]
                edges.append(
                    Edge(source=key, target=dep, kind=EdgeKind.DEPENDS_ON, provenance=prov(loc))
                )
            if c % 97 == 0:
                chan = f"channel:ch{c % channels}"
                edges.append(
                    Edge(source=key, target=chan, kind=EdgeKind.UPDATED_VIA, provenance=prov(loc))
                )
        docs.append(_doc(f"{prefix}p{p}", nodes, edges, sha))
    sha = hashlib.sha256(f"{prefix}channels".encode()).hexdigest()
    cprov = Provenance(document_id=f"doc-{sha[:16]}", sha256=sha, location="/channels")
    docs.append(
        _doc(
            f"{prefix}channels",
            [
                UpdateChannelNode(key=f"channel:ch{c}", name=f"ch{c}", provenance=cprov)
                for c in range(channels)
            ],
            [],
            sha,
        )
    )
    sha = hashlib.sha256(f"{prefix}inventory".encode()).hexdigest()
    iprov = Provenance(document_id=f"doc-{sha[:16]}", sha256=sha, location="/host_groups")
    groups = [
        HostGroupNode(
            key=f"hostgroup:op{g % 40}/{prefix}hg{g}",
            name=f"hg{g}",
            operator=f"operator:op{g % 40}",
            host_count=1 + g % 500,
            environment=Environment.ON_PREMISES,
            provenance=iprov,
        )
        for g in range(products * 20)
    ]
    runs = [
        Edge(
            source=g.key,
            target=f"product:bench/{prefix}p{rng.randrange(products)}@1",
            kind=EdgeKind.RUNS,
            provenance=iprov,
        )
        for g in groups
        for _ in range(3)
    ]
    unique_runs = list({e.identity: e for e in runs}.values())
    docs.append(_doc(f"{prefix}inventory", list(groups), unique_runs, sha))
    return docs


def _load(store: GraphStore, docs: list[ParsedDocument]) -> float:
    start = time.perf_counter()
    for doc in docs:
        store.upsert_document(doc)
    return time.perf_counter() - start


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _pct(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] * 1000
        if len(values) > 1
        else values[0] * 1000
    )


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--products", type=int, default=20)
    ap.add_argument("--components", type=int, default=5000)
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--heap", default="1g")
    ap.add_argument("--pagecache", default="512m")
    args = ap.parse_args()

    from graph.store.neo4j import Neo4jStore  # noqa: PLC0415

    first = synthetic_estate(args.products, args.components)
    second = synthetic_estate(args.products, args.components, seed=8, prefix="b-")
    records = [sum(len(d.nodes) + len(d.edges) for d in docs) for docs in (first, second)]
    print(f"2 x {len(first)} documents, {records} records", file=sys.stderr)
    load: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="riskgraph-neo4j-bench-") as tmp:
        env = server_env(Path(tmp) / "neo4j", free_port(), "bench-password-1")
        env["RISKGRAPH_NEO4J_HEAP"], env["RISKGRAPH_NEO4J_PAGECACHE"] = args.heap, args.pagecache
        script = str(REPO / "scripts/neo4j.sh")
        up = subprocess.run([script, "up"], env=env, capture_output=True, text=True, check=False)
        if up.returncode:
            print(up.stderr, file=sys.stderr)
            return 1
        try:
            sqlite = SqliteStore(Path(tmp) / "bench.sqlite")
            neo = Neo4jStore(up.stdout.strip(), password="bench-password-1", batch_size=args.batch)
            for name, store in (("SQLite", sqlite), ("Neo4j", neo)):
                load[name] = [_load(store, docs) for docs in (first, second)]
            v_sqlite, view = _timed(sqlite.view)
            v_neo, neo_view = _timed(neo.view)
            assert sorted(view.nodes(data=True)) == sorted(neo_view.nodes(data=True))
            assert sorted(view.edges(keys=True, data=True)) == sorted(
                neo_view.edges(keys=True, data=True)
            )
            rng = random.Random(11)
            sources = [
                k for k, d in view.nodes(data=True) if d["kind"] in ("UpdateChannel", "Component")
            ]
            lat_neo, lat_nx, reached = [], [], []
            for key in [rng.choice(sources) for _ in range(args.queries)]:
                t1, a = _timed(partial(neo.reachable_host_groups, [key]))
                t2, b = _timed(partial(reachable_host_groups_in_view, view, [key]))
                assert a == b, key
                lat_neo.append(t1)
                lat_nx.append(t2)
                reached.append(len(a))
            neo.close()
            sqlite.close()
        finally:
            subprocess.run([script, "wipe"], env=env, capture_output=True, check=False)

    print(
        f"\n2 x {len(first)} documents, {sum(records):,} records ({view.number_of_nodes():,} "
        f"nodes, {view.number_of_edges():,} edges merged); Neo4j heap {args.heap}, page cache "
        f"{args.pagecache}, batch {args.batch:,}\n"
    )
    print("| store | first estate (empty store, cold) | second estate (warm) | read the view |")
    print("|---|---|---|---|")
    for name, (cold, warm) in load.items():
        read = v_sqlite if name == "SQLite" else v_neo
        print(
            f"| {name} | {cold:.1f} s, {records[0] / cold:,.0f} records/s "
            f"| {warm:.1f} s, {records[1] / warm:,.0f} records/s | {read:.1f} s |"
        )
    print(
        f"\nreachable_host_groups, {args.queries} random channels/components "
        f"(median {statistics.median(reached):.0f}, max {max(reached)} host groups reached):\n"
    )
    print("| engine | p50 | p95 | max |")
    print("|---|---|---|---|")
    for name, lat in (
        ("Neo4j (one Cypher query, Bolt round trip included)", lat_neo),
        ("networkx view (in process)", lat_nx),
    ):
        p50, p95, top = _pct(lat, 50), _pct(lat, 95), max(lat) * 1000
        print(f"| {name} | {p50:.2f} ms | {p95:.2f} ms | {top:.2f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
