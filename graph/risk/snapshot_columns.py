"""Node attribute columns of a :class:`~graph.risk.snapshot.Snapshot`, and CSR helpers.

Every column is indexed by node id. Codes: privileges in the reference's severity order
(``PRIVILEGES``, -1 undeclared), booleans declared-or-not as -1/0/1 where the reference
tells "unknown" from "false", platform names as bits of ``NodeColumns.vocabulary``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

from graph.vocabulary import BootStart, ChannelKind, CustomerDeferral, NodeKind, Privilege

__all__ = [
    "FATAL",
    "KIND_CODES",
    "PRIVILEGES",
    "READ_FIELDS",
    "Csr",
    "NodeColumns",
    "compiled",
    "csr_from_pairs",
    "node_columns",
]

KIND_CODES: dict[str, int] = {k.value: i for i, k in enumerate(NodeKind)}
# graph.risk.failing._SEVERITY: most severe first
PRIVILEGES: tuple[str, ...] = tuple(
    p.value
    for p in (
        Privilege.FIRMWARE,
        Privilege.BOOT_START_DRIVER,
        Privilege.KERNEL,
        Privilege.HYPERVISOR,
        Privilege.SYSTEM_SERVICE,
        Privilege.CLOUD_SERVICE,
        Privilege.USER,
    )
)
FATAL = frozenset(PRIVILEGES.index(p.value) for p in Privilege if p.takes_host_down)
PLATFORM_KINDS = ("os", "hypervisor", "cloud")
_PRIV = {p: i for i, p in enumerate(PRIVILEGES)}
_LOOP_START = frozenset({BootStart.BOOT.value, BootStart.SYSTEM.value, BootStart.AUTO.value})
_CODE_KINDS = frozenset({ChannelKind.CODE.value, ChannelKind.DRIVER.value})
_UNENCRYPTED = frozenset({"none", "no", "false"})
_MAX_PLATFORM_NAMES = 63
_F = TypeVar("_F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Csr:
    """Rows ``idx[ptr[i]:ptr[i+1]]``."""

    ptr: NDArray[np.int64]
    idx: NDArray[np.int32]

    def row(self, i: int) -> NDArray[np.int32]:
        return self.idx[self.ptr[i] : self.ptr[i + 1]]


def csr_from_pairs(
    n: int, owners: Sequence[int] | NDArray[Any], others: Sequence[int] | NDArray[Any]
) -> Csr:
    """CSR of ``n`` rows; within a row, pairs keep the order they were given in."""
    own = np.asarray(owners, dtype=np.int64)
    other = np.asarray(others, dtype=np.int32)
    order = np.argsort(own, kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(own, minlength=n), out=ptr[1:])
    return Csr(ptr, other[order])


def _int8(n: int, fill: int = -1) -> NDArray[np.int8]:
    return np.full(n, fill, dtype=np.int8)


@dataclass
class NodeColumns:
    """Per-node columns; ``privilege_of`` and ``guarded`` are filled by :meth:`finish`."""

    n: int
    vocabulary: dict[str, int] = field(default_factory=dict)
    kind: NDArray[np.int8] = field(init=False)
    placeholder: NDArray[np.bool_] = field(init=False)
    privilege: NDArray[np.int8] = field(init=False)
    privilege_of: NDArray[np.int8] = field(init=False)
    boot_loop: NDArray[np.bool_] = field(init=False)
    guard: NDArray[np.bool_] = field(init=False)
    guarded: NDArray[np.bool_] = field(init=False)
    platform_mask: NDArray[np.int64] = field(init=False)
    platform_kind: NDArray[np.int8] = field(init=False)
    # host groups
    host_count: NDArray[np.int64] = field(init=False)
    family: NDArray[np.int8] = field(init=False)
    operator: NDArray[np.int32] = field(init=False)
    escrow_group: NDArray[np.int32] = field(init=False)
    escrow_platform: NDArray[np.int32] = field(init=False)
    automated: NDArray[np.bool_] = field(init=False)
    encrypted: NDArray[np.bool_] = field(init=False)
    environment: NDArray[np.int8] = field(init=False)  # index in ``environments``
    oob: NDArray[np.int8] = field(init=False)
    runbook: NDArray[np.bool_] = field(init=False)
    escrowed_share: NDArray[np.float64] = field(init=False)  # nan: undeclared
    technicians: NDArray[np.int64] = field(init=False)  # 0: undeclared (or zero)
    # channels
    channel_privilege: NDArray[np.int8] = field(init=False)
    channel_mask: NDArray[np.int64] = field(init=False)
    defers: NDArray[np.bool_] = field(init=False)
    pin_ok: NDArray[np.bool_] = field(init=False)
    environments: list[str] = field(default_factory=list)
    operator_jurisdictions: list[tuple[str, ...]] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = self.n
        for name in ("kind", "privilege", "privilege_of", "platform_kind", "family", "oob"):
            setattr(self, name, _int8(n))
        for name in ("channel_privilege", "environment"):
            setattr(self, name, _int8(n))
        for name in (
            "placeholder",
            "boot_loop",
            "guard",
            "guarded",
            "automated",
            "encrypted",
            "runbook",
            "defers",
            "pin_ok",
        ):
            setattr(self, name, np.zeros(n, dtype=np.bool_))
        for name in ("operator", "escrow_group", "escrow_platform"):
            setattr(self, name, np.full(n, -1, dtype=np.int32))
        for name in ("platform_mask", "host_count", "technicians", "channel_mask"):
            setattr(self, name, np.zeros(n, dtype=np.int64))
        self.escrowed_share = np.full(n, np.nan)

    def mask(self, names: Any) -> int:
        """Bits of lower-cased platform names (new names get new bits)."""
        bits = 0
        for name in names or ():
            bit = self.vocabulary.setdefault(str(name).lower(), len(self.vocabulary))
            if bit >= _MAX_PLATFORM_NAMES:
                raise ValueError(f"more than {_MAX_PLATFORM_NAMES} platform names")
            bits |= 1 << bit
        return bits

    def finish(self, contains: Csr) -> None:
        """Privilege of products over what they contain; crash-loop guards of parents."""
        owners = np.repeat(np.arange(self.n), np.diff(contains.ptr))
        self.guarded[contains.idx[self.guard[owners]]] = True
        is_product = self.kind == KIND_CODES[NodeKind.PRODUCT.value]
        self.privilege_of[:] = _privilege_of(contains.ptr, contains.idx, self.privilege, is_product)


def compiled(*, parallel: bool = False) -> Callable[[_F], _F]:
    """``numba.njit`` with an on-disk cache (first use in a fresh checkout compiles: ~2-6 s)."""

    def wrap(fn: _F) -> _F:
        return cast(_F, numba.njit(cache=True, parallel=parallel)(fn))

    return wrap


@compiled()
def _privilege_of(
    ptr: NDArray[np.int64],
    idx: NDArray[np.int32],
    own: NDArray[np.int8],
    is_product: NDArray[np.bool_],
) -> NDArray[np.int8]:  # pragma: no cover - compiled
    """Most severe privilege over each product's CONTAINS closure (own for the rest)."""
    n = own.shape[0]
    out = own.copy()
    seen = np.zeros(n, dtype=np.int64)
    stack = np.empty(n, dtype=np.int64)
    for p in range(n):
        if not is_product[p]:
            continue
        best = own[p]
        top = 0
        stack[0] = p
        top = 1
        seen[p] = p + 1
        while top > 0:
            top -= 1
            v = stack[top]
            for j in range(ptr[v], ptr[v + 1]):
                c = idx[j]
                if seen[c] != p + 1:
                    seen[c] = p + 1
                    stack[top] = c
                    top += 1
                    pc = own[c]
                    if pc >= 0 and (best < 0 or pc < best):
                        best = pc
        out[p] = best
    return out


