"""The software side of a synthetic estate: vendors, components, products, platforms, channels.

Popularity is a power law (Zipf-like weights ``1 / rank ** a``): a few vendors supply most
components, a few libraries are in most products, a few products run almost everywhere.
Components sit on ten dependency levels; a component of level ``L`` depends on one of
level ``L - 1`` (so chains reach depth 10) and on a few more popular lower ones. About 1%
of components are in small dependency cycles (pairs on one level depending on each other).
Everything is drawn from one ``random.Random(seed)`` in a fixed order: same seed, same
estate.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

__all__ = [
    "Channel",
    "Component",
    "Platform",
    "Product",
    "Scale",
    "Software",
    "closure",
    "make_software",
]

LEVELS = 10
_LEVEL_SHARE = (0.30, 0.18, 0.13, 0.10, 0.08, 0.06, 0.05, 0.04, 0.03, 0.03)
_ECOSYSTEMS = ("maven", "npm", "pypi", "generic", "nuget")
_APP_CATEGORIES = (
    "application",
    "database",
    "identity",
    "remote-management",
    "backup",
    "network",
    "other",
)
# (id suffix, name, kind, family, version)
_PLATFORM_SHAPES = (
    ("windows-11", "Windows 11", "os", "windows", "11.23H2"),
    ("windows-server-2022", "Windows Server 2022", "os", "windows", "2022"),
    ("windows-server-2019", "Windows Server 2019", "os", "windows", "2019"),
    ("linux-9", "Linux 9", "os", "linux", "9.4"),
    ("linux-8", "Linux 8", "os", "linux", "8.10"),
    ("linux-lts", "Linux LTS", "os", "linux", "24.04"),
    ("macos-14", "macOS 14", "os", "macos", "14.5"),
    ("rtos", "Embedded RTOS", "os", "other", "3.2"),
)
_HYPERVISORS = 3
_CLOUDS = 3


@dataclass(frozen=True)
class Scale:
    """Entity counts of one estate size."""

    operators: int
    host_groups: int
    products: int
    components: int
    vendors: int
    channels: int


SCALES = {
    "10k": Scale(200, 2_000, 500, 6_000, 100, 20),
    "100k": Scale(2_000, 20_000, 5_000, 60_000, 1_000, 200),
    "1m": Scale(20_000, 200_000, 50_000, 600_000, 10_000, 2_000),
}


@dataclass
class Component:
    vendor: int
    level: int
    purl: str
    name: str
    version: str
    deps: list[int] = field(default_factory=list)
    privilege: str | None = None
    boot_start: str | None = None
    platforms: tuple[str, ...] = ()


@dataclass
class Product:
    vendor: int
    name: str
    version: str
    purl: str
    category: str
    top: list[int]
    platforms: tuple[str, ...] = ()
    crash_loop_guard: bool | None = None
    channel: str | None = None  # riskgraph:update_channel on the product itself


@dataclass
class Platform:
    id: str
    name: str
    kind: str
    family: str | None
    version: str
    vendor: int
    product: int | None = None  # the OS product hosts of this platform run


@dataclass
class Channel:
    id: str
    vendor: int
    updates: list[str]  # purls, or platform keys ("platform:<id>")
    attrs: dict[str, object]


@dataclass
class Software:
    vendor_names: list[str]
    components: list[Component]
    products: list[Product]
    platforms: list[Platform]
    channels: list[Channel]
    edr: dict[str, list[int]]  # family -> EDR products
    apps: list[int]  # products other than OS and EDR, most popular first


def zipf_cum(n: int, a: float) -> list[float]:
    """Cumulative power-law weights for ranks 0..n-1 (for ``random.choices``)."""
    return list(itertools.accumulate(1.0 / (r + 1) ** a for r in range(n)))


def pick(rng: random.Random, items: list[int], cum: list[float], k: int) -> list[int]:
    """``k`` power-law draws from ``items`` (with repeats removed, order kept)."""
    return list(dict.fromkeys(rng.choices(items, cum_weights=cum, k=k)))


def make_software(scale: Scale, rng: random.Random) -> Software:
    vendors = [f"Synth Vendor {i:05d}" for i in range(scale.vendors)]
    vendor_cum = zipf_cum(scale.vendors, 1.0)
    components = _components(scale, rng, vendor_cum)
    platforms = _platforms(scale, rng)
    products, edr, apps = _products(scale, rng, components, platforms, vendor_cum)
    channels = _channels(scale, rng, products, components, platforms, edr)
    return Software(vendors, components, products, platforms, channels, edr, apps)


def _components(scale: Scale, rng: random.Random, vendor_cum: list[float]) -> list[Component]:
    vendor_ids = list(range(scale.vendors))
    out: list[Component] = []
    by_level: list[list[int]] = []
    for level, share in enumerate(_LEVEL_SHARE):
        n = max(2, round(scale.components * share))
        ids = list(range(len(out), len(out) + n))
        by_level.append(ids)
        owners = rng.choices(vendor_ids, cum_weights=vendor_cum, k=n)
        for i, vendor in zip(ids, owners, strict=True):
            eco = _ECOSYSTEMS[i % len(_ECOSYSTEMS)]
            name = f"lib-{i:06d}"
            version = f"{1 + i % 7}.{i % 13}.{i % 5}"
            ns = f"synth{vendor:05d}"
            purl = (
                f"pkg:{eco}/{name}@{version}"
                if eco == "pypi"
                else f"pkg:{eco}/{ns}/{name}@{version}"
            )
            out.append(Component(vendor, level, purl, name, version))
    level_cum = [zipf_cum(len(ids), 1.1) for ids in by_level]
    lower: list[int] = []
    for level, ids in enumerate(by_level):
        lower_cum = zipf_cum(len(lower), 1.2) if lower else []
        for i in ids:
            c = out[i]
            if level > 0:
                deps = rng.choices(by_level[level - 1], cum_weights=level_cum[level - 1], k=1)
                extra = rng.choices((0, 0, 1, 1, 2, 3), k=1)[0]
                deps += rng.choices(lower, cum_weights=lower_cum, k=extra)
                c.deps = list(dict.fromkeys(deps))
            _privilege(c, rng)
        lower = lower + ids
    # ~1% of components in small cycles: pairs on one level depending on each other
    for level, ids in enumerate(by_level):
        pairs = max(1, len(ids) // 200) if level > 0 else 0
        for _ in range(pairs):
            a, b = rng.sample(ids, 2)
            for x, y in ((a, b), (b, a)):
                if y not in out[x].deps:
                    out[x].deps.append(y)
    return out


def _privilege(c: Component, rng: random.Random) -> None:
    roll = rng.random()
    if roll < 0.01:
        c.privilege, c.boot_start = "kernel", rng.choice(("boot", "system", "demand"))
        c.platforms = (rng.choice(("windows", "linux")),)
    elif roll < 0.05:
        c.privilege = "system-service"
    elif roll < 0.12:
        c.privilege = "user"


def _platforms(scale: Scale, rng: random.Random) -> list[Platform]:
    # OS and platform vendors are among the biggest vendors
    out = [
        Platform(f"synth-{sid}", name, kind, family, version, vendor=i % 4)
        for i, (sid, name, kind, family, version) in enumerate(_PLATFORM_SHAPES)
    ]
    for i in range(_HYPERVISORS):
        out.append(Platform(f"synth-hv-{i}", f"Hypervisor {i}", "hypervisor", None, "8", 4 + i))
    for i in range(_CLOUDS):
        out.append(Platform(f"synth-cloud-{i}", f"Cloud {i}", "cloud", None, "2024", 7 + i % 3))
    return out


def _products(
    scale: Scale,
    rng: random.Random,
    components: list[Component],
    platforms: list[Platform],
    vendor_cum: list[float],
) -> tuple[list[Product], dict[str, list[int]], list[int]]:
    own: dict[int, list[int]] = {}
    for i, c in enumerate(components):
        own.setdefault(c.vendor, []).append(i)
    comp_ids = list(range(len(components)))
    comp_cum = zipf_cum(len(components), 0.9)
    vendor_ids = list(range(scale.vendors))
    products: list[Product] = []
    edr: dict[str, list[int]] = {"windows": [], "linux": []}
    apps: list[int] = []
    kernel = [i for i, c in enumerate(components) if c.privilege == "kernel"]
    for p in platforms:
        if p.kind != "os":
            continue
        top = [rng.choice(kernel), *pick(rng, comp_ids, comp_cum, 6)]
        p.product = len(products)
        products.append(
            Product(
                p.vendor,
                f"{p.id}-os",
                p.version,
                f"pkg:generic/synth{p.vendor:05d}/{p.id}-os@{p.version}",
                "os",
                top,
                (p.family,) if p.family in ("windows", "linux", "macos") else (),
            )
        )
    n_edr = max(4, scale.products // 100)
    vendor_pick = rng.choices(vendor_ids, cum_weights=vendor_cum, k=scale.products)
    for j in range(len(products), scale.products):
        vendor = vendor_pick[j]
        is_edr = j - len(platforms) < n_edr
        mine = own.get(vendor, [])
        top = rng.sample(mine, min(len(mine), rng.randint(1, 4)))
        top += pick(rng, comp_ids, comp_cum, rng.randint(2, 10))
        version = f"{1 + j % 9}.{j % 17}"
        name = f"{'edr' if is_edr else 'app'}-{j:05d}"
        product = Product(
            vendor,
            name,
            version,
            f"pkg:generic/synth{vendor:05d}/{name}@{version}",
            "edr" if is_edr else rng.choice(_APP_CATEGORIES),
            list(dict.fromkeys(top)),
        )
        if is_edr:
            family = "windows" if len(edr["windows"]) <= len(edr["linux"]) * 2 else "linux"
            product.platforms = (family,)
            product.crash_loop_guard = rng.random() < 0.2 or None
            edr[family].append(j)
        else:
            apps.append(j)
        products.append(product)
    for family, ids in edr.items():  # EDR drivers: boot-start kernel components of their own
        for j in ids:
            driver = len(components)
            components.append(
                Component(
                    products[j].vendor,
                    0,
                    f"pkg:generic/synth{products[j].vendor:05d}/drv-{j:05d}@1.0",
                    f"drv-{j:05d}.sys",
                    "1.0",
                    privilege="boot-start-driver",
                    boot_start="boot",
                    platforms=(family,),
                )
            )
            products[j].top.insert(0, driver)
    _cover(rng, products, components)
    rng.shuffle(apps)
    return products, edr, apps


def closure(components: list[Component], top: list[int]) -> list[int]:
    """``top`` and everything it depends on, transitively, in discovery order."""
    seen = dict.fromkeys(top)
    stack = list(reversed(top))
    while stack:
        for dep in components[stack.pop()].deps:
            if dep not in seen:
                seen[dep] = None
                stack.append(dep)
    return list(seen)


def _cover(rng: random.Random, products: list[Product], components: list[Component]) -> None:
    """Put every component in some SBOM: uncovered ones join a product of their vendor."""
    covered = bytearray(len(components))
    for product in products:
        for i in closure(components, product.top):
            covered[i] = 1
    by_vendor: dict[int, list[int]] = {}
    for j, product in enumerate(products):
        by_vendor.setdefault(product.vendor, []).append(j)
    for i in sorted(range(len(components)), key=lambda i: -components[i].level):
        if covered[i]:
            continue
        mine = by_vendor.get(components[i].vendor)
        j = rng.choice(mine) if mine else rng.randrange(len(products))
        products[j].top.append(i)
        for k in closure(components, [i]):
            covered[k] = 1


def _channels(
    scale: Scale,
    rng: random.Random,
    products: list[Product],
    components: list[Component],
    platforms: list[Platform],
    edr: dict[str, list[int]],
) -> list[Channel]:
    out: list[Channel] = []
    for p in platforms:  # every platform vendor pushes OS updates
        target = [f"platform:{p.id}"]
        attrs = _channel_attrs(rng, "code", "kernel" if p.kind == "os" else None, p.family)
        out.append(Channel(f"synth-{p.id}-updates", p.vendor, target, attrs))
    for family, ids in edr.items():
        for j in ids:  # the July-2024 shape: content interpreted by the boot-start driver
            if len(out) >= scale.channels:
                break
            product = products[j]
            kind = rng.choice(("content", "content", "driver", "signatures"))
            attrs = _channel_attrs(rng, kind, "boot-start-driver", family)
            out.append(Channel(f"synth-ch-{len(out):05d}", product.vendor, [product.purl], attrs))
    candidates = [j for j, p in enumerate(products) if p.category not in ("os", "edr")]
    while len(out) < scale.channels:
        j = candidates[min(len(candidates) - 1, int(rng.paretovariate(1.2)) - 1)]
        candidates.remove(j)
        product = products[j]
        ch = f"synth-ch-{len(out):05d}"
        updates = [product.purl]
        if rng.random() < 0.3 and product.top:
            updates.append(components[product.top[0]].purl)
        kind = rng.choice(("code", "code", "content", "policy"))
        privilege = rng.choice((None, "user", "system-service", "kernel"))
        attrs = _channel_attrs(rng, kind, privilege, None)
        if rng.random() < 0.2:
            product.channel = ch  # declared in the SBOM instead of the channels file
            updates = updates[1:]
        out.append(Channel(ch, product.vendor, updates, attrs))
    return out


def _channel_attrs(
    rng: random.Random, kind: str, privilege: str | None, family: str | None
) -> dict[str, object]:
    attrs: dict[str, object] = {"kind": kind}
    if privilege is not None:
        attrs["privilege"] = privilege
    if family in ("windows", "linux", "macos"):
        attrs["platforms"] = [family]
    stages = rng.choice((None, 1, 1, 3, 5))
    if stages is not None:
        attrs["rollout_stages"] = stages
    if stages and stages > 1:
        attrs["canary_share"] = rng.choice((0.01, 0.05, 0.1))
        attrs["bake_time_hours"] = rng.choice((0, 1, 4, 24))
        attrs["health_gate"] = rng.choice(("none", "manual", "automatic"))
        attrs["auto_halt"] = rng.random() < 0.5
    deferral = rng.choice((None, "none", "none", "sensor-only", "channel"))
    if deferral is not None:
        attrs["customer_deferral"] = deferral
    pins = rng.choice((None, 0, 1, 2))
    if pins is not None:
        attrs["customer_pin_versions"] = pins
    return attrs
