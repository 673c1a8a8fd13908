"""Estate inventories (YAML; CSV rows of host groups are read by ``ingest.inventory_csv``).

An inventory says who runs the software: operators and their sectors, critical
functions with recovery time objectives, host groups (platform, host count, environment,
recovery posture, the operator's own update rings), deployments of products on host
groups, and contracts with vendors. The format is :class:`ingest.estate_schema.Inventory`,
documented in docs/estate-formats.md.

Deployments name products the way people know them (purl, name and version, SBOM serial
number); they become :class:`~graph.model.Reference` records that ``ingest.resolve``
turns into RUNS edges against the SBOMs in the store and in the same ingest batch.
"""

from __future__ import annotations

from typing import Any

from graph.keys import key_for
from graph.model import (
    ContractNode,
    DataQualityFinding,
    FunctionNode,
    OperatorNode,
    ParsedDocument,
    SectorNode,
)
from graph.vocabulary import DocumentFormat, EdgeKind, NodeKind, Severity
from ingest.estate_records import Records, add_host_group, refusal, sector_key, validated
from ingest.estate_schema import Inventory, Operator, inventory_problems
from ingest.source import RawDocument

__all__ = ["SPEC_VERSION", "parse"]

SPEC_VERSION = "riskgraph-inventory/1"


def parse(raw: RawDocument, fmt: DocumentFormat, payload: Any) -> ParsedDocument:
    """Read an inventory YAML mapping (or, for CSV, delegate to ``ingest.inventory_csv``)."""
    if fmt is DocumentFormat.INVENTORY_CSV:
        from ingest import inventory_csv  # noqa: PLC0415 - one entry point per format family

        return inventory_csv.parse(raw, fmt, payload)
    inventory = validated(raw, Inventory, payload)
    problems = inventory_problems(inventory)
    if problems:
        raise refusal(raw, problems)
    records = Records(raw)
    for i, platform in enumerate(inventory.platforms):
        records.platform(platform, f"platforms[{i}]")
    for i, operator in enumerate(inventory.operators):
        _operator(records, operator, f"operators[{i}]")
    ids = sorted(op.id for op in inventory.operators)
    findings: tuple[DataQualityFinding, ...] = ()
    if inventory.as_of is None:
        findings = (
            DataQualityFinding(
                document_id=raw.document_id,
                severity=Severity.LOW,
                code="DQ-NO-AS-OF",
                message="no as_of date: a newer version of this inventory cannot be told "
                "from an older one",
                location="as_of",
            ),
        )
    return records.build(
        fmt=fmt,
        spec_version=SPEC_VERSION,
        name=inventory.name or "inventory: " + ", ".join(op.name for op in inventory.operators),
        lineage=f"inventory:{','.join(ids)}",
        created=inventory.as_of,
        findings=findings,
    )


def _operator(records: Records, operator: Operator, at: str) -> None:
    provenance = records.raw.provenance
    key = key_for(NodeKind.OPERATOR, operator.id)
    sectors = []
    for j, sector in enumerate(operator.sector_names):
        where = f"{at}.sector" if operator.sector is not None else f"{at}.sectors[{j}]"
        sectors.append(
            records.node(
                SectorNode(key=sector_key(sector), name=sector, provenance=provenance(where))
            )
        )
        records.edge(key, EdgeKind.IN_SECTOR, sectors[-1], where)
    records.node(
        OperatorNode(
            key=key,
            name=operator.name,
            sectors=tuple(sectors),
            jurisdictions=operator.jurisdiction_codes,
            cii=operator.cii,
            size=operator.size,
            size_unit=operator.size_unit,
            provenance=provenance(at),
        )
    )
    for j, function in enumerate(operator.functions):
        where = f"{at}.functions[{j}]"
        function_key = records.node(
            FunctionNode(
                key=key_for(NodeKind.FUNCTION, f"{operator.id}/{function.id}"),
                name=function.name or function.id,
                operator=key,
                critical=function.critical,
                rto_hours=function.rto_hours,
                provenance=provenance(where),
            )
        )
        records.edge(key, EdgeKind.OPERATES, function_key, where)
    for j, group in enumerate(operator.host_groups):
        add_host_group(records, operator.id, group, f"{at}.host_groups[{j}]")
    for j, contract in enumerate(operator.contracts):
        where = f"{at}.contracts[{j}]"
        vendor = records.vendor(contract.vendor, f"{where}.vendor")
        contract_key = records.node(
            ContractNode(
                key=key_for(NodeKind.CONTRACT, f"{operator.id}/{contract.effective_id}"),
                name=f"{operator.name} / {contract.vendor}",
                operator=key,
                vendor=vendor,
                exit_plan=contract.exit_plan,
                exit_tested=contract.exit_tested.isoformat() if contract.exit_tested else None,
                substitutability=contract.substitutability,
                notification_clause=contract.notification_clause,
                provenance=provenance(where),
            )
        )
        records.edge(key, EdgeKind.CONTRACTS, contract_key, where)
        records.edge(contract_key, EdgeKind.SUPPLIED_BY, vendor, f"{where}.vendor", role="supplier")
