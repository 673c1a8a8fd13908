"""Per-host-group figures of one snapshot blast radius, for full results and what-ifs.

:func:`group_rows` runs the compiled search (:func:`graph.risk.fastkernel.radius`) for one
subject and reads back, for every host group it touched, what
``graph.risk.blast._impact`` computes: hosts hit, down, degraded and compromised, hands-on
hosts and the recovery (``graph.risk.recovery.estimate_group``), with the same arithmetic
in the same order (so the same floats). :func:`operator_rows` and :func:`function_rows`
aggregate them as ``blast._operators`` and ``blast._functions`` do;
:mod:`graph.risk.fastreport` turns them into a
:class:`~graph.risk.blast_results.BlastRadius`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graph.risk.fastblast import kernel_inputs, run_radius, scratch_of
from graph.risk.fastkernel import RESULT_FIELDS
from graph.risk.fastsources import SourceGroups
from graph.risk.policy import Policy
from graph.risk.snapshot import Snapshot
from graph.risk.snapshot_columns import compiled
from graph.risk.subject import FailureMode
from graph.vocabulary import Environment

__all__ = [
    "GroupRows",
    "OperatorRows",
    "function_rows",
    "group_rows",
    "hosts_back",
    "operator_rows",
]


@dataclass(frozen=True)
class GroupRows:
    """Every host group the search touched (protected ones too), in key order."""

    node: NDArray[np.int64]
    hit: NDArray[np.int64]  # hosts hit (0 when protected)
    down: NDArray[np.int64]
    degraded: NDArray[np.int64]
    compromised: NDArray[np.int64]
    hands_on: NDArray[np.int64]
    hours: NDArray[np.float64]  # recovery hours, unrounded (0 when nothing is down)
    rounded: list[float]  # ``round(hours, 2)``, as the reference reports a group
    auto_hours: NDArray[np.float64]  # the curve's GroupRecovery: auto, start, end hours
    start: NDArray[np.float64]
    end: NDArray[np.float64]
    unknowns: frozenset[str]  # recovery facts taken at their worst


def group_rows(
    snap: Snapshot,
    groups: SourceGroups,
    mode: FailureMode,
    policy: Policy,
    push_time: datetime | None,
) -> GroupRows:
    """Run the search for one subject's source ``groups``; the groups it touched."""
    sc = scratch_of(snap)
    subj = int(sc[0][0]) + 1  # the stamp ``radius`` gives this subject
    run_radius(snap, groups, mode, policy, push_time, np.zeros(len(RESULT_FIELDS), dtype=np.int64))
    hosts = kernel_inputs(snap, mode, policy, push_time)[1]
    touched = np.flatnonzero(sc[3] == subj)
    keys = snap.keys
    t = np.asarray(sorted(touched.tolist(), key=keys.__getitem__), dtype=np.int64)
    unprot, fatal, frac, loop, fw = sc[4][t], sc[5][t], sc[6][t], sc[7][t], sc[8][t]
    count, online = hosts[0][t], hosts[1][t]
    hit = np.where(unprot, np.rint(count.astype(np.float64) * online * frac), 0).astype(np.int64)
    compromise = mode is FailureMode.COMPROMISE
    zero = np.zeros(len(t), dtype=np.int64)
    down = zero if compromise else np.where(fatal, hit, 0)
    degraded = zero if compromise else hit - down
    compromised = hit if compromise else zero
    return _recovery(snap, t, hosts, sc, subj, policy, hit, down, degraded, compromised, loop, fw)


def _recovery(
    snap: Snapshot,
    t: NDArray[np.int64],
    hosts: tuple[Any, ...],
    sc: tuple[Any, ...],
    subj: int,
    policy: Policy,
    hit: NDArray[np.int64],
    down: NDArray[np.int64],
    degraded: NDArray[np.int64],
    compromised: NDArray[np.int64],
    loop: NDArray[np.bool_],
    fw: NDArray[np.bool_],
) -> GroupRows:
    """``estimate_group`` for each touched group (the kernel's arithmetic, vectorised)."""
    rp = policy.recovery
    auto = rp.automatic_recovery_hours
    minutes_std, minutes_fw, technicians = hosts[8][t], hosts[9][t], hosts[10][t]
    escrow_group, escrow_platform = hosts[4][t], hosts[5][t]
    automated, encrypted = hosts[6][t], hosts[7][t]
    handsy = (down > 0) & (loop | fw) & ~automated
    hands = np.where(fw, down, np.rint(down * (1.0 - rp.reboot_self_recovery_share)))
    hands = np.where(handsy, hands, 0).astype(np.int64)
    minutes = np.where(fw, minutes_fw, minutes_std)
    plat_mark, hit_mark, fatal_all = sc[13], sc[3], sc[5]
    ep, eg = np.maximum(escrow_platform, 0), np.maximum(escrow_group, 0)
    escrow_down = ((escrow_platform >= 0) & (plat_mark[ep] == subj)) | (
        (escrow_group >= 0) & (hit_mark[eg] == subj) & fatal_all[eg]
    )
    wait = np.where(handsy & encrypted & escrow_down, rp.escrow_outage_hours, 0.0)
    work_end = wait + hands * minutes / 60.0 / technicians
    worked = handsy & (hands > 0)
    hours = np.where(down > 0, np.where(worked, work_end, auto), 0.0)
    cols = snap.cols
    return GroupRows(
        node=t,
        hit=hit,
        down=down,
        degraded=degraded,
        compromised=compromised,
        hands_on=hands,
        hours=hours,
        rounded=[round(h, 2) for h in hours.tolist()],
        auto_hours=np.full(len(t), auto),
        start=np.where(handsy, wait, 0.0),
        end=np.where(handsy, work_end, np.where(down > 0, auto, 0.0)),
        unknowns=_unknowns(snap, t[handsy], cols.environments),
    )


