"""Small-cell suppression that also holds against subtraction (project policy).

An operator user sees the other operators only as totals over cohorts (all other
operators; the other operators of one sector). Hiding every cohort smaller than
``min_cohort`` is not enough: with "all others" (8 operators) and "sector X" (6 of them)
both shown, their difference is the total of the 2 operators outside X. A set of shown
cohorts *discloses* a group of operators when the group's total is a linear combination
of the shown totals (differences, sums of disjoint sectors, ...). :func:`safe_cohorts`
suppresses cohorts until no group of fewer than ``min_cohort`` operators is disclosed.

The test is exact linear algebra over "atoms" (operators that belong to exactly the same
shown cohorts are indistinguishable, so only unions of atoms can be disclosed): a group
``g`` is disclosed iff its indicator vector lies in the row space of the cohort x atom
incidence matrix, i.e. is orthogonal to that matrix's null space.

Examples
--------
>>> others = frozenset("abcdefgh")
>>> sorted(safe_cohorts({"all": others, "x": frozenset("abcdef")}, 3))
['all']
>>> sorted(safe_cohorts({"all": others, "x": frozenset("abcd"), "y": frozenset("efgh")}, 3))
['all', 'x', 'y']
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations

import numpy as np

__all__ = ["disclosed_groups", "safe_cohorts"]

_MAX_CANDIDATES = 50_000
"""Beyond this many small groups to test, the check gives up and reports a leak, so the
caller suppresses more (never shows an unchecked family)."""
_TOL = 1e-9


def safe_cohorts(members: Mapping[str, frozenset[str]], min_cohort: int) -> frozenset[str]:
    """Names of the cohorts that may be shown: each has at least ``min_cohort`` members
    and together they disclose no smaller group. Deterministic: when something must go,
    the cohort whose suppression leaves the fewest disclosures goes first (then the
    smaller, then by name), so the total over all others is kept when a sector will do."""
    shown = frozenset(c for c, m in members.items() if len(m) >= min_cohort)
    while disclosed_groups(members, shown, min_cohort):
        shown = shown - {
            min(
                shown,
                key=lambda c: (
                    len(disclosed_groups(members, shown - {c}, min_cohort)),
                    len(members[c]),
                    c,
                ),
            )
        }
    return shown


def disclosed_groups(
    members: Mapping[str, frozenset[str]], shown: frozenset[str], min_cohort: int
) -> list[frozenset[str]]:
    """Groups of 1 to ``min_cohort - 1`` operators whose total the ``shown`` cohorts'
    totals determine (unions of atoms; sorted, deterministic)."""
    names = sorted(shown)
    if not names or min_cohort <= 1:
        return []
    atoms = _atoms(members, names)
    small = [i for i, atom in enumerate(atoms) if len(atom) < min_cohort]
    if not small:
        return []
    incidence = np.array(
        [[1.0 if next(iter(atom)) in members[name] else 0.0 for atom in atoms] for name in names]
    )
    null = _null_space(incidence)  # atoms x q
    out: list[frozenset[str]] = []
    tested = 0
    for r in range(1, min_cohort):
        for combo in combinations(small, r):
            size = sum(len(atoms[i]) for i in combo)
            if size >= min_cohort:
                continue
            tested += 1
            if tested > _MAX_CANDIDATES:
                return [*out, frozenset().union(*(atoms[i] for i in small))]
            if null.shape[1] == 0 or np.all(np.abs(null[list(combo)].sum(axis=0)) < _TOL):
                out.append(frozenset().union(*(atoms[i] for i in combo)))
    return sorted(out, key=lambda g: (len(g), sorted(g)))


def _atoms(members: Mapping[str, frozenset[str]], names: list[str]) -> list[frozenset[str]]:
    signature: dict[tuple[bool, ...], set[str]] = {}
    for op in sorted(frozenset().union(*(members[n] for n in names))):
        signature.setdefault(tuple(op in members[n] for n in names), set()).add(op)
    return [frozenset(ops) for _, ops in sorted(signature.items(), key=lambda kv: min(kv[1]))]


def _null_space(matrix: np.ndarray) -> np.ndarray:
    """Orthonormal basis (columns) of the null space of ``matrix``."""
    _, singular, vh = np.linalg.svd(matrix)
    rank = int(np.sum(singular > _TOL * max(matrix.shape)))
    return np.asarray(vh[rank:].T)
