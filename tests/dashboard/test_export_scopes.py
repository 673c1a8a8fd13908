"""Which report scopes each role may export from the dashboard, and the file names."""

from __future__ import annotations

import networkx as nx
import pytest

from dashboard.access.demo import DEMO_OPERATORS
from dashboard.access.exports import (
    ExportScopeError,
    allowed_export_scopes,
    check_export_scope,
    export_file_name,
)
from dashboard.access.scope import Access, Role


def test_an_operator_exports_only_its_own_operators(view: nx.MultiDiGraph) -> None:
    access = Access.for_role(Role.OPERATOR, user="nw", operators=("northwind-airlines",))
    assert allowed_export_scopes(view, access) == ["operator:northwind-airlines"]


def test_a_regulator_exports_its_sectors(view: nx.MultiDiGraph) -> None:
    access = Access.for_role(Role.REGULATOR, user="r", sectors=("aviation", "banking"))
    # every NL operator of the demo estate is in aviation or banking: NL lies inside
    assert allowed_export_scopes(view, access) == [
        "sector:aviation",
        "sector:banking",
        "jurisdiction:NL",
    ]


def test_a_jurisdiction_regulator_exports_sectors_lying_wholly_inside(
    view: nx.MultiDiGraph,
) -> None:
    access = Access.for_role(Role.REGULATOR, user="r", jurisdictions=("GB",))
    allowed = allowed_export_scopes(view, access)
    assert "jurisdiction:GB" in allowed
    assert not any(s.startswith("operator:") for s in allowed)
    assert "all" not in allowed


def test_an_unrestricted_auditor_exports_everything(view: nx.MultiDiGraph) -> None:
    allowed = allowed_export_scopes(view, Access(user="a", role=Role.AUDITOR))
    assert allowed[0] == "all"
    assert {f"operator:{o}" for o in DEMO_OPERATORS} <= set(allowed)
    assert "sector:healthcare" in allowed


@pytest.mark.parametrize(
    "crafted",
    ["operator:harbor-bank", "all", "sector:aviation", "jurisdiction:GB", "", "operator:"],
)
def test_a_crafted_scope_outside_the_role_is_refused(view: nx.MultiDiGraph, crafted: str) -> None:
    access = Access.for_role(Role.OPERATOR, user="nw", operators=("northwind-airlines",))
    allowed = allowed_export_scopes(view, access)
    with pytest.raises(ExportScopeError, match="is not in your scope") as e:
        check_export_scope(crafted, allowed, access)
    assert str(e.value).endswith("you may export: operator:northwind-airlines.")


def test_scopes_are_normalised_like_the_cli(view: nx.MultiDiGraph) -> None:
    access = Access.for_role(Role.REGULATOR, user="r", sectors=("aviation",))
    allowed = allowed_export_scopes(view, access)
    assert check_export_scope(" sector:Aviation ", allowed, access) == "sector:aviation"


def test_file_names() -> None:
    assert export_file_name("sector:banking", "csv") == "riskgraph-report-sector-banking.zip"
    assert export_file_name("jurisdiction:GB", "sarif") == "riskgraph-report-jurisdiction-GB.sarif"
