"""Ingest benchmark: end-to-end components/s against cyclonedx-python-lib's Bom.from_json.

End to end = read + detect + schema validation + map to records + store in a fresh SQLite
file (one transaction). The baseline, ``Bom.from_json`` (load only: no validation, no
storage), runs on the same files in the same process run. Each measurement runs in a
fresh subprocess so peak RSS is that of the measurement alone; medians of ``--runs``.

    .venv/bin/python benchmarks/ingest_bench.py [--runs 5] [--scaled 50000]

Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"

FILES = [
    ("juice-shop npm 1.4 JSON", CORPUS / "cyclonedx/json/juice-shop-npm-flat.cdx14.json", True),
    ("keycloak maven 1.2 JSON", CORPUS / "cyclonedx/json/keycloak-10.0.2.cdx12.json", True),
    ("juice-shop npm 1.4 XML", CORPUS / "cyclonedx/xml/juice-shop-npm-flat.cdx14.xml", False),
    ("keycloak maven 1.2 XML", CORPUS / "cyclonedx/xml/keycloak-10.0.2.cdx12.xml", False),
    ("kubectl syft SPDX 2.2 JSON", CORPUS / "spdx/json/kubectl-arm-v7.syft.spdx22.json", False),
    ("msft sbom-tool SPDX 3.0", CORPUS / "spdx3/msft-sbom-tool-sample.spdx30.jsonld", False),
]

_OURS = """
import resource, sys, time, tempfile, pathlib
from ingest.pipeline import load_file, paused_gc
from graph.store.sqlite import SqliteStore
path = pathlib.Path(sys.argv[1])
with tempfile.TemporaryDirectory() as d:
    store = SqliteStore(pathlib.Path(d) / "s.sqlite")
    t = time.perf_counter()
    doc = load_file(path)
    with paused_gc():  # as the CLI does
        store.upsert_document(doc)
    elapsed = time.perf_counter() - t
    store.close()
rows = doc.node_rows if hasattr(doc, "node_rows") else [(x.key, x.kind.value) for x in doc.nodes]
kinds = [r[1] for r in rows]
n = sum(1 for k in kinds if k in ("Component", "Product"))
print(elapsed, n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""

_LIB = """
import resource, sys, time, json, pathlib
from cyclonedx.model.bom import Bom
path = pathlib.Path(sys.argv[1])
t = time.perf_counter()
bom = Bom.from_json(json.loads(path.read_bytes()))
elapsed = time.perf_counter() - t
n = len(list(bom._get_all_components()))
print(elapsed, n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""

_BASE_RSS = """
import resource
import ingest.pipeline, graph.store.sqlite, ingest.cyclonedx, ingest.spdx, ingest.spdx3
print(0, 0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def _run(script: str, path: Path | None = None) -> tuple[float, int, int]:
    argv = [sys.executable, "-c", script] + ([str(path)] if path else [])
    out = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, check=True).stdout
    elapsed, n, rss = out.split()
    return float(elapsed), int(n), int(rss)


def make_scaled(n: int, out: Path, seed: int = 7) -> Path:
    """A CycloneDX 1.6 JSON with ``n`` unique components and a dependency chain web."""
    rng = random.Random(seed)
    template = json.loads((CORPUS / "cyclonedx/json/juice-shop-npm-flat.cdx14.json").read_bytes())
    base = template["components"]
    components, deps = [], []
    for i in range(n):
        c = dict(base[i % len(base)])
        name = f"{c['name']}-s{i}"
        version = c.get("version", "1.0.0")
        ref = f"pkg:npm/{name}@{version}"
        c.update({"name": name, "bom-ref": ref, "purl": ref})
        c.pop("properties", None)
        components.append(c)
    for c in components:
        targets = {components[rng.randrange(n)]["bom-ref"] for _ in range(rng.randint(0, 4))}
        targets.discard(c["bom-ref"])
        deps.append({"ref": c["bom-ref"], "dependsOn": sorted(targets)})
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "version": 1,
        "metadata": {
            "timestamp": "2024-07-19T04:09:00Z",
            "component": {
                "type": "application",
                "name": "scaled",
                "version": "1.0.0",
                "bom-ref": "root",
                "purl": "pkg:generic/scaled@1.0.0",
            },
        },
        "components": components,
        "dependencies": [
            {"ref": "root", "dependsOn": [c["bom-ref"] for c in components[:50]]},
            *deps,
        ],
    }
    out.write_text(json.dumps(doc))
    return out


_WARM = """
import resource, sys, time, tempfile, pathlib, statistics
from ingest.pipeline import load_file, paused_gc
from graph.store.sqlite import SqliteStore
path = pathlib.Path(sys.argv[1])
times = []
with tempfile.TemporaryDirectory() as d:
    for i in range(4):  # the first run pays one-off costs (schema compile), a CLI pays it once
        store = SqliteStore(pathlib.Path(d) / f"s{i}.sqlite")
        t = time.perf_counter()
        doc = load_file(path)
        with paused_gc():
            store.upsert_document(doc)
        times.append(time.perf_counter() - t)
        store.close()
rows = doc.node_rows if hasattr(doc, "node_rows") else [(x.key, x.kind.value) for x in doc.nodes]
kinds = [r[1] for r in rows]
n = sum(1 for k in kinds if k in ("Component", "Product"))
print(statistics.median(times[1:]), n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scaled", type=int, default=50_000)
    parser.add_argument("--only", default="", help="rows whose label contains this text")
    args = parser.parse_args()
    base_rss = statistics.median(_run(_BASE_RSS)[2] for _ in range(3))
    with tempfile.TemporaryDirectory() as tmp:
        files = list(FILES)
        if args.scaled:
            scaled = make_scaled(args.scaled, Path(tmp) / "scaled.cdx.json")
            files.append((f"scaled {args.scaled:,} components 1.6 JSON", scaled, True))
        print(
            f"runs per cell: {args.runs} (median); baseline RSS after imports "
            f"{base_rss / 2**20:.0f} MiB\n"
        )
        print(
            "| file | size | components | ours, first file of a process | ours, warm | "
            "ours comps/s (warm) | Bom.from_json | lib comps/s | speed-up (warm) | "
            "peak RSS over baseline / file size |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        for label, path, lib_ok in files:
            if args.only not in label:
                continue
            size = path.stat().st_size
            ours = [_run(_OURS, path) for _ in range(args.runs)]
            t_cold = statistics.median(r[0] for r in ours)
            t_ours = statistics.median(_run(_WARM, path)[0] for _ in range(max(1, args.runs // 2)))
            n = ours[0][1]
            rss = statistics.median(r[2] for r in ours)
            lib_cell, lib_rate, ratio = "-", "-", "-"
            if lib_ok:
                lib_runs = max(1, min(args.runs, 3))
                lib = [_run(_LIB, path) for _ in range(lib_runs)]
                t_lib = statistics.median(r[0] for r in lib)
                lib_cell = f"{t_lib * 1000:,.0f} ms"
                lib_rate = f"{lib[0][1] / t_lib:,.0f}"
                ratio = f"{t_lib / t_ours:,.1f}x"
            print(
                f"| {label} | {size / 2**20:.1f} MiB | {n:,} | {t_cold * 1000:,.1f} ms | "
                f"{t_ours * 1000:,.1f} ms | "
                f"{n / t_ours:,.0f} | {lib_cell} | {lib_rate} | {ratio} | "
                f"{max(0, rss - base_rss) / size:.1f}x |"
            )


if __name__ == "__main__":
    main()
