"""Ingest benchmark: end-to-end components/s against cyclonedx-python-lib's Bom.from_json.

End to end = read + detect + schema validation + map to records + store in a fresh SQLite
file (one transaction). The baseline, ``Bom.from_json`` (load only: no validation, no
storage), runs on the same files in the same process run. Each measurement runs in a
fresh subprocess so peak RSS is that of the measurement alone; medians of ``--runs``.

    .venv/bin/python benchmarks/ingest_bench.py [--runs 5] [--scaled 50000] [--only TEXT]
        [--code DIR]

``--code DIR`` measures the ingest of another checkout (``git archive REV | tar -x -C
DIR``) with the same script, to compare revisions in one sitting.

Prints a Markdown table for docs/benchmarks.md. Peak RSS is each measurement program's
``VmHWM`` (``/proc/self/status``), which starts afresh at ``exec``; ``ru_maxrss`` does
not, so it used to report this script's own peak (it builds the scaled file in memory)
for every small file.
"""

from __future__ import annotations

import argparse
import json
import os
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

_HWM = """
def _hwm():  # peak RSS of this program: VmHWM resets at exec, ru_maxrss does not
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
"""

_OURS = (
    _HWM
    + """
import sys, time, tempfile, pathlib
try:
    from ingest.pipeline import load_file, paused_gc
except ImportError:  # a revision before the row fast path (--code)
    from ingest.pipeline import parse_file as load_file, paused_gc
from graph.store.sqlite import SqliteStore
path = pathlib.Path(sys.argv[1])
with tempfile.TemporaryDirectory() as d:
    store = SqliteStore(pathlib.Path(d) / "s.sqlite")
    t, c = time.perf_counter(), time.process_time()
    doc = load_file(path)
    with paused_gc():  # as the CLI does
        store.upsert_document(doc)
    elapsed, cpu = time.perf_counter() - t, time.process_time() - c
    store.close()
rows = doc.node_rows if hasattr(doc, "node_rows") else [(x.key, x.kind.value) for x in doc.nodes]
kinds = [r[1] for r in rows]
n = sum(1 for k in kinds if k in ("Component", "Product"))
print(elapsed, n, _hwm(), cpu)
"""
)

_LIB = (
    _HWM
    + """
import sys, time, json, pathlib
from cyclonedx.model.bom import Bom
path = pathlib.Path(sys.argv[1])
t, c = time.perf_counter(), time.process_time()
bom = Bom.from_json(json.loads(path.read_bytes()))
elapsed, cpu = time.perf_counter() - t, time.process_time() - c
n = len(list(bom._get_all_components()))
print(elapsed, n, _hwm(), cpu)
"""
)

_BASE_RSS = (
    _HWM
    + """
import ingest.pipeline, graph.store.sqlite, ingest.cyclonedx, ingest.spdx, ingest.spdx3
print(0, 0, _hwm(), 0)
"""
)


def _run(
    script: str, path: Path | None = None, *, code: Path = REPO
) -> tuple[float, int, int, float]:
    """``(wall seconds, components, peak RSS bytes, CPU seconds)`` of one fresh process
    running the ingest of the checkout ``code``."""
    argv = [sys.executable, "-c", script] + ([str(path)] if path else [])
    env = {**os.environ, "PYTHONPATH": str(code)}
    out = subprocess.run(argv, capture_output=True, text=True, cwd=code, env=env, check=True).stdout
    elapsed, n, rss, cpu = out.split()
    return float(elapsed), int(n), int(rss), float(cpu)


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


_WARM = (
    _HWM
    + """
import sys, time, tempfile, pathlib, statistics
try:
    from ingest.pipeline import load_file, paused_gc
except ImportError:  # a revision before the row fast path (--code)
    from ingest.pipeline import parse_file as load_file, paused_gc
from graph.store.sqlite import SqliteStore
path = pathlib.Path(sys.argv[1])
times, cpus = [], []
with tempfile.TemporaryDirectory() as d:
    for i in range(4):  # the first run pays one-off costs (schema compile), a CLI pays it once
        store = SqliteStore(pathlib.Path(d) / f"s{i}.sqlite")
        t, c = time.perf_counter(), time.process_time()
        doc = load_file(path)
        with paused_gc():
            store.upsert_document(doc)
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
        store.close()
rows = doc.node_rows if hasattr(doc, "node_rows") else [(x.key, x.kind.value) for x in doc.nodes]
kinds = [r[1] for r in rows]
n = sum(1 for k in kinds if k in ("Component", "Product"))
print(statistics.median(times[1:]), n, _hwm(), statistics.median(cpus[1:]))
"""
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scaled", type=int, default=50_000)
    parser.add_argument("--only", default="", help="rows whose label contains this text")
    parser.add_argument(
        "--code", type=Path, help="measure another checkout's ingest (e.g. a git archive)"
    )
    args = parser.parse_args()
    code = (args.code or REPO).resolve()
    base_rss = statistics.median(_run(_BASE_RSS, code=code)[2] for _ in range(3))
    with tempfile.TemporaryDirectory() as tmp:
        files = list(FILES)
        if args.scaled:
            scaled = make_scaled(args.scaled, Path(tmp) / "scaled.cdx.json")
            files.append((f"scaled {args.scaled:,} components 1.6 JSON", scaled, True))
        print(
            f"runs per cell: {args.runs} (median); baseline RSS after imports "
            f"{base_rss / 2**20:.0f} MiB; load average at start {_load()}\n"
        )
        print(
            "| file | size | components | ours, first file of a process | ours, warm | "
            "ours comps/s (warm) | Bom.from_json | lib comps/s | speed-up (warm) | "
            "CPU-time speed-up (warm) | CPU ours (warm) / Bom.from_json | "
            "peak RSS over baseline / file size |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for label, path, lib_ok in files:
            if args.only not in label:
                continue
            size = path.stat().st_size
            ours = [_run(_OURS, path, code=code) for _ in range(args.runs)]
            t_cold = statistics.median(r[0] for r in ours)
            warm = [_run(_WARM, path, code=code) for _ in range(max(1, args.runs // 2))]
            t_ours = statistics.median(r[0] for r in warm)
            cpu_ours = statistics.median(r[3] for r in warm)
            n = ours[0][1]
            rss = statistics.median(r[2] for r in ours)
            lib_cell, lib_rate, ratio, cpu_ratio = "-", "-", "-", "-"
            cpu_cell = f"{cpu_ours * 1000:,.1f} ms"
            if lib_ok:
                lib_runs = max(1, min(args.runs, 3))
                lib = [_run(_LIB, path) for _ in range(lib_runs)]
                t_lib = statistics.median(r[0] for r in lib)
                lib_cell = f"{t_lib * 1000:,.0f} ms"
                lib_rate = f"{lib[0][1] / t_lib:,.0f}"
                ratio = f"{t_lib / t_ours:,.1f}x"
                cpu_lib = statistics.median(r[3] for r in lib)
                cpu_ratio = f"{cpu_lib / cpu_ours:,.1f}x"
                cpu_cell += f" / {cpu_lib * 1000:,.0f} ms"
            print(
                f"| {label} | {size / 2**20:.1f} MiB | {n:,} | {t_cold * 1000:,.1f} ms | "
                f"{t_ours * 1000:,.1f} ms | "
                f"{n / t_ours:,.0f} | {lib_cell} | {lib_rate} | {ratio} | {cpu_ratio} | "
                f"{cpu_cell} | "
                f"{max(0, rss - base_rss) / size:.1f}x |"
            )

        print(f"\nload average at end {_load()}")


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
