"""Seeded synthetic estates at national scale (``benchmarks/synth_estate.py`` is the CLI)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from benchmarks.synth.estate import Operator, make_operators
from benchmarks.synth.files import write_estate
from benchmarks.synth.software import SCALES, Software, make_software

__all__ = ["SCALES", "Generated", "generate"]


@dataclass(frozen=True)
class Generated:
    """What was written, with the in-memory estate for tests that count from it."""

    out: Path
    software: Software
    operators: list[Operator]
    files: dict[str, int]


def generate(size: str, seed: int, out: Path) -> Generated:
    """Write the ``size`` estate (``10k``, ``100k``, ``1m``) for ``seed`` under ``out``."""
    if size not in SCALES:
        raise ValueError(f"unknown size {size!r} (known: {', '.join(SCALES)})")
    rng = random.Random(seed)
    software = make_software(SCALES[size], rng)
    operators = make_operators(SCALES[size], rng, software)
    files = write_estate(software, operators, out, tag=f"synth/{size}/{seed}")
    return Generated(out, software, operators, files)
