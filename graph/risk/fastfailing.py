"""The failing nodes of a snapshot blast radius, as :mod:`graph.risk.failing` lists them.

:class:`FailingNodes` turns the source planner's rows (:mod:`graph.risk.fastsources`) into
the reference's :class:`~graph.risk.blast_results.FailingNode` records, sorted by key, and
the unknowns they carry (an undeclared privilege, a channel's undeclared rollout facts).
Records are memoised per node and failure row: a channel's nodes repeat in its vendor's
radius.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from graph.risk.blast_results import FailingNode
from graph.risk.failing import NO_ROLLOUT
from graph.risk.fastsources import SourcePlanner, SourceRow
from graph.risk.policy import Policy
from graph.risk.rollout import RolloutOverride, RolloutReach, rollout_reach
from graph.risk.snapshot import Snapshot
from graph.risk.snapshot_columns import KIND_CODES, PLATFORM_KINDS, PRIVILEGES
from graph.trusted import trusted_model
from graph.vocabulary import NodeKind, Privilege

__all__ = ["FailingNodes"]

_PLATFORM = KIND_CODES[NodeKind.PLATFORM.value]
# failing._node: the privilege a platform fails at, by its platform_kind
_PLATFORM_PRIVILEGE = {
    "os": Privilege.KERNEL.value,
    "hypervisor": Privilege.HYPERVISOR.value,
    "cloud": Privilege.CLOUD_SERVICE.value,
}


class FailingNodes:
    """Failing-node records of one snapshot and policy."""

    def __init__(self, snap: Snapshot, policy: Policy) -> None:
        self.snap, self.policy = snap, policy
        self._names = {bit: name for name, bit in snap.cols.vocabulary.items()}
        self._failing: dict[tuple[int, SourceRow], tuple[FailingNode, tuple[str, ...]]] = {}
        self._reach: dict[tuple[int, RolloutOverride | None], RolloutReach] = {}
        self._platforms: dict[int, tuple[str, ...]] = {}

    def of(
        self, planner: SourcePlanner, node: int, overrides: Mapping[str, RolloutOverride]
    ) -> tuple[list[FailingNode], set[str]]:
        chosen, singles = planner.sources(node)
        p = planner.profiles
        rows: dict[int, SourceRow] = dict(chosen)
        for single in np.unique(singles).tolist():
            rows[single] = p.row(single)
        keys = self.snap.keys
        failing: list[FailingNode] = []
        unknowns: set[str] = set()
        for source in sorted(rows, key=keys.__getitem__):
            row = rows[source]
            ch = row[5]
            override = overrides.get(keys[ch]) if ch >= 0 else None
            memo = (source, row) if override is None else None
            found = self._failing.get(memo) if memo is not None else None
            if found is None:
                found = self._node(source, row, override)
                if memo is not None:
                    self._failing[memo] = found
            failing.append(found[0])
            unknowns.update(found[1])
        return failing, unknowns

    def _node(
        self, node: int, row: SourceRow, override: RolloutOverride | None
    ) -> tuple[FailingNode, tuple[str, ...]]:
        snap, cols = self.snap, self.snap.cols
        key = snap.keys[node]
        fatal, loop, _, mask, _, ch = row
        unknowns: tuple[str, ...] = ()
        if ch >= 0:
            reach = self._reach_of(ch, override)
            own = int(cols.channel_privilege[ch])
            privilege = _privilege(own if own >= 0 else int(cols.privilege_of[node]))
            unknowns = (f"privilege of {key}",) if privilege is None else ()
            unknowns += tuple(f"{snap.keys[ch]}.{u}" for u in reach.unknowns)
            channel: str | None = snap.keys[ch]
        else:
            reach, channel = NO_ROLLOUT, None
            if int(cols.kind[node]) == _PLATFORM:
                kind = int(cols.platform_kind[node])
                privilege = _PLATFORM_PRIVILEGE.get(PLATFORM_KINDS[kind]) if kind >= 0 else None
            else:
                privilege = _privilege(int(cols.privilege_of[node]))
                unknowns = (f"privilege of {key}",) if privilege is None else ()
        values = {
            "key": key,
            "privilege": privilege,
            "host_fatal": fatal,
            "crash_loop": loop,
            "platforms": list(self._platforms_of(mask)),
            "channel": channel,
            "rollout_fraction": reach.fraction,
            "rollout_explanation": reach.explanation,
        }
        return trusted_model(FailingNode, values), unknowns

    def _platforms_of(self, mask: int) -> tuple[str, ...]:
        """The platform names of bit mask ``mask``, sorted (once per mask)."""
        found = self._platforms.get(mask)
        if found is None:
            names = self._names
            found = self._platforms[mask] = tuple(
                sorted(names[b] for b in range(64) if (mask >> b) & 1)
            )
        return found

    def _reach_of(self, ch: int, override: RolloutOverride | None) -> RolloutReach:
        found = self._reach.get((ch, override))
        if found is None:
            attrs: Mapping[str, Any] = self.snap.channel_attrs[ch]
            if override is not None:
                attrs = override.apply(attrs)
            policy = self.policy
            found = rollout_reach(
                attrs, window_hours=policy.window_hours, detect_hours=policy.detect_hours
            )
            self._reach[(ch, override)] = found
        return found


def _privilege(code: int) -> str | None:
    return PRIVILEGES[code] if code >= 0 else None