# every node attribute the columns read (the row-based builder keeps only these)
READ_FIELDS = frozenset(
    {
        "automated_recovery",
        "boot_start",
        "channel_kind",
        "cloud_rescue_runbook",
        "crash_loop_guard",
        "critical",
        "customer_deferral",
        "customer_pin_versions",
        "disk_encryption",
        "environment",
        "family",
        "host_count",
        "jurisdictions",
        "key_escrow_host_group",
        "key_escrow_platform",
        "keys_escrowed_share",
        "name",
        "oob_console",
        "operator",
        "platform",
        "platform_kind",
        "platforms",
        "privilege",
        "purl",
        "rings",
        "technicians",
    }
)


def node_columns(
    items: Iterable[tuple[str, Mapping[str, Any]]],
    lookup: Mapping[str, Mapping[str, Any]],
    index: dict[str, int],
) -> tuple[
    NodeColumns, list[tuple[int, dict[str, Any]]], dict[int, Any], dict[int, str], list[str]
]:
    """Columns, ring entries (node, ring), channel attributes, names, operator slots.

    ``items`` are the nodes in id order with their attributes, ``lookup`` the same by key.
    """
    cols = NodeColumns(len(index))
    rings: list[tuple[int, dict[str, Any]]] = []
    channel_attrs: dict[int, dict[str, Any]] = {}
    names: dict[int, str] = {}
    operators: dict[str, int] = {}
    environments: dict[str, int] = {}
    kinds = KIND_CODES
    hg, channel = kinds[NodeKind.HOST_GROUP.value], kinds[NodeKind.UPDATE_CHANNEL.value]
    vendor, platform = kinds[NodeKind.VENDOR.value], kinds[NodeKind.PLATFORM.value]
    for i, (key, d) in enumerate(items):
        code = kinds.get(str(d.get("kind")), -1)
        cols.kind[i] = code
        cols.placeholder[i] = bool(d.get("placeholder"))
        privilege = d.get("privilege")
        if privilege:
            cols.privilege[i] = _PRIV[str(privilege)]
        cols.boot_loop[i] = d.get("boot_start") in _LOOP_START
        cols.guard[i] = bool(d.get("crash_loop_guard"))
        cols.platform_mask[i] = cols.mask(d.get("platforms"))
        cols.host_count[i] = int(d.get("host_count") or 0)
        if code == platform:
            kind = d.get("platform_kind")
            cols.platform_kind[i] = PLATFORM_KINDS.index(kind) if kind in PLATFORM_KINDS else -1
        elif code == channel:
            _channel(cols, i, d)
            channel_attrs[i] = dict(d)
            names[i] = str(d.get("name", key))
        elif code == vendor:
            names[i] = str(d.get("name", key))
        if code == hg or "host_count" in d:
            _host_group(cols, lookup, index, i, d, operators, environments)
            rings.extend((i, dict(r)) for r in d.get("rings") or ())
    cols.environments = list(environments)
    cols.operator_jurisdictions = [
        tuple(lookup[op].get("jurisdictions") or ()) if op in lookup else () for op in operators
    ]
    return cols, rings, channel_attrs, names, list(operators)


