"""The synthetic estate generator (benchmarks/synth): deterministic, shaped as documented."""

from __future__ import annotations

import hashlib
from pathlib import Path

from benchmarks.synth import generate
from benchmarks.synth.software import LEVELS, closure


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    a = _digest(generate("10k", 3, tmp_path / "a").out)
    b = _digest(generate("10k", 3, tmp_path / "b").out)
    c = _digest(generate("10k", 4, tmp_path / "c").out)
    assert a == b
    assert len(a) > 500
    assert a != c


def test_chains_reach_depth_ten_and_some_components_are_in_cycles(tmp_path: Path) -> None:
    sw = generate("10k", 3, tmp_path).software
    comps = sw.components
    in_cycle = {i for i, c in enumerate(comps) for d in c.deps if i in comps[d].deps}
    assert 0.003 * len(comps) <= len(in_cycle) <= 0.03 * len(comps)
    deepest = max(range(len(comps)), key=lambda i: comps[i].level)
    depth, node = 1, deepest
    while comps[node].deps:  # the first dependency is always one level down
        node = comps[node].deps[0]
        depth += 1
        if comps[node].level == 0:
            break
    assert depth == LEVELS
    covered = {i for p in sw.products for i in closure(comps, p.top)}
    assert covered == set(range(len(comps)))  # every component is in some SBOM


def test_power_law_popularity(tmp_path: Path) -> None:
    sw = generate("10k", 3, tmp_path).software
    supplied: dict[int, int] = {}
    for c in sw.components:
        supplied[c.vendor] = supplied.get(c.vendor, 0) + 1
    counts = sorted(supplied.values(), reverse=True)
    assert counts[0] > 10 * counts[len(counts) // 2]