def _unknowns(snap: Snapshot, t: NDArray[np.int64], environments: list[str]) -> frozenset[str]:
    """``recovery._minutes_per_host``'s and ``estimate_group``'s unknowns, over groups
    ``t`` (those recovered by hand)."""
    c = snap.cols
    env = np.asarray([*environments, ""], dtype=object)[c.environment[t]]
    found = set()
    if (c.technicians[t] == 0).any():
        found.add("technicians")
    if ((env != Environment.CLOUD_VM.value) & (c.oob[t] == -1)).any():
        found.add("oob_console")
    if (c.encrypted[t] & np.isnan(c.escrowed_share[t])).any():
        found.add("keys_escrowed_share")
    return frozenset(found)


@dataclass(frozen=True)
class OperatorRows:
    """Operators with a host hit, in key order, and their sums (``blast._operators``)."""

    slots: list[int]  # operator slots of the snapshot
    down: list[int]
    degraded: list[int]
    compromised: list[int]
    hours: list[float]  # the largest rounded recovery of the operator's groups


def operator_rows(snap: Snapshot, rows: GroupRows) -> OperatorRows:
    op = snap.cols.operator[rows.node].astype(np.int64)
    mine = op >= 0
    n = len(snap.operator_keys)
    sums = [np.zeros(n, dtype=np.int64) for _ in range(3)]
    for acc, values in zip(sums, (rows.down, rows.degraded, rows.compromised), strict=True):
        np.add.at(acc, op[mine], values[mine])
    hit = np.zeros(n, dtype=np.int64)
    np.add.at(hit, op[mine], rows.hit[mine])
    best: dict[int, float] = {}
    for o, h in zip(op.tolist(), rows.rounded, strict=True):
        if o >= 0 and h > best.get(o, 0.0):
            best[o] = h
    keys = snap.operator_keys
    slots = sorted(np.flatnonzero(hit > 0).tolist(), key=keys.__getitem__)
    return OperatorRows(
        slots=slots,
        down=sums[0][slots].tolist(),
        degraded=sums[1][slots].tolist(),
        compromised=sums[2][slots].tolist(),
        hours=[best.get(o, 0.0) for o in slots],
    )


def function_rows(snap: Snapshot, rows: GroupRows) -> list[tuple[int, int, int, int, float]]:
    """(function node, hosts down, hosts degraded or compromised, hosts total, recovery
    hours) of every function a hit group supports, as ``blast._functions`` counts them
    (a group supporting a function twice counts twice); unsorted."""
    live = rows.hit > 0
    groups = rows.node[live]
    f = snap.functions_of
    starts, ends = f.ptr[groups], f.ptr[groups + 1]
    sizes = ends - starts
    if not sizes.sum():
        return []
    owner = np.repeat(np.arange(len(groups)), sizes)
    offsets = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    slot = f.idx[np.repeat(starts, sizes) + offsets].astype(np.int64)
    n = len(snap.function_total)
    down, other = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    np.add.at(down, slot, rows.down[live][owner])
    np.add.at(other, slot, (rows.degraded + rows.compromised)[live][owner])
    rounded = np.asarray(rows.rounded, dtype=np.float64)[live][owner]
    recovery = np.zeros(n)
    has_down = rows.down[live][owner] > 0
    np.maximum.at(recovery, slot[has_down], rounded[has_down])
    listed = np.flatnonzero((down > 0) | (other > 0))
    return list(
        zip(
            snap.function_nodes[listed].tolist(),
            down[listed].tolist(),
            other[listed].tolist(),
            snap.function_total[listed].tolist(),
            recovery[listed].tolist(),
            strict=True,
        )
    )


def hosts_back(rows: GroupRows, hours: list[float]) -> list[int]:
    """``recovery.hosts_back_at`` of the groups with hosts down, at each of ``hours``."""
    d = rows.down > 0
    back: list[int] = _hosts_back(
        rows.down[d],
        rows.hands_on[d],
        rows.auto_hours[d],
        rows.start[d],
        rows.end[d],
        np.asarray(hours, dtype=np.float64),
    ).tolist()
    return back


@compiled()
def _hosts_back(  # pragma: no cover - compiled
    down: Any, hands: Any, auto_hours: Any, start: Any, end: Any, hours: Any
) -> Any:
    """The reference's float sum, group by group in the same order, for each hour."""
    out = np.zeros(hours.shape[0], dtype=np.int64)
    for k in range(hours.shape[0]):
        hour = hours[k]
        back = 0.0
        for g in range(down.shape[0]):
            if hour >= auto_hours[g]:
                back += down[g] - hands[g]
            if hands[g]:
                if hour >= end[g]:
                    back += hands[g]
                elif hour > start[g]:
                    back += hands[g] * (hour - start[g]) / (end[g] - start[g])
        out[k] = int(back)
    return out