def _channel(cols: NodeColumns, i: int, d: Mapping[str, Any]) -> None:
    privilege = d.get("privilege")
    cols.channel_privilege[i] = _PRIV[str(privilege)] if privilege else -1
    cols.channel_mask[i] = cols.mask(d.get("platforms"))
    deferral = d.get("customer_deferral")
    code_like = d.get("channel_kind") in _CODE_KINDS
    cols.defers[i] = deferral == CustomerDeferral.CHANNEL.value or (
        deferral == CustomerDeferral.SENSOR_ONLY.value and code_like
    )
    cols.pin_ok[i] = code_like and (d.get("customer_pin_versions") or 0) >= 1


def _host_group(
    cols: NodeColumns,
    lookup: Mapping[str, Mapping[str, Any]],
    index: dict[str, int],
    i: int,
    d: Mapping[str, Any],
    operators: dict[str, int],
    environments: dict[str, int],
) -> None:
    operator = str(d.get("operator", ""))
    if operator:
        cols.operator[i] = operators.setdefault(operator, len(operators))
    platform = d.get("platform")
    if platform and platform in lookup:
        family = lookup[platform].get("family")
        if family:
            cols.family[i] = cols.mask([family]).bit_length() - 1
    cols.escrow_group[i] = index.get(str(d.get("key_escrow_host_group")), -1)
    cols.escrow_platform[i] = index.get(str(d.get("key_escrow_platform")), -1)
    cols.automated[i] = bool(d.get("automated_recovery"))
    encryption = d.get("disk_encryption")
    cols.encrypted[i] = bool(encryption) and str(encryption).lower() not in _UNENCRYPTED
    environment = str(d.get("environment"))
    cols.environment[i] = environments.setdefault(environment, len(environments))
    oob = d.get("oob_console")
    cols.oob[i] = -1 if oob is None else int(bool(oob))
    cols.runbook[i] = bool(d.get("cloud_rescue_runbook"))
    share = d.get("keys_escrowed_share")
    if share is not None:
        cols.escrowed_share[i] = float(share)
    cols.technicians[i] = int(d.get("technicians") or 0)
