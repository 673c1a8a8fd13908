"""Rows built by trusted_row are the rows model_construct and validation build."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from dashboard.reports import Report
from dashboard.reports.model import EvidenceRow, ReportFinding, RiskRemovedRow, SourceRef
from dashboard.reports.trusted import trusted_row


def _fields(row: BaseModel) -> dict[str, Any]:
    return {name: getattr(row, name) for name in type(row).model_fields}


def _same(built: BaseModel, expected: BaseModel) -> None:
    assert type(built) is type(expected)
    assert built == expected
    assert list(vars(built)) == list(vars(expected))
    assert built.model_fields_set == expected.model_fields_set
    assert built.__pydantic_extra__ == expected.__pydantic_extra__
    assert built.__pydantic_private__ == expected.__pydantic_private__
    assert built.model_dump(mode="json") == expected.model_dump(mode="json")
    assert built.model_dump_json() == expected.model_dump_json()


@pytest.mark.parametrize("model", [SourceRef, EvidenceRow, RiskRemovedRow, ReportFinding])
def test_row_models_have_what_trusted_row_relies_on(model: type[BaseModel]) -> None:
    assert not model.__pydantic_post_init__
    assert model.model_config.get("extra") != "allow"
    for field in model.model_fields.values():
        assert field.alias is None and field.validation_alias is None


def test_the_report_findings_rebuilt_by_trusted_row_equal_the_validated_ones(
    report_all: Report,
) -> None:
    findings = report_all.controls.findings
    assert findings and any(f.risk_removed for f in findings)
    for finding in findings:
        validated = ReportFinding.model_validate(finding.model_dump())
        _same(finding, validated)
        _same(trusted_row(ReportFinding, _fields(finding)), validated)
        for row in finding.evidence:
            _same(
                trusted_row(EvidenceRow, _fields(row)), EvidenceRow.model_validate(row.model_dump())
            )
            for source in row.sources:
                _same(
                    trusted_row(SourceRef, _fields(source)),
                    SourceRef.model_construct(**_fields(source)),
                )


def test_a_copy_of_a_trusted_row_has_its_own_fields_set() -> None:
    row = trusted_row(SourceRef, {"document_id": "doc-1", "location": None})
    copy = row.model_copy(update={"location": "/a"})
    assert copy.location == "/a" and row.location is None
    assert row.model_fields_set == {"document_id", "location"}
