"""Blast radius over a :class:`~graph.risk.snapshot.Snapshot`: the what-if query path.

Same semantics and the same totals as :func:`graph.risk.blast.blast_radius` (hosts down,
degraded and compromised, hands-on hosts, recovery hours, operators and sectors hit,
critical functions lost), without the per-host-group detail, evidence paths and recovery
curve the reference builds for reports. Ask the reference for those once a subject is
chosen; ask this for many subjects, or for interactive what-ifs.

Not thread-safe: a snapshot keeps one set of query scratch arrays (hold a lock, or use one
snapshot per thread).

Examples
--------
>>> import networkx as nx
>>> from graph.risk.snapshot import build_snapshot
>>> fast_blast_radius(build_snapshot(nx.MultiDiGraph()), "vendor:x")
Traceback (most recent call last):
...
graph.risk.subject.SubjectError: no vendor, channel, product, component or platform 'vendor:x'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graph.risk.exposure import online_share
from graph.risk.fastkernel import RESULT_FIELDS, new_scratch, radius
from graph.risk.fastsources import SourceGroups, SourcePlanner
from graph.risk.policy import Policy, RecoveryPolicy
from graph.risk.rollout import RolloutOverride
from graph.risk.snapshot import Snapshot
from graph.risk.snapshot_columns import KIND_CODES
from graph.risk.subject import FailureMode, SubjectError
from graph.vocabulary import Environment, NodeKind

__all__ = [
    "SUBJECT_KINDS",
    "FastRadius",
    "fast_blast_radius",
    "kernel_inputs",
    "run_radius",
    "scratch_of",
]

_PLATFORM = KIND_CODES[NodeKind.PLATFORM.value]


@dataclass(frozen=True)
class FastRadius:
    """Totals of one blast radius, as :class:`~graph.risk.blast_results.BlastRadius` has them."""

    subject: str
    mode: FailureMode
    hosts_down: int
    hosts_degraded: int
    hosts_compromised: int
    hands_on_hosts: int
    recovery_hours: float
    operators_hit: int
    sectors_hit: list[str]
    critical_functions_lost: int
    operators: list[tuple[str, int, int, int]]  # (operator, down, degraded, compromised)


def fast_blast_radius(
    snap: Snapshot,
    subject: str,
    mode: FailureMode = FailureMode.BAD_UPDATE,
    *,
    policy: Policy | None = None,
    overrides: Mapping[str, RolloutOverride] | None = None,
    push_time: datetime | None = None,
) -> FastRadius:
    """What fails if node ``subject`` (a vendor, channel, product, component or platform
    key) fails in ``mode``; arguments as :func:`graph.risk.blast.blast_radius`."""
    policy = policy or Policy()
    node = snap.index.get(subject)
    if node is None or int(snap.cols.kind[node]) not in SUBJECT_KINDS:
        raise SubjectError(f"no vendor, channel, product, component or platform {subject!r}")
    groups = SourcePlanner(snap, mode, policy, overrides).groups(node)
    out = np.zeros(len(RESULT_FIELDS), dtype=np.int64)
    horizon, n_ops = run_radius(snap, groups, mode, policy, push_time, out)
    scratch = scratch_of(snap)
    op_sums, hit_ops = scratch[15], scratch[16][:n_ops].tolist()
    ops = sorted((snap.operator_keys[o], *(int(x) for x in op_sums[o])) for o in hit_ops)
    sectors = sorted(
        {snap.sector_names[s] for o in hit_ops for s in snap.operator_sectors.row(o).tolist()}
    )
    totals = dict(zip(RESULT_FIELDS, (int(x) for x in out), strict=True))
    return FastRadius(
        subject=subject,
        mode=mode,
        hosts_down=totals["hosts_down"],
        hosts_degraded=totals["hosts_degraded"],
        hosts_compromised=totals["hosts_compromised"],
        hands_on_hosts=totals["hands_on_hosts"],
        recovery_hours=round(float(horizon), 2),
        operators_hit=totals["operators_hit"],
        sectors_hit=sectors,
        critical_functions_lost=totals["critical_functions_lost"],
        operators=ops,
    )


SUBJECT_KINDS = frozenset(
    KIND_CODES[k.value]
    for k in (
        NodeKind.VENDOR,
        NodeKind.UPDATE_CHANNEL,
        NodeKind.PRODUCT,
        NodeKind.COMPONENT,
        NodeKind.PLATFORM,
    )
)


def run_radius(
    snap: Snapshot,
    groups: SourceGroups,
    mode: FailureMode,
    policy: Policy,
    push_time: datetime | None,
    out: NDArray[np.int64],
) -> tuple[float, int]:
    """One compiled search over ``snap`` for the source ``groups`` of a subject: totals into
    ``out`` (RESULT_FIELDS), (recovery horizon, operators hit) returned, and the per-group
    state left in :func:`scratch_of` under the stamp ``scratch[0][0]`` had before plus one."""
    graph, hosts, rings, tables, params = kernel_inputs(snap, mode, policy, push_time)
    result: tuple[float, int] = radius(
        0,
        len(groups.ptr) - 1,
        (groups.nodes, groups.ptr),
        _group_tuple(groups),
        groups.failed_platforms,
        graph,
        hosts,
        rings,
        tables,
        params,
        scratch_of(snap),
        out,
    )
    return result


def scratch_of(snap: Snapshot) -> tuple[Any, ...]:
    """The snapshot's query scratch arrays (made on first use)."""
    scratch = snap.cache.get("scratch")
    if scratch is None:
        scratch = snap.cache["scratch"] = new_scratch(snap.node_count, *_dims(snap))
    return scratch


