"""Ingest benchmark: end-to-end components/s against cyclonedx-python-lib's own load.

End to end = what the CLI's batch (``dashboard.batch.ingest_batch``) does for one file:
read + detect + schema validation + map to records + store in a fresh SQLite file (one
transaction). The baselines run on the same files in the same run: ``Bom.from_json``
(after ``json.loads``) for CycloneDX JSON, ``Bom.from_xml`` (after defusedxml's
``fromstring``) for CycloneDX XML: load only, no validation, no storage. SPDX has no
library baseline that reads these files (spdx-tools refuses the syft file; nothing reads
SPDX 3.0): its rows give components/s and, as a plainly different comparison, that rate
over the library's ``Bom.from_json`` rate on juice-shop's CycloneDX JSON in the same run.
Each measurement runs in a fresh subprocess so peak RSS is that of the measurement alone;
medians of ``--runs``.

    .venv/bin/python benchmarks/ingest_bench.py [--runs 5] [--warm 3] [--scaled 50000]
        [--only TEXT] [--code DIR]

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

# (label, file, library baseline: "json", "xml" or "" for none)
FILES = [
    ("juice-shop npm 1.4 JSON", CORPUS / "cyclonedx/json/juice-shop-npm-flat.cdx14.json", "json"),
    ("keycloak maven 1.2 JSON", CORPUS / "cyclonedx/json/keycloak-10.0.2.cdx12.json", "json"),
    ("juice-shop npm 1.4 XML", CORPUS / "cyclonedx/xml/juice-shop-npm-flat.cdx14.xml", "xml"),
    ("keycloak maven 1.2 XML", CORPUS / "cyclonedx/xml/keycloak-10.0.2.cdx12.xml", "xml"),
    ("kubectl syft SPDX 2.2 JSON", CORPUS / "spdx/json/kubectl-arm-v7.syft.spdx22.json", ""),
    ("msft sbom-tool SPDX 3.0", CORPUS / "spdx3/msft-sbom-tool-sample.spdx30.jsonld", ""),
]

_HWM = """
def _hwm():  # peak RSS of this program: VmHWM resets at exec, ru_maxrss does not
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
"""

# One file the way the CLI's batch ingests it (``ingest_batch``: one collector pause over
# load and store); a revision without it (--code) runs load_file + upsert_document.
_INGEST = """
import sys, time, tempfile, pathlib, statistics
from ingest.pipeline import load_file, paused_gc
from graph.store.sqlite import SqliteStore
try:
    from dashboard.batch import ingest_batch
    from ingest.pipeline import Candidate
except ImportError:
    ingest_batch = None
path = pathlib.Path(sys.argv[1])

def ingest(store):
    if ingest_batch is not None:
        report = ingest_batch([Candidate(path)], store, location=None, max_bytes=1 << 30)
        assert not report.refused, report.refused
    else:
        doc = load_file(path)
        with paused_gc():
            store.upsert_document(doc)

def measure(runs):
    times, cpus = [], []
    with tempfile.TemporaryDirectory() as d:
        for i in range(runs):
            store = SqliteStore(pathlib.Path(d) / f"s{i}.sqlite")
            t, c = time.perf_counter(), time.process_time()
            ingest(store)
            times.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
            store.close()
    return times, cpus

def components():  # Component and Product nodes (not timed)
    doc = load_file(path)
    if hasattr(doc, "node_rows"):
        return sum(1 for r in doc.node_rows if r[1] in ("Component", "Product"))
    return sum(1 for x in doc.nodes if x.kind.value in ("Component", "Product"))
"""

_OURS = (
    _HWM
    + _INGEST
    + """
times, cpus = measure(1)
peak = _hwm()  # before components() loads the file again
print(times[0], components(), peak, cpus[0])
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

_LIB_XML = (
    _HWM
    + """
import sys, time, pathlib
from defusedxml.ElementTree import fromstring
from cyclonedx.model.bom import Bom
path = pathlib.Path(sys.argv[1])
t, c = time.perf_counter(), time.process_time()
bom = Bom.from_xml(fromstring(path.read_bytes()))
elapsed, cpu = time.perf_counter() - t, time.process_time() - c
n = len(list(bom._get_all_components()))
print(elapsed, n, _hwm(), cpu)
"""
)

