"""Parse a generated estate once and cache its documents for the Neo4j load benchmark.

Parsing is not a store's cost, so benchmarks/neo4j_bench.py times only the store calls;
this module produces the documents those calls receive, exactly as ``riskgraph ingest``
would on an empty store: phase 1 parses every file (documents without references as they
are; several worker processes), phase 2 resolves the documents with references
(inventories) against the whole batch (``dashboard.batch`` with no store does the same).

    .venv/bin/python benchmarks/neo4j_estate.py ESTATE_DIR CACHE_FILE [--workers 2]

The cache is a stream of pickled ``ParsedDocument``s (phase-1 documents first, then the
resolved ones, in the ingest's order), read back one at a time by :func:`read_cache`, so
the benchmark never holds a 1M estate in memory at once.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from collections.abc import Iterator
from multiprocessing import Pool
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from graph.model import ParsedDocument  # noqa: E402
from ingest.pipeline import collect, parse_file  # noqa: E402
from ingest.resolve import ReferenceIndex, resolve_batch  # noqa: E402
from ingest.source import IngestError  # noqa: E402

__all__ = ["read_cache", "write_cache"]


def _parse(path: Path) -> bytes | str:
    try:
        return pickle.dumps(parse_file(path), protocol=pickle.HIGHEST_PROTOCOL)
    except IngestError as e:
        return str(e)


def write_cache(estate: Path, cache: Path, workers: int = 2) -> tuple[int, int]:
    """Parse ``estate`` into ``cache``; returns (documents, refused files)."""
    paths = [c.path for c in collect([estate]) if c.refusal is None]
    batch, pending, refused, written = ReferenceIndex(), [], 0, 0
    tmp = cache.with_suffix(".partial")
    with tmp.open("wb") as out, Pool(workers) as pool:
        for i, item in enumerate(pool.imap(_parse, paths, chunksize=16)):
            if isinstance(item, str):
                print(item, file=sys.stderr)
                refused += 1
                continue
            doc: ParsedDocument = pickle.loads(item)
            if doc.references:
                pending.append(doc)
                continue
            batch.add_document(doc)
            out.write(item)
            written += 1
            if i % 2000 == 0:
                print(f"  {i:,}/{len(paths):,} files", file=sys.stderr, flush=True)
        for outcome in resolve_batch(pending, batch, lenient=False):
            if isinstance(outcome, IngestError):
                print(outcome, file=sys.stderr)
                refused += 1
                continue
            pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
            written += 1
    tmp.replace(cache)
    return written, refused


def read_cache(cache: Path) -> Iterator[ParsedDocument]:
    """The cached documents, one at a time, in ingest order."""
    with cache.open("rb") as f:
        while True:
            try:
                yield pickle.load(f)
            except EOFError:
                return


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("estate", type=Path)
    ap.add_argument("cache", type=Path)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    started = time.perf_counter()
    written, refused = write_cache(args.estate, args.cache, args.workers)
    took = time.perf_counter() - started
    print(f"{args.cache}: {written:,} documents ({refused} refused) in {took:.0f} s")
    return 1 if refused else 0


if __name__ == "__main__":
    raise SystemExit(main())