def _dims(snap: Snapshot) -> tuple[int, int, int]:
    return len(snap.operator_keys), len(snap.function_total), len(snap.sector_names)


def _group_tuple(g: SourceGroups) -> tuple[Any, ...]:
    return (g.fatal, g.loop, g.firmware, g.mask, g.fraction, g.channel)


def kernel_inputs(
    snap: Snapshot, mode: FailureMode, policy: Policy, push_time: datetime | None
) -> tuple[Any, ...]:
    """(graph, hosts, rings, tables, params) tuples for :mod:`graph.risk.fastkernel`."""
    key = ("inputs", policy.model_dump_json(), push_time)
    cached = snap.cache.get(key)
    if cached is None:
        for old in [k for k in snap.cache if isinstance(k, tuple) and k[0] == "inputs"]:
            del snap.cache[old]  # one policy at a time: columns are O(nodes)
        cached = snap.cache[key] = _inputs(snap, policy, push_time)
    graph, hosts, rings, tables, (_, *rest) = cached
    return graph, hosts, rings, tables, (mode is FailureMode.COMPROMISE, *rest)


def _inputs(snap: Snapshot, policy: Policy, push_time: datetime | None) -> tuple[Any, ...]:
    c = snap.cols
    graph = (
        snap.structure.ptr,
        snap.structure.idx,
        snap.runs.ptr,
        snap.runs.idx,
        snap.runs_on.ptr,
        snap.runs_on.idx,
        snap.updated_by.ptr,
        snap.updated_by.idx,
        c.kind == _PLATFORM,
    )
    minutes_std, minutes_fw, technicians = _recovery_columns(snap, policy.recovery)
    hosts = (
        c.host_count,
        _online(snap, policy, push_time),
        c.family,
        c.operator,
        c.escrow_group,
        c.escrow_platform,
        c.automated,
        c.encrypted,
        minutes_std,
        minutes_fw,
        technicians,
    )
    r = snap.rings
    rings = (
        r.ptr,
        r.product,
        r.positive,
        r.pinned,
        r.takes_none,
        r.takes.ptr,
        r.takes.idx,
        c.defers,
        c.pin_ok,
    )
    tables = (
        snap.functions_of.ptr,
        snap.functions_of.idx,
        snap.function_total,
        snap.function_critical,
        snap.operator_sectors.ptr,
        snap.operator_sectors.idx,
    )
    rp = policy.recovery
    params = (
        False,
        policy.function_lost_share,
        rp.automatic_recovery_hours,
        rp.reboot_self_recovery_share,
        rp.escrow_outage_hours,
    )
    return graph, hosts, rings, tables, params


def _online(snap: Snapshot, policy: Policy, push_time: datetime | None) -> NDArray[np.float64]:
    """Online share per node: flat, or by environment and local time (graph.risk.exposure)."""
    c = snap.cols
    if push_time is None:
        return np.full(snap.node_count, policy.online_fraction)
    out = np.full(snap.node_count, policy.online_fraction)
    groups = np.flatnonzero(c.environment >= 0)
    pairs = c.environment[groups].astype(np.int64) * (len(c.operator_jurisdictions) + 1) + (
        c.operator[groups].astype(np.int64) + 1
    )
    uniq, inverse = np.unique(pairs, return_inverse=True)
    shares = []
    for pair in uniq.tolist():
        env, op = divmod(pair, len(c.operator_jurisdictions) + 1)
        jurisdictions = c.operator_jurisdictions[op - 1] if op > 0 else ()
        group = {"environment": c.environments[env]}
        shares.append(online_share(group, jurisdictions, push_time, policy.online))
    out[groups] = np.asarray(shares)[inverse.reshape(-1)]
    return out


def _recovery_columns(
    snap: Snapshot, rp: RecoveryPolicy
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """``recovery._minutes_per_host`` (without and with firmware) and technicians, per node."""
    c = snap.cols
    env = np.asarray([*c.environments, ""], dtype=object)[c.environment]
    cloud = env == Environment.CLOUD_VM.value
    oob = c.oob == 1
    travel = np.where(oob, 0.0, rp.travel_minutes)
    cloud_base = np.where(c.runbook | oob, rp.cloud_runbook_minutes, rp.cloud_rescue_minutes)
    out = []
    for base_minutes in (rp.minutes_per_host, rp.firmware_minutes):
        base = np.where(cloud, cloud_base, base_minutes + travel)
        escrowed = np.nan_to_num(c.escrowed_share, nan=0.0)
        with_key = base + rp.key_lookup_minutes
        encrypted = escrowed * with_key + (1 - escrowed) * rp.reimage_minutes
        out.append(np.where(c.encrypted, encrypted, base))
    computed = np.maximum(
        1, np.ceil(c.host_count * rp.technicians_per_1000_hosts / 1000).astype(np.int64)
    )
    technicians = np.where(c.technicians > 0, c.technicians, computed)
    return out[0], out[1], technicians