_BASE_RSS = (
    _HWM
    + """
import ingest.pipeline, graph.store.sqlite, ingest.cyclonedx, ingest.spdx, ingest.spdx3
try:
    import dashboard.batch
except ImportError:
    pass
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


# Warm: the median of runs 2..N+1 in one process, N = --warm (the first pays one-off costs
# such as compiling the schema, which a CLI pays once per batch).
_WARM = (
    _HWM
    + _INGEST
    + """
times, cpus = measure(WARM_RUNS + 1)
peak = _hwm()
print(statistics.median(times[1:]), components(), peak, statistics.median(cpus[1:]))
"""
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--warm", type=int, default=3, help="warm runs per warm process (after one cold run)"
    )
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
            files.append((f"scaled {args.scaled:,} components 1.6 JSON", scaled, "json"))
        print(
            f"runs per cell: {args.runs} (median); baseline RSS after imports "
            f"{base_rss / 2**20:.0f} MiB; load average at start {_load()}\n"
        )
        print(
            "| file | size | components | ours, first file (wall) | ours, warm (wall) | "
            "**ours, warm (CPU)** | ours comps/s (CPU) | library (wall) | **library (CPU)** | "
            "library comps/s (CPU) | **CPU-time speed-up** | wall speed-up | "
            "peak RSS over baseline / file size |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        reference: float | None = None  # Bom.from_json comps/s (CPU) on juice-shop JSON
        for label, path, baseline in files:
            if args.only not in label:
                continue
            size = path.stat().st_size
            ours = [_run(_OURS, path, code=code) for _ in range(args.runs)]
            warm_script = f"WARM_RUNS = {args.warm}\n" + _WARM
            warm = [_run(warm_script, path, code=code) for _ in range(max(1, args.runs // 2))]
            t_ours = statistics.median(r[0] for r in warm)
            cpu_ours = statistics.median(r[3] for r in warm)
            n = ours[0][1]
            rss = statistics.median(r[2] for r in ours)
            cells = ["-"] * 5
            if baseline:
                lib = _library(baseline, path, args.runs)
                t_lib, cpu_lib = (
                    statistics.median(r[0] for r in lib),
                    statistics.median(r[3] for r in lib),
                )
                rate = lib[0][1] / cpu_lib
                if baseline == "json" and reference is None:
                    reference = rate
                cells = [
                    f"{t_lib * 1000:,.0f} ms",
                    f"{cpu_lib * 1000:,.0f} ms",
                    f"{rate:,.0f}",
                    f"**{cpu_lib / cpu_ours:,.1f}x**",
                    f"{t_lib / t_ours:,.1f}x",
                ]
            else:
                if reference is None:
                    first_json = FILES[0][1]
                    lib = _library("json", first_json, args.runs)
                    reference = lib[0][1] / statistics.median(r[3] for r in lib)
                cells[3] = f"{n / cpu_ours / reference:,.1f}x the rate (*)"
            print(
                f"| {label} | {size / 2**20:.1f} MiB | {n:,} | "
                f"{statistics.median(r[0] for r in ours) * 1000:,.1f} ms | "
                f"{t_ours * 1000:,.1f} ms | {cpu_ours * 1000:,.1f} ms | {n / cpu_ours:,.0f} | "
                + " | ".join(cells)
                + f" | {max(0, rss - base_rss) / size:.1f}x |"
            )
        if reference is not None:
            print(
                f"\n(*) no library reads this file: our components/s over Bom.from_json's "
                f"components/s on {FILES[0][0]} in this run ({reference:,.0f}/s CPU); "
                "a rate comparison, not the same work on the same file"
            )
        print(f"\nload average at end {_load()}")


def _library(kind: str, path: Path, runs: int) -> list[tuple[float, int, int, float]]:
    script = _LIB if kind == "json" else _LIB_XML
    return [_run(script, path) for _ in range(max(1, min(runs, 3)))]


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
