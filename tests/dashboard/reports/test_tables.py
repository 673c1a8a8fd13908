"""Report tables: a subset asked by name is the same tables, rows and cells as in full."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from dashboard.reports import Report
from dashboard.reports.tables import cell, report_tables


class _Colour(StrEnum):
    RED = "red"


def test_named_tables_equal_the_full_tables(report_all: Report) -> None:
    full = {t.name: t for t in report_tables(report_all)}
    assert len(full) > 10
    wanted = {"findings", "manifest", "inputs", "no-such-table"}
    subset = report_tables(report_all, wanted)
    assert [t.name for t in subset] == [n for n in full if n in wanted]
    for table in subset:
        assert table == full[table.name]
    assert full["findings"].rows


def test_cells_keep_scalars_and_flatten_the_rest() -> None:
    assert [cell(v) for v in ("a", 1, 2.5, True, None)] == ["a", 1, 2.5, True, None]
    assert cell(_Colour.RED) is _Colour.RED  # a str subclass is kept as it was
    assert cell(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00Z"
    assert cell(date(2026, 1, 2)) == "2026-01-02"
    assert cell(("x", 1, None)) == "x; 1; None"
