"""The estate side of a synthetic estate: operators, functions, host groups, contracts.

Operators get host groups by a power law (a few national operators run thousands of
groups, most run a handful). Each host group runs the OS product of its platform, usually
an EDR sensor for its OS family and a few applications chosen by popularity. About one
group in ten is declared in YAML with per-product rings, pins and channel choices; the rest
are bulk CSV rows, some with an update ring for the whole row.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from benchmarks.synth.software import Scale, Software, pick, zipf_cum

__all__ = ["Deployment", "HostGroup", "Operator", "make_operators"]

SECTORS = (
    "energy",
    "healthcare",
    "banking",
    "transport",
    "water",
    "telecom",
    "government",
    "retail",
    "manufacturing",
    "media",
    "insurance",
    "education",
    "aviation",
    "rail",
    "food",
    "digital-infrastructure",
)
JURISDICTIONS = ("DE", "FR", "GB", "US", "NL", "IT", "ES", "PL", "SE", "JP", "AU", "IN", "SG")
YAML_SHARE = 0.1


@dataclass
class Deployment:
    product: int
    ring: int | None = None
    pinned_version: str | None = None
    channels: list[str] | None = None


@dataclass
class HostGroup:
    id: str
    platform: int
    host_count: int
    environment: str
    functions: list[str]
    deployments: list[Deployment]
    in_yaml: bool
    hosted_on: list[str] = field(default_factory=list)
    recovery: dict[str, object] = field(default_factory=dict)


@dataclass
class Operator:
    id: str
    name: str
    sectors: list[str]
    jurisdiction: str
    cii: bool
    functions: list[tuple[str, bool, float | None]]  # id, critical, rto hours
    host_groups: list[HostGroup] = field(default_factory=list)
    contracts: list[int] = field(default_factory=list)  # vendor indexes


def make_operators(scale: Scale, rng: random.Random, sw: Software) -> list[Operator]:
    sector_cum = zipf_cum(len(SECTORS), 0.7)
    operators = []
    for i in range(scale.operators):
        sectors = [
            SECTORS[i]
            for i in pick(
                rng, list(range(len(SECTORS))), sector_cum, 2 if rng.random() < 0.05 else 1
            )
        ]
        functions = [
            (f"f{j}", rng.random() < 0.7, rng.choice((None, 0.5, 1, 2, 4, 8, 24)))
            for j in range(rng.randint(1, 6))
        ]
        operators.append(
            Operator(
                f"op{i:05d}",
                f"Synth Operator {i:05d}",
                sectors,
                rng.choice(JURISDICTIONS),
                rng.random() < 0.6,
                functions,
            )
        )
    # every operator runs at least one group; the rest follow a power law
    owners = list(range(scale.operators)) + rng.choices(
        range(scale.operators),
        cum_weights=zipf_cum(scale.operators, 0.8),
        k=scale.host_groups - scale.operators,
    )
    owners.sort()
    os_platforms = [i for i, p in enumerate(sw.platforms) if p.kind == "os"]
    platform_cum = zipf_cum(len(os_platforms), 0.8)
    app_cum = zipf_cum(len(sw.apps), 1.0)
    edr_cum = {f: zipf_cum(len(ids), 1.1) for f, ids in sw.edr.items()}
    channels_of: dict[str, list[str]] = {}
    for ch in sw.channels:
        for target in ch.updates:
            channels_of.setdefault(target, []).append(ch.id)
    for ch in sw.channels:
        for p in sw.products:
            if p.channel == ch.id:
                channels_of.setdefault(p.purl, []).append(ch.id)
    for n, owner in enumerate(owners):
        op = operators[owner]
        platform = rng.choices(os_platforms, cum_weights=platform_cum, k=1)[0]
        group = _host_group(rng, sw, op, n, platform, app_cum, edr_cum, channels_of)
        op.host_groups.append(group)
    for op in operators:
        vendors = {
            sw.products[d.product].vendor
            for g in op.host_groups
            for d in g.deployments
            if sw.products[d.product].category in ("os", "edr")
        }
        op.contracts = sorted(vendors)[: rng.randint(1, 3)]
    return operators


def _host_group(
    rng: random.Random,
    sw: Software,
    op: Operator,
    n: int,
    platform: int,
    app_cum: list[float],
    edr_cum: dict[str, list[float]],
    channels_of: dict[str, list[str]],
) -> HostGroup:
    plat = sw.platforms[platform]
    env = _environment(rng, plat.id)
    hosted_on: list[str] = []
    if env == "cloud-vm":
        hosted_on = [f"synth-cloud-{n % 3}"]
    elif env == "on-premises" and rng.random() < 0.3:
        hosted_on = [f"synth-hv-{n % 3}"]
    assert plat.product is not None
    products = [plat.product]
    if plat.family in sw.edr and rng.random() < 0.85:
        ids = sw.edr[plat.family]
        products += pick(rng, ids, edr_cum[plat.family], 1)
    products += pick(rng, sw.apps, app_cum, rng.randint(1, 6))
    in_yaml = rng.random() < YAML_SHARE
    deployments = [Deployment(p) for p in products]
    if in_yaml:
        for d in deployments:
            _yaml_controls(rng, d, channels_of.get(sw.products[d.product].purl, []))
    elif rng.random() < 0.15:
        for d in deployments:
            d.ring = 1
    fn_ids = [f[0] for f in op.functions]
    group = HostGroup(
        id=f"hg{n:06d}",
        platform=platform,
        host_count=max(1, min(20_000, int(rng.lognormvariate(3.5, 1.3)))),
        environment=env,
        functions=rng.sample(fn_ids, min(len(fn_ids), rng.choice((1, 1, 2)))),
        deployments=deployments,
        in_yaml=in_yaml,
        hosted_on=hosted_on,
    )
    group.recovery = _recovery(rng, group, op, plat.family)
    return group


def _environment(rng: random.Random, platform_id: str) -> str:
    if "windows-11" in platform_id or "macos" in platform_id:
        return rng.choice(("endpoint", "endpoint", "endpoint", "kiosk"))
    if "rtos" in platform_id:
        return rng.choice(("ot", "kiosk"))
    return rng.choice(("on-premises", "on-premises", "cloud-vm", "ot"))


def _yaml_controls(rng: random.Random, d: Deployment, channels: list[str]) -> None:
    roll = rng.random()
    if roll < 0.3:
        d.ring = rng.choice((0, 1, 2))
    elif roll < 0.4:
        d.pinned_version = "0.9"
    if channels and rng.random() < 0.3:
        d.channels = channels[: rng.randint(0, len(channels) - 1)]


def _recovery(
    rng: random.Random, group: HostGroup, op: Operator, family: str | None
) -> dict[str, object]:
    r: dict[str, object] = {}
    roll = rng.random()
    if roll < 0.6:
        r["disk_encryption"] = "bitlocker" if family == "windows" else "luks"
        if rng.random() < 0.9:
            r["keys_escrowed_share"] = rng.choice((0.0, 0.5, 0.9, 1.0))
    elif roll < 0.8:
        r["disk_encryption"] = "none"
    if rng.random() < 0.7:
        r["oob_console"] = rng.random() < 0.4
    if rng.random() < 0.05:
        r["automated_recovery"] = True
    if rng.random() < 0.7:
        r["technicians"] = rng.randint(1, 20)
    if group.environment == "cloud-vm":
        if rng.random() < 0.5:
            r["cloud_rescue_runbook"] = rng.random() < 0.5
        if rng.random() < 0.3:
            r["key_escrow_platform"] = group.hosted_on[0]
    earlier = [g for g in op.host_groups[-10:] if g.in_yaml == group.in_yaml]
    if earlier and rng.random() < 0.05:
        r["key_escrow_host_group"] = rng.choice(earlier).id
    return r
