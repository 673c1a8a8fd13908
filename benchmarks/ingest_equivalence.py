"""Check that two revisions ingest the corpus and sample_sboms to identical results.

Ingests ``../shared/corpus`` (CycloneDX, SPDX, SPDX 3, and the invalid files, which must
be refused alike) and ``sample_sboms/`` through the CLI's batch path into a fresh SQLite
store (fixed clock), then digests what a user can observe: the report (outcomes,
counts, refusals), every document's info and round-tripped records
(``store.document``), findings, stats, the row contract (``node_rows``, ``edge_rows``,
``document_shas``), the networkx view, and ``parse_file`` of every file.

    .venv/bin/python benchmarks/ingest_equivalence.py --against 985bb32

``--against REV`` exports that revision with ``git archive`` into a temporary directory,
runs this same script with that directory first on ``PYTHONPATH`` (so the project imports
come from it) with the same interpreter, and compares section by section.
Without it, prints this checkout's digests as JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dashboard.batch import ingest_batch
from graph.store.sqlite import SqliteStore
from ingest.pipeline import collect, parse_file
from ingest.source import IngestError

REPO = Path(__file__).resolve().parents[1]


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _inputs(corpus: Path, samples: Path) -> list[Path]:
    roots = [corpus / "cyclonedx", corpus / "spdx", corpus / "spdx3", corpus / "invalid", samples]
    return [r for r in roots if r.exists()]


def digests(corpus: Path, samples: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    candidates = collect(_inputs(corpus, samples))
    parsed: dict[str, object] = {}
    for c in candidates:
        if c.refusal is not None:
            continue
        try:
            parsed[str(c.path)] = parse_file(c.path).model_dump(mode="json")
        except IngestError as e:
            parsed[str(c.path)] = str(e)
    out["parse_file"] = _digest(parsed)
    with tempfile.TemporaryDirectory() as tmp:
        fixed = datetime(2026, 1, 1, tzinfo=UTC)
        store = SqliteStore(Path(tmp) / "s.sqlite", clock=lambda: fixed)
        report = ingest_batch(candidates, store, location=None, max_bytes=256 * 2**20)
        out["report"] = _digest(report.model_dump(mode="json", exclude={"store"}))
        infos = store.documents()
        out["documents"] = _digest([i.model_dump(mode="json") for i in infos])
        out["round_trip"] = _digest([store.document(i.id).model_dump(mode="json") for i in infos])
        out["findings"] = _digest([f.model_dump(mode="json") for f in store.findings()])
        out["stats"] = _digest(store.stats())
        out["node_rows"] = _digest(list(store.node_rows()))
        out["edge_rows"] = _digest(list(store.edge_rows()))
        out["document_shas"] = _digest(store.document_shas())
        view = store.view()
        out["view"] = _digest(
            [
                sorted(view.nodes(data=True), key=lambda n: str(n[0])),
                sorted(view.edges(keys=True, data=True), key=lambda e: str(e[:3])),
            ]
        )
        out["counts"] = f"{len(infos)} documents, {len(report.refused)} refused"
        store.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", help="git revision to compare with")
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--samples", type=Path, default=REPO / "sample_sboms")
    args = parser.parse_args()
    if args.against is None:
        print(json.dumps(digests(args.corpus.resolve(), args.samples.resolve())))
        return
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "archive", args.against], cwd=REPO, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        argv = [sys.executable, __file__, "--corpus", str(args.corpus.resolve())]
        argv += ["--samples", str(args.samples.resolve())]
        theirs = json.loads(
            subprocess.run(
                [*argv], cwd=tmp, env={"PYTHONPATH": tmp}, capture_output=True, check=True
            ).stdout
        )
    ours = digests(args.corpus.resolve(), args.samples.resolve())
    width = max(map(len, ours))
    differ = [k for k in ours if ours[k] != theirs.get(k)]
    for key in ours:
        mark = "differs" if key in differ else "same"
        print(f"{key:<{width}}  {mark:<7}  {ours[key]}  {args.against}: {theirs.get(key)}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
