"""Host groups in bulk: one CSV row per host group of an operator declared elsewhere.

The columns are the fields of :class:`ingest.estate_schema.HostGroupRow` (documented in
docs/estate-formats.md). The header row names them in any order; an empty cell means
unknown. Lists (``functions``, ``products``) are separated by ``;``. The operator, its
functions and platforms are referenced by key and must exist in the store or the same
ingest batch; products are referenced by purl, like inventory deployments.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from graph.model import ParsedDocument
from graph.vocabulary import DocumentFormat
from ingest.estate_records import Records, add_host_group, refusal
from ingest.estate_schema import Deployment, HostGroup, HostGroupRow, Recovery
from ingest.input_errors import describe_error, path_of, relevant
from ingest.source import RawDocument

__all__ = ["COLUMNS", "REQUIRED_COLUMNS", "SPEC_VERSION", "parse"]

SPEC_VERSION = "riskgraph-inventory-csv/1"
COLUMNS = tuple(HostGroupRow.model_fields)
REQUIRED_COLUMNS = tuple(n for n, f in HostGroupRow.model_fields.items() if f.is_required())


def parse(raw: RawDocument, fmt: DocumentFormat, payload: Any) -> ParsedDocument:
    """Read host-group rows; ``payload`` is the decoded CSV text."""
    reader = csv.reader(io.StringIO(str(payload), newline=""))
    header = [cell.strip().lower() for cell in next(reader, [])]
    _check_header(raw, header)
    rows: list[tuple[int, HostGroupRow]] = []
    problems: list[str] = []
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(f"line {line}: {len(cells)} cells, the header has {len(header)}")
            continue
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        try:
            rows.append((line, HostGroupRow.model_validate({k: v for k, v in values.items() if v})))
        except ValidationError as e:
            problems += [
                f"line {line}: {path_of(err['loc'])}: "
                + ("required cell is empty" if err["type"] == "missing" else describe_error(err))
                for err in relevant(e.errors(include_url=False))
            ]
    problems += _duplicates(rows)
    if not rows and not problems:
        problems.append("no host-group rows after the header")
    dates = {row.as_of for _, row in rows}
    if len(dates) > 1:
        problems.append("as_of: rows disagree (give one date in every row, or none)")
    if problems:
        raise refusal(raw, problems)
    records = Records(raw)
    for line, row in rows:
        at = f"line {line}"
        add_host_group(records, row.operator, _host_group(row), at, sub=_cell_location(at))
    operators = sorted({row.operator for _, row in rows})
    return records.build(
        fmt=fmt,
        spec_version=SPEC_VERSION,
        name="host groups: " + ", ".join(operators),
        lineage=f"inventory-csv:{','.join(operators)}",
        created=dates.pop(),
    )


def _check_header(raw: RawDocument, header: list[str]) -> None:
    problems = []
    for name in header:
        if name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"line 1: unknown column {name!r}{hint}")
    problems += [
        f"line 1: column {n!r} appears twice" for n in sorted(set(header)) if header.count(n) > 1
    ]
    problems += [f"line 1: missing column {n!r}" for n in REQUIRED_COLUMNS if n not in header]
    if problems:
        raise refusal(raw, problems)


def _duplicates(rows: list[tuple[int, HostGroupRow]]) -> list[str]:
    seen: dict[tuple[str, str], int] = {}
    out = []
    for line, row in rows:
        ident = (row.operator, row.host_group)
        if ident in seen:
            out.append(
                f"line {line}: host_group: duplicate id {row.host_group!r} of operator "
                f"{row.operator!r} (also at line {seen[ident]})"
            )
        else:
            seen[ident] = line
    return out


def _cell_location(at: str) -> Callable[[str], str]:
    """``line 3: products[1]`` for what the YAML model calls ``deployments[1]``."""

    def location(field: str) -> str:
        column = field.removeprefix("recovery.").replace("deployments[", "products[")
        return f"{at}: {column}"

    return location


def _host_group(row: HostGroupRow) -> HostGroup:
    return HostGroup(
        id=row.host_group,
        name=row.name,
        platform=row.platform,
        platform_version=row.platform_version,
        hosted_on=row.hosted_on,
        host_count=row.host_count,
        environment=row.environment,
        functions=row.functions,
        recovery=Recovery(
            disk_encryption=row.disk_encryption,
            keys_escrowed_share=row.keys_escrowed_share,
            key_escrow_host_group=row.key_escrow_host_group,
            key_escrow_platform=row.key_escrow_platform,
            oob_console=row.oob_console,
            cloud_rescue_runbook=row.cloud_rescue_runbook,
            automated_recovery=row.automated_recovery,
            technicians=row.technicians,
            playbook_tested=row.playbook_tested,
        ),
        deployments=tuple(Deployment(purl=purl, ring=row.ring) for purl in row.products),
    )
