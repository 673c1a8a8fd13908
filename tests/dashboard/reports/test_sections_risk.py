"""The concentration section's rows, built without revalidation, equal validated rows; the
section of the layer summaries equals the section of the full concentration report."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from dashboard.reports import Report
from dashboard.reports.model import EstateSection, LayerRow, ShareRow
from dashboard.reports.sections_risk import concentration_section, estate_section, operator_rows
from graph.estate import estate_figures
from graph.risk.concentration import concentration_report, concentration_summary
from graph.store import open_store
from graph.vendors_rows import store_canonical_view
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


_KINDS = ["Operator", "HostGroup", "Function", "Component", "Product", "Sector", "Vendor"]
_NODE = st.fixed_dictionaries(
    {
        "kind": st.sampled_from([*_KINDS, "UpdateChannel", "Other"]),
        "placeholder": st.sampled_from([None, False, True]),
        "host_count": st.sampled_from([None, 0, 7, -3, True, 2.5, "7"]),
        "operator": st.sampled_from([None, "", "operator:a", "operator:b"]),
        "critical": st.sampled_from([None, True, False, 0]),
        "privilege": st.sampled_from([None, "kernel", "boot-start-driver", "user"]),
        "sectors": st.sampled_from([None, (), ("energy", "banking")]),
        "cii": st.sampled_from([None, True]),
    }
)


@settings(max_examples=80, deadline=None)
@given(nodes=st.lists(_NODE, max_size=12))
def test_the_estate_section_equals_estate_figures_and_operator_rows(nodes: list[dict]) -> None:
    view = nx.MultiDiGraph()
    view.add_node("operator:b", kind="Operator", name="B", jurisdictions=("NL", "DE"))
    view.add_node("operator:a", kind="Operator", cii=True)
    for i, attrs in enumerate(nodes):
        view.add_node(f"n{i}", **{k: v for k, v in attrs.items() if v is not None})
    section = estate_section(view)
    assert section == EstateSection(figures=estate_figures(view), operators=operator_rows(view))
    assert list(section.figures) == list(estate_figures(view))


def test_the_demo_estate_section_equals_estate_figures_and_operator_rows(
    report_store: Path,
) -> None:
    store = open_store(str(report_store))
    try:
        view = store_canonical_view(store)
    finally:
        store.close()
    section = estate_section(view)
    assert section == EstateSection(figures=estate_figures(view), operators=operator_rows(view))
    assert section.operators and section.figures["hosts"] > 0
