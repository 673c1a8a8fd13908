"""Generate a seeded synthetic estate in riskgraph's own input formats.

    .venv/bin/python benchmarks/synth_estate.py --size 10k|100k|1m --seed 1 --out DIR
    .venv/bin/riskgraph --store DIR.sqlite ingest DIR

Sizes (approximate graph after ingest):

| size | operators | host groups | products | components | vendors | channels | nodes | edges |
|---|---|---|---|---|---|---|---|---|
| 10k | 200 | 2,000 | 500 | 6,000 | 100 | 20 | ~10k | ~50k |
| 100k | 2,000 | 20,000 | 5,000 | 60,000 | 1,000 | 200 | ~100k | ~500k |
| 1m | 20,000 | 200,000 | 50,000 | 600,000 | 10,000 | 2,000 | ~1M | ~5M |

Files: one CycloneDX 1.6 JSON SBOM per product (``riskgraph:`` properties for privilege,
boot start, platform, category, crash-loop guard and update channel; every component has
a purl and a supplier; dependency chains up to depth 10; ~1% of components in 2-cycles),
one channels YAML per vendor with channels or platforms, and per 100 operators one
inventory YAML (operators, functions, contracts, ~10% of host groups with per-product
rings, pins and channel choices) and one host-group CSV (the bulk host groups). Popularity
of vendors, libraries, products, platforms and operator sizes follows power laws. The
same ``--seed`` gives byte-identical files. Generator code: ``benchmarks/synth/``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.synth import SCALES, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", choices=sorted(SCALES), default="10k")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out}: not empty (the generator never mixes estates)")
    started = time.perf_counter()
    result = generate(args.size, args.seed, args.out)
    files = ", ".join(f"{n:,} {kind}" for kind, n in result.files.items())
    print(f"{args.out}: {files} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
