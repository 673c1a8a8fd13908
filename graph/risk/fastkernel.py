"""The compiled blast-radius kernel: breadth-first search with failure semantics.

One call handles one subject: for each source group, a reverse breadth-first search over
CONTAINS/DEPENDS_ON (never through host groups) that collects the host groups running a
reached node (RUNS) or a failing platform (RUNS_ON), applies the platform filter and the
operator's rings, and merges the hit the way ``graph.risk.blast._host_group_hits`` does;
then one pass over the touched host groups computes hosts down/degraded/compromised,
recovery (``graph.risk.recovery.estimate_group``), operators, sectors and critical
functions lost. Scratch arrays are stamped, never cleared, so a query costs what it
touches, not the size of the graph.

Tuple layouts (kept in step with :mod:`graph.risk.fastblast`):

- graph: structure ptr/idx, runs ptr/idx, runs_on ptr/idx, updated_by ptr/idx, is_platform
- hosts: host_count, online, family, operator, escrow_group, escrow_platform, automated,
  encrypted, minutes_std, minutes_fw, technicians
- rings: ptr, product, positive, pinned, takes_none, takes ptr/idx, channel defers, pin_ok
- tables: function ptr/idx/total/critical, operator-sector ptr/idx
- params: compromise, function_lost_share, auto_hours, reboot_share, escrow_hours
- scratch: see :func:`new_scratch`
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from graph.risk.snapshot_columns import compiled

__all__ = ["RESULT_FIELDS", "new_scratch", "radius", "radius_many"]

RESULT_FIELDS = (
    "hosts_down",
    "hosts_degraded",
    "hosts_compromised",
    "hands_on_hosts",
    "operators_hit",
    "sectors_hit",
    "critical_functions_lost",
)


def new_scratch(n: int, n_operators: int, n_functions: int, n_sectors: int) -> tuple[Any, ...]:
    """Scratch for one thread: stamps, queue, per-group hit state, aggregation buffers."""
    i64, i32 = np.int64, np.int32
    return (
        np.zeros(1, dtype=i64),  # 0 stamp counter
        np.zeros(n, dtype=i64),  # 1 seen (per group)
        np.zeros(n, dtype=i64),  # 2 host group found (per group)
        np.zeros(n, dtype=i64),  # 3 host group hit (per subject)
        np.zeros(n, dtype=np.bool_),  # 4 unprotected
        np.zeros(n, dtype=np.bool_),  # 5 fatal
        np.zeros(n, dtype=np.float64),  # 6 fraction
        np.zeros(n, dtype=np.bool_),  # 7 crash loop
        np.zeros(n, dtype=np.bool_),  # 8 firmware
        np.zeros(n, dtype=i32),  # 9 touched host groups
        np.zeros(n, dtype=i32),  # 10 queue
        np.zeros(n, dtype=i32),  # 11 found host groups (per group)
        np.zeros(n, dtype=i32),  # 12 product they were found through
        np.zeros(n, dtype=i64),  # 13 failed platform stamp
        np.zeros(n_operators, dtype=i64),  # 14 operator stamp
        np.zeros((n_operators, 3), dtype=i64),  # 15 operator down/degraded/compromised
        np.zeros(n_operators, dtype=i32),  # 16 operators hit
        np.zeros(n_functions, dtype=i64),  # 17 function stamp
        np.zeros(n_functions, dtype=i64),  # 18 function hosts down
        np.zeros(n_functions, dtype=i32),  # 19 functions touched
        np.zeros(n_sectors, dtype=i64),  # 20 sector stamp
        np.zeros(n, dtype=i32),  # 21 position of a found host group in ``found``
    )


@compiled()
def _ring_protects(
    h: Any, product: Any, ch: Any, rings: Any, updated: Any
) -> bool:  # pragma: no cover
    r_ptr, r_product, r_positive, r_pinned, r_takes_none, t_ptr, t_idx, defers, pin_ok = rings
    u_ptr, u_idx = updated
    for j in range(r_ptr[h], r_ptr[h + 1]):
        rp = r_product[j]
        if rp < 0:
            continue
        if product >= 0:
            if rp != product:
                continue
        else:  # reached through a platform: the products the channel updates
            match = False
            for k in range(u_ptr[ch], u_ptr[ch + 1]):
                if u_idx[k] == rp:
                    match = True
                    break
            if not match:
                continue
        if not r_takes_none[j]:
            takes = False
            for k in range(t_ptr[j], t_ptr[j + 1]):
                if t_idx[k] == ch:
                    takes = True
                    break
            if not takes:
                return True
        if r_positive[j] and defers[ch]:
            return True
        if r_pinned[j] and pin_ok[ch]:
            return True
    return False


@compiled()
def radius(  # pragma: no cover - compiled
    g0: Any,
    g1: Any,
    src: Any,
    groups: Any,
    failed: Any,
    graph: Any,
    hosts: Any,
    rings: Any,
    tables: Any,
    params: Any,
    sc: Any,
    out: Any,
) -> tuple[float, int]:
    """Blast radius of one subject (groups ``g0:g1``); totals into ``out`` (RESULT_FIELDS),
    returns (recovery horizon in hours, operators hit)."""
    s_nodes, s_ptr = src
    g_fatal, g_loop, g_fw, g_mask, g_frac, g_channel = groups
    st_ptr, st_idx, ru_ptr, ru_idx, ro_ptr, ro_idx, up_ptr, up_idx, is_platform = graph
    host_count, online, family, operator = hosts[0], hosts[1], hosts[2], hosts[3]
    escrow_group, escrow_platform, automated, encrypted = hosts[4], hosts[5], hosts[6], hosts[7]
    minutes_std, minutes_fw, technicians = hosts[8], hosts[9], hosts[10]
    f_ptr, f_idx, f_total, f_critical, os_ptr, os_idx = tables
    compromise, lost_share, auto_hours, reboot_share, escrow_hours = params
    ctr, seen, found_mark, hit, unprot, fatal, frac, loop, fw = sc[:9]
    touched, queue, found, found_p, plat_mark = sc[9], sc[10], sc[11], sc[12], sc[13]
    op_mark, op_sums, op_list, fn_mark, fn_down, fn_list, sec_mark, found_at = sc[14:]
    updated = (up_ptr, up_idx)

    ctr[0] += 1
    subj = ctr[0]
    n_touched = 0
    for g in range(g0, g1):
        ctr[0] += 1
        stamp = ctr[0]
        n_found = 0
        qh = 0
        qt = 0
        for k in range(s_ptr[g], s_ptr[g + 1]):
            s = s_nodes[k]
            if seen[s] != stamp:
                seen[s] = stamp
                queue[qt] = s
                qt += 1
            if is_platform[s]:
                for j in range(ro_ptr[s], ro_ptr[s + 1]):
                    h = ro_idx[j]
                    if found_mark[h] != stamp:
                        found_mark[h] = stamp
                        found_at[h] = n_found
                        found[n_found] = h
                        found_p[n_found] = -1
                        n_found += 1
        ch = g_channel[g]
        while qh < qt:
            v = queue[qh]
            qh += 1
            for j in range(ru_ptr[v], ru_ptr[v + 1]):
                h = ru_idx[j]
                if found_mark[h] != stamp:
                    found_mark[h] = stamp
                    found_at[h] = n_found
                    found[n_found] = h
                    found_p[n_found] = v
                    n_found += 1
                elif ch >= 0:
                    # reached again through another product: keep an unprotected path
                    k = found_at[h]
                    old = found_p[k]
                    if _ring_protects(h, old, ch, rings, updated) and not _ring_protects(
                        h, v, ch, rings, updated
                    ):
                        found_p[k] = v
            for j in range(st_ptr[v], st_ptr[v + 1]):
                u = st_idx[j]
                if seen[u] != stamp:
                    seen[u] = stamp
                    queue[qt] = u
                    qt += 1
        fat, lp, fwv, mask, fr, ch = (
            g_fatal[g],
            g_loop[g],
            g_fw[g],
            g_mask[g],
            g_frac[g],
            g_channel[g],
        )
        for k in range(n_found):
            h = found[k]
            protected = False
            if mask != 0 and family[h] >= 0 and ((mask >> family[h]) & 1) == 0:
                protected = True
            elif ch >= 0:
                protected = _ring_protects(h, found_p[k], ch, rings, updated)
            if hit[h] != subj:
                hit[h] = subj
                touched[n_touched] = h
                n_touched += 1
                unprot[h] = False
                fatal[h] = False
                frac[h] = 0.0
                loop[h] = False
                fw[h] = False
            if protected:
                continue
            unprot[h] = True
            if fat and not fatal[h]:
                fatal[h] = True
                frac[h] = fr
            elif fat == fatal[h]:
                frac[h] = max(frac[h], fr)
            if fat:
                loop[h] = loop[h] or lp
                fw[h] = fw[h] or fwv

    for k in range(failed.shape[0]):
        plat_mark[failed[k]] = subj
    for k in range(out.shape[0]):
        out[k] = 0
    horizon = 0.0
    n_ops = 0
    n_fns = 0
    for t in range(n_touched):
        h = touched[t]
        if not unprot[h]:
            continue
        hosts_hit = int(np.rint(np.float64(host_count[h]) * online[h] * frac[h]))
        down = 0
        degraded = 0
        compromised = 0
        if compromise:
            compromised = hosts_hit
        else:
            down = hosts_hit if fatal[h] else 0
            degraded = hosts_hit - down
        out[0] += down
        out[1] += degraded
        out[2] += compromised
        o = operator[h]
        if hosts_hit > 0 and o >= 0:
            if op_mark[o] != subj:
                op_mark[o] = subj
                op_sums[o, 0] = 0
                op_sums[o, 1] = 0
                op_sums[o, 2] = 0
                op_list[n_ops] = o
                n_ops += 1
            op_sums[o, 0] += down
            op_sums[o, 1] += degraded
            op_sums[o, 2] += compromised
        if down == 0:
            continue
        for j in range(f_ptr[h], f_ptr[h + 1]):
            fn = f_idx[j]
            if fn_mark[fn] != subj:
                fn_mark[fn] = subj
                fn_down[fn] = 0
                fn_list[n_fns] = fn
                n_fns += 1
            fn_down[fn] += down
        hours = auto_hours
        if (loop[h] or fw[h]) and not automated[h]:
            if fw[h]:
                hands = down
                minutes = minutes_fw[h]
            else:
                hands = int(np.rint(down * (1.0 - reboot_share)))
                minutes = minutes_std[h]
            eg = escrow_group[h]
            ep = escrow_platform[h]
            escrow_down = (ep >= 0 and plat_mark[ep] == subj) or (
                eg >= 0 and hit[eg] == subj and fatal[eg]
            )
            wait = escrow_hours if (encrypted[h] and escrow_down) else 0.0
            if hands > 0:
                hours = wait + hands * minutes / 60.0 / technicians[h]
                out[3] += hands
        horizon = max(horizon, hours)
    out[4] = n_ops
    for k in range(n_ops):
        o = op_list[k]
        for j in range(os_ptr[o], os_ptr[o + 1]):
            s = os_idx[j]
            if sec_mark[s] != subj:
                sec_mark[s] = subj
                out[5] += 1
    for k in range(n_fns):
        fn = fn_list[k]
        total = f_total[fn]
        if f_critical[fn] and total > 0 and fn_down[fn] / total >= lost_share:
            out[6] += 1
    return horizon, n_ops


@compiled(parallel=True)
def radius_many(  # pragma: no cover - compiled
    subj_ptr: Any,
    fail_ptr: Any,
    src: Any,
    groups: Any,
    failed: Any,
    graph: Any,
    hosts: Any,
    rings: Any,
    tables: Any,
    params: Any,
    order: Any,
    n_chunks: Any,
    n: Any,
    dims: Any,
    out: Any,
    horizons: Any,
) -> None:
    """:func:`radius` for every subject; chunk ``c`` takes subjects ``order[c::n_chunks]``."""
    for c in numba.prange(n_chunks):
        sc = (
            np.zeros(1, dtype=np.int64),
            np.zeros(n, dtype=np.int64),
            np.zeros(n, dtype=np.int64),
            np.zeros(n, dtype=np.int64),
            np.zeros(n, dtype=np.bool_),
            np.zeros(n, dtype=np.bool_),
            np.zeros(n, dtype=np.float64),
            np.zeros(n, dtype=np.bool_),
            np.zeros(n, dtype=np.bool_),
            np.zeros(n, dtype=np.int32),
            np.zeros(n, dtype=np.int32),
            np.zeros(n, dtype=np.int32),
            np.zeros(n, dtype=np.int32),
            np.zeros(n, dtype=np.int64),
            np.zeros(dims[0], dtype=np.int64),
            np.zeros((dims[0], 3), dtype=np.int64),
            np.zeros(dims[0], dtype=np.int32),
            np.zeros(dims[1], dtype=np.int64),
            np.zeros(dims[1], dtype=np.int64),
            np.zeros(dims[1], dtype=np.int32),
            np.zeros(dims[2], dtype=np.int64),
            np.zeros(n, dtype=np.int32),
        )
        for k in range(c, order.shape[0], n_chunks):
            s = order[k]
            fails = failed[fail_ptr[s] : fail_ptr[s + 1]]
            h, _ = radius(
                subj_ptr[s],
                subj_ptr[s + 1],
                src,
                groups,
                fails,
                graph,
                hosts,
                rings,
                tables,
                params,
                sc,
                out[s],
            )
            horizons[s] = h
