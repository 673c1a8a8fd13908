"""The :class:`Reach` of many host groups at once, from per-group columns.

:func:`graph.risk.reach.reach_of` adds up one :class:`GroupFacts` per host group in
Python; a channel or a shared product reaches thousands of groups at 100k, and the
control rules ask it of every channel, product and dependency. :class:`ReachTable` holds
every host group's facts as numpy columns (hosts, operator, whether it is CII, critical
functions as CSR rows) and sums a large set of groups with array operations: the same
figures and the same sorted tuples, as Python ints and strings (tested equal).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from graph.risk.reach import REACH_FIELDS_SET, GroupFacts, Reach
from graph.trusted import trusted_model

__all__ = ["ReachTable"]


class ReachTable:
    """Facts of host groups ``keys`` (``facts[i]`` of ``keys[i]``) as columns."""

    def __init__(self, keys: Sequence[str], facts: Sequence[GroupFacts]) -> None:
        self.slot = {key: i for i, key in enumerate(keys)}
        operators = sorted({f.operator for f in facts if f.operator is not None})
        functions = sorted({fn for f in facts for fn in f.critical_functions})
        op_slot = {op: i for i, op in enumerate(operators)}
        fn_slot = {fn: i for i, fn in enumerate(functions)}
        self._operators, self._functions = operators, functions
        self._hosts = np.asarray([f.hosts for f in facts], dtype=np.int64)
        self._operator = np.asarray(
            [-1 if f.operator is None else op_slot[f.operator] for f in facts], dtype=np.int64
        )
        self._cii = np.asarray([f.operator_cii for f in facts], dtype=np.bool_)
        lengths = np.asarray([len(f.critical_functions) for f in facts], dtype=np.int64)
        self._ptr = np.zeros(len(facts) + 1, dtype=np.int64)
        np.cumsum(lengths, out=self._ptr[1:])
        self._lengths = lengths
        self._critical = np.asarray(
            [fn_slot[fn] for f in facts for fn in f.critical_functions], dtype=np.int64
        )

    def covers(self, groups: Sequence[str]) -> bool:
        slot = self.slot
        return all(g in slot for g in groups)

    def reach(self, groups: tuple[str, ...]) -> Reach:
        """``reach_of(groups, facts of groups)`` for sorted, distinct ``groups`` that are
        all in the table."""
        slot = self.slot
        ids = np.fromiter((slot[g] for g in groups), dtype=np.int64, count=len(groups))
        hosts = self._hosts[ids]
        has_critical = self._lengths[ids] > 0
        operator = self._operator[ids]
        cii = self._cii[ids]
        ops = np.unique(operator[operator >= 0])
        cii_ops = np.unique(operator[cii & (operator >= 0)])
        names, functions = self._operators, self._functions
        return trusted_model(
            Reach,
            {
                "host_groups": groups,
                "hosts": int(hosts.sum()),
                "critical_hosts": int(hosts[has_critical].sum()),
                "operators": tuple(names[o] for o in ops.tolist()),
                "cii_operators": tuple(names[o] for o in cii_ops.tolist()),
                "critical_functions": tuple(functions[f] for f in self._rows(ids).tolist()),
                "cii_critical_functions": tuple(
                    functions[f] for f in self._rows(ids[cii & has_critical]).tolist()
                ),
            },
            REACH_FIELDS_SET,
        )

    def _rows(self, ids: NDArray[np.int64]) -> NDArray[np.int64]:
        """Distinct critical-function slots of rows ``ids``, ascending (= names sorted)."""
        lengths = self._lengths[ids]
        total = int(lengths.sum())
        if not total:
            return np.zeros(0, dtype=np.int64)
        starts = self._ptr[ids]
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        return np.unique(self._critical[offsets + np.arange(total)])
