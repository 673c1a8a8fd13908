"""Rank every vendor and channel over a snapshot: one compiled search per subject, in parallel.

The reference is :func:`graph.risk.ranking.rank_subjects` (networkx); this gives the same
list. Sources are planned in Python once per subject (a channel's sources are shared with
its vendor), concatenated into flat arrays, and :func:`graph.risk.fastkernel.radius_many`
runs the subjects on every core, each thread with its own scratch. Subjects are dealt to
threads round-robin, biggest first (by source count), so one hub vendor does not leave a
core idle.
"""

from __future__ import annotations

import numba
import numpy as np

from graph.risk.fastblast import kernel_inputs
from graph.risk.fastkernel import RESULT_FIELDS, radius_many
from graph.risk.fastsources import SourcePlanner
from graph.risk.policy import Policy
from graph.risk.ranking import KINDS, RankedSubject, order_key
from graph.risk.snapshot import Snapshot
from graph.risk.subject import FailureMode, SubjectKind

__all__ = ["rank_subjects_fast"]


def rank_subjects_fast(
    snap: Snapshot,
    kinds: tuple[SubjectKind, ...] = ("vendor", "channel"),
    mode: FailureMode = FailureMode.BAD_UPDATE,
    *,
    policy: Policy | None = None,
) -> list[RankedSubject]:
    """As :func:`graph.risk.ranking.rank_subjects`, over ``snap``."""
    policy = policy or Policy()
    planner = SourcePlanner(snap, mode, policy)
    subjects: list[tuple[SubjectKind, int]] = [
        (kind, node) for kind in kinds for node in snap.subjects(KINDS[kind].value)
    ]
    nodes, group_ptr, fail_ptr, failed = [], [0], [0], []
    sizes = []
    fields: list[list[np.ndarray]] = [[] for _ in range(6)]
    src_ptr = [np.zeros(1, dtype=np.int64)]
    offset = 0
    for _, node in subjects:
        g = planner.groups(node)
        nodes.append(g.nodes)
        src_ptr.append(g.ptr[1:] + offset)
        offset += len(g.nodes)
        columns: tuple[np.ndarray, ...] = (
            g.fatal,
            g.loop,
            g.firmware,
            g.mask,
            g.fraction,
            g.channel,
        )
        for bucket, column in zip(fields, columns, strict=True):
            bucket.append(column)
        group_ptr.append(group_ptr[-1] + len(g.ptr) - 1)
        failed.append(g.failed_platforms)
        fail_ptr.append(fail_ptr[-1] + len(g.failed_platforms))
        sizes.append(len(g.nodes))
    dtypes = (np.bool_, np.bool_, np.bool_, np.int64, np.float64, np.int32)
    groups = tuple(
        np.concatenate(b) if b else np.empty(0, dtype=t)
        for b, t in zip(fields, dtypes, strict=True)
    )
    src = (
        np.concatenate(nodes) if nodes else np.empty(0, dtype=np.int32),
        np.concatenate(src_ptr),
    )
    n_subjects = len(subjects)
    out = np.zeros((n_subjects, len(RESULT_FIELDS)), dtype=np.int64)
    horizons = np.zeros(n_subjects)
    if n_subjects:
        order = np.argsort(-np.asarray(sizes), kind="stable").astype(np.int64)
        dims = np.asarray(
            [len(snap.operator_keys), len(snap.function_total), len(snap.sector_names)],
            dtype=np.int64,
        )
        graph, hosts, rings, tables, params = kernel_inputs(snap, mode, policy, None)
        radius_many(
            np.asarray(group_ptr, dtype=np.int64),
            np.asarray(fail_ptr, dtype=np.int64),
            src,
            groups,
            np.concatenate(failed).astype(np.int32),
            graph,
            hosts,
            rings,
            tables,
            params,
            order,
            max(1, min(numba.get_num_threads(), n_subjects)),
            snap.node_count,
            dims,
            out,
            horizons,
        )
    col = {name: i for i, name in enumerate(RESULT_FIELDS)}
    rows = []
    for (kind, node), totals, horizon in zip(
        subjects, out.tolist(), horizons.tolist(), strict=True
    ):
        key = snap.keys[node]
        rows.append(
            (
                kind,
                key,
                snap.names.get(node, key),
                totals,
                round(horizon, 2),
            )
        )
    rows.sort(
        key=lambda r: order_key(
            r[3][col["hosts_down"]], r[3][col["hosts_degraded"]], r[3][col["operators_hit"]], r[1]
        )
    )
    return [
        RankedSubject(
            rank=i,
            kind=kind,
            key=key,
            name=name,
            hosts_down=t[col["hosts_down"]],
            hosts_degraded=t[col["hosts_degraded"]],
            operators_hit=t[col["operators_hit"]],
            sectors_hit=t[col["sectors_hit"]],
            critical_functions_lost=t[col["critical_functions_lost"]],
            hands_on_hosts=t[col["hands_on_hosts"]],
            recovery_hours=hours,
        )
        for i, (kind, key, name, t, hours) in enumerate(rows, start=1)
    ]
