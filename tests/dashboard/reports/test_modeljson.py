"""JSON written from the report models equals JSON written from their ``model_dump``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import BaseModel, field_serializer

from dashboard.reports import Report
from dashboard.reports.integrity import canonical_bytes, report_canonical_bytes
from dashboard.reports.jsonbytes import stdlib_json_bytes
from dashboard.reports.model import Period, ReportScope
from dashboard.reports.modeljson import model_json_bytes


def _dump_path(model: BaseModel, *, indent: bool, sort_keys: bool, omit: str = "") -> bytes:
    body = model.model_dump(mode="json")
    body.pop(omit, None)
    return stdlib_json_bytes(body, indent=indent, sort_keys=sort_keys)


@pytest.mark.parametrize("scope", ["all", "operator:harbor-bank"])
@pytest.mark.parametrize(("indent", "sort_keys"), [(True, False), (False, True)])
def test_demo_report_bytes_equal_the_dump_path(
    make_report: Callable[[str], Report], scope: str, indent: bool, sort_keys: bool
) -> None:
    report = make_report(scope)
    expected = _dump_path(report, indent=indent, sort_keys=sort_keys)
    assert model_json_bytes(report, indent=indent, sort_keys=sort_keys) == expected


def test_canonical_bytes_of_the_report_are_those_of_its_dump(report_all: Report) -> None:
    assert report_canonical_bytes(report_all) == canonical_bytes(report_all.model_dump(mode="json"))


class _Dated(BaseModel):
    at: datetime
    on: date
    naive: datetime
    values: tuple[float, ...]
    label: str


class _Custom(BaseModel):
    """A model whose dump is not its ``__dict__``: written through the dump path."""

    hidden: int
    shown: str

    @field_serializer("hidden")
    def _double(self, value: int) -> int:
        return value * 2


class _Outer(BaseModel):
    inner: _Custom
    small: float


DATED = _Dated(
    at=datetime(2026, 1, 1, 12, 30, 5, 1234, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
    on=date(2026, 2, 3),
    naive=datetime(2025, 12, 31, 23, 59, 59),
    values=(0.1, 1e16, -0.0, 2.5),
    label="é \u2028 \U0001f600",
)


@pytest.mark.parametrize(
    "model",
    [
        DATED,
        Period(
            as_of=date(2026, 1, 1),
            generated_at=datetime(2026, 1, 1, tzinfo=UTC),
            inputs_created_from=None,
            inputs_created_to=datetime(2025, 1, 1, 8, tzinfo=UTC),
            inputs_ingested_from=datetime(2025, 1, 1, 8, 0, 0, 500000),
            inputs_ingested_to=None,
        ),
        _Outer(inner=_Custom(hidden=21, shown="x"), small=0.5),  # a serialiser
        _Outer(inner=_Custom(hidden=1, shown="y"), small=1e-05),  # a float orjson writes apart
        ReportScope(kind="all", role="admin", label="all"),
    ],
)
@pytest.mark.parametrize(("indent", "sort_keys"), [(True, False), (False, True), (False, False)])
def test_models_equal_the_dump_path(model: BaseModel, indent: bool, sort_keys: bool) -> None:
    assert model_json_bytes(model, indent=indent, sort_keys=sort_keys) == _dump_path(
        model, indent=indent, sort_keys=sort_keys
    )


def test_omitted_key_is_left_out() -> None:
    out = model_json_bytes(DATED, sort_keys=True, omit="label")
    assert out == _dump_path(DATED, indent=False, sort_keys=True, omit="label")
    assert b"label" not in out
    assert b'"hidden":42' in model_json_bytes(_Outer(inner=_Custom(hidden=21, shown="x"), small=1))


def test_demo_report_is_written_without_a_dump(
    report_all: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _dump_path(report_all, indent=True, sort_keys=False)

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("dumped")

    monkeypatch.setattr(BaseModel, "model_dump", refuse)
    assert model_json_bytes(report_all, indent=True) == expected
