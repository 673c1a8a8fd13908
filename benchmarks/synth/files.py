"""Write a synthetic estate in the project's own input formats (docs/estate-formats.md).

Layout under the output directory::

    sboms/NNN/<product>.cdx.json      one CycloneDX 1.6 JSON SBOM per product
    channels/<vendor>.yaml            channels (and platforms) of one vendor
    estate/operators-NNNN.yaml        operators, functions, contracts, YAML host groups
    estate/hostgroups-NNNN.csv        the bulk host groups of the same operators
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import yaml

from benchmarks.synth.estate import SECTORS, HostGroup, Operator
from benchmarks.synth.software import Product, Software, closure

__all__ = ["write_estate"]

AS_OF = "2024-07-01"
TIMESTAMP = "2024-07-01T00:00:00Z"
OPERATORS_PER_FILE = 100
CSV_COLUMNS = (
    "operator",
    "host_group",
    "platform",
    "hosted_on",
    "host_count",
    "environment",
    "functions",
    "products",
    "ring",
    "disk_encryption",
    "keys_escrowed_share",
    "key_escrow_host_group",
    "key_escrow_platform",
    "oob_console",
    "cloud_rescue_runbook",
    "automated_recovery",
    "technicians",
    "as_of",
)


def write_estate(sw: Software, operators: list[Operator], out: Path, tag: str) -> dict[str, int]:
    """Write every file; returns counts of files by kind."""
    counts = {"sboms": 0, "channels": 0, "inventories": 0, "csv": 0}
    for i, product in enumerate(sw.products):
        path = out / "sboms" / f"{i // 1000:03d}" / f"{product.name}.cdx.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(orjson.dumps(_sbom(sw, product, tag), option=orjson.OPT_INDENT_2))
        counts["sboms"] += 1
    for vendor, doc in _channel_files(sw):
        path = out / "channels" / f"synth{vendor:05d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.dump(doc, Dumper=yaml.CSafeDumper, sort_keys=False))
        counts["channels"] += 1
    (out / "estate").mkdir(parents=True, exist_ok=True)
    for start in range(0, len(operators), OPERATORS_PER_FILE):
        chunk = operators[start : start + OPERATORS_PER_FILE]
        n = start // OPERATORS_PER_FILE
        doc = {
            "name": f"Synthetic operators {n:04d}",
            "as_of": AS_OF,
            "operators": [_operator(sw, op) for op in chunk],
        }
        path = out / "estate" / f"operators-{n:04d}.yaml"
        path.write_text(yaml.dump(doc, Dumper=yaml.CSafeDumper, sort_keys=False))
        counts["inventories"] += 1
        rows = [_csv_row(sw, op, g) for op in chunk for g in op.host_groups if not g.in_yaml]
        if rows:
            with (out / "estate" / f"hostgroups-{n:04d}.csv").open("w", newline="") as fh:
                writer = csv.DictWriter(fh, CSV_COLUMNS)
                writer.writeheader()
                writer.writerows(rows)
            counts["csv"] += 1
    return counts


def _props(**values: Any) -> list[dict[str, str]]:
    out = []
    for name, value in values.items():
        items = value if isinstance(value, tuple | list) else (value,)
        for item in items:
            if item is None:
                continue
            text = str(item).lower() if isinstance(item, bool) else str(item)
            out.append({"name": f"riskgraph:{name}", "value": text})
    return out


def _sbom(sw: Software, product: Product, tag: str) -> dict[str, Any]:
    vendor = {"name": sw.vendor_names[product.vendor]}
    members = closure(sw.components, product.top)
    components = []
    for i in members:
        c = sw.components[i]
        entry: dict[str, Any] = {
            "bom-ref": c.purl,
            "type": "library" if c.privilege != "kernel" else "device-driver",
            "supplier": {"name": sw.vendor_names[c.vendor]},
            "name": c.name,
            "version": c.version,
            "purl": c.purl,
        }
        props = _props(privilege=c.privilege, boot_start=c.boot_start, platform=c.platforms)
        if props:
            entry["properties"] = props
        components.append(entry)
    root = {
        "bom-ref": "product",
        "type": "operating-system" if product.category == "os" else "application",
        "supplier": vendor,
        "name": product.name,
        "version": product.version,
        "purl": product.purl,
        "properties": _props(
            category=product.category,
            platform=product.platforms,
            crash_loop_guard=product.crash_loop_guard,
            update_channel=product.channel,
        ),
    }
    dependencies = [{"ref": "product", "dependsOn": [sw.components[i].purl for i in product.top]}]
    dependencies += [
        {"ref": sw.components[i].purl, "dependsOn": [sw.components[d].purl for d in deps]}
        for i in members
        if (deps := sw.components[i].deps)
    ]
    return {
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{tag}/{product.purl}')}",
        "version": 1,
        "metadata": {"timestamp": TIMESTAMP, "supplier": vendor, "component": root},
        "components": components,
        "dependencies": dependencies,
    }


def _channel_files(sw: Software) -> Iterator[tuple[int, dict[str, Any]]]:
    by_vendor: dict[int, dict[str, Any]] = {}
    for p in sw.platforms:
        doc = by_vendor.setdefault(p.vendor, {"platforms": [], "channels": []})
        platform: dict[str, Any] = {"id": p.id, "name": p.name, "kind": p.kind}
        if p.family:
            platform["family"] = p.family
        platform |= {"version": p.version, "vendor": sw.vendor_names[p.vendor]}
        doc["platforms"].append(platform)
    for ch in sw.channels:
        doc = by_vendor.setdefault(ch.vendor, {"platforms": [], "channels": []})
        updates = [{"key": u} if u.startswith("platform:") else {"purl": u} for u in ch.updates]
        entry: dict[str, Any] = {
            "id": ch.id,
            "name": f"Channel {ch.id}",
            "vendor": sw.vendor_names[ch.vendor],
        }
        if updates:
            entry["updates"] = updates
        doc["channels"].append(entry | ch.attrs)
    for vendor in sorted(by_vendor):
        doc = by_vendor[vendor]
        head: dict[str, Any] = {"name": f"{sw.vendor_names[vendor]} channels", "as_of": AS_OF}
        if not doc["platforms"]:
            del doc["platforms"]
        if not doc["channels"]:
            del doc["channels"]
        yield vendor, head | doc


def _operator(sw: Software, op: Operator) -> dict[str, Any]:
    functions = []
    for fid, critical, rto in op.functions:
        fn: dict[str, Any] = {"id": fid, "critical": critical}
        if rto is not None:
            fn["rto_hours"] = rto
        functions.append(fn)
    doc: dict[str, Any] = {
        "id": op.id,
        "name": op.name,
        "sectors": op.sectors,
        "jurisdiction": op.jurisdiction,
        "cii": op.cii,
        "functions": functions,
    }
    groups = [_yaml_group(sw, g) for g in op.host_groups if g.in_yaml]
    if groups:
        doc["host_groups"] = groups
    doc["contracts"] = [
        {"vendor": sw.vendor_names[v], "exit_plan": bool(v % 2)} for v in op.contracts
    ]
    assert all(s in SECTORS for s in op.sectors)
    return doc


def _yaml_group(sw: Software, g: HostGroup) -> dict[str, Any]:
    deployments = []
    for d in g.deployments:
        entry: dict[str, Any] = {"purl": sw.products[d.product].purl}
        if d.ring is not None:
            entry["ring"] = d.ring
        if d.pinned_version is not None:
            entry["pinned_version"] = d.pinned_version
        if d.channels is not None:
            entry["channels"] = d.channels
        deployments.append(entry)
    doc: dict[str, Any] = {
        "id": g.id,
        "platform": sw.platforms[g.platform].id,
        "host_count": g.host_count,
        "environment": g.environment,
        "functions": g.functions,
        "deployments": deployments,
    }
    if g.hosted_on:
        doc["hosted_on"] = g.hosted_on
    if g.recovery:
        doc["recovery"] = g.recovery
    return doc


def _csv_row(sw: Software, op: Operator, g: HostGroup) -> dict[str, Any]:
    def flag(value: object) -> str:
        return "" if value is None else str(value).lower()

    r = g.recovery
    return {
        "operator": op.id,
        "host_group": g.id,
        "platform": sw.platforms[g.platform].id,
        "hosted_on": ";".join(g.hosted_on),
        "host_count": g.host_count,
        "environment": g.environment,
        "functions": ";".join(g.functions),
        "products": ";".join(sw.products[d.product].purl for d in g.deployments),
        "ring": "" if g.deployments[0].ring is None else g.deployments[0].ring,
        "disk_encryption": r.get("disk_encryption", ""),
        "keys_escrowed_share": flag(r.get("keys_escrowed_share")),
        "key_escrow_host_group": r.get("key_escrow_host_group", ""),
        "key_escrow_platform": r.get("key_escrow_platform", ""),
        "oob_console": flag(r.get("oob_console")),
        "cloud_rescue_runbook": flag(r.get("cloud_rescue_runbook")),
        "automated_recovery": flag(r.get("automated_recovery")),
        "technicians": flag(r.get("technicians")),
        "as_of": AS_OF,
    }
