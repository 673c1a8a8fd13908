"""The concentration section's rows, built without revalidation, equal validated rows; the
section of the layer summaries equals the section of the full concentration report."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from dashboard.reports import Report
from dashboard.reports.model import LayerRow, ShareRow
from dashboard.reports.sections_risk import concentration_section
from graph.risk.concentration import concentration_report, concentration_summary
from tests.graph.risk.test_concentration_table import _estate


def _same(built: BaseModel, expected: BaseModel) -> None:
    assert type(built) is type(expected)
    assert built == expected
    assert list(vars(built)) == list(vars(expected))
    assert built.model_fields_set == expected.model_fields_set
    assert built.model_dump_json() == expected.model_dump_json()


@pytest.mark.parametrize("model", [LayerRow, ShareRow])
def test_row_models_have_what_trusted_row_relies_on(model: type[BaseModel]) -> None:
    assert not model.__pydantic_post_init__
    assert model.model_config.get("extra") != "allow"
    for field in model.model_fields.values():
        assert field.alias is None and field.validation_alias is None


def test_layer_and_share_rows_equal_validated_rows(report_all: Report) -> None:
    section = report_all.concentration
    assert section.layers and section.shares
    for row in (*section.layers, *section.shares):
        _same(row, type(row).model_validate(row.model_dump()))


def test_the_section_of_the_summary_equals_the_section_of_the_report() -> None:
    view = _estate(
        [
            (0, 10, True, [(0, 0), (1, 1), (2, 0)]),
            (1, 4, True, [(0, 0), (None, 1)]),
            (2, 3, False, [(3, 2)]),
        ]
    )
    full = concentration_section(concentration_report(view, intersection_scopes=()))
    summary = concentration_section(concentration_summary(view))
    assert summary.model_dump_json() == full.model_dump_json()
    assert summary.layers and summary.shares and summary.heat_map
