"""Tables that download: every table on every page offers CSV and JSON of its rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import BaseModel

__all__ = ["frame", "table"]


def frame(
    rows: Iterable[BaseModel | Mapping[str, Any]], columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Rows (models or dicts) as a DataFrame; lists become ``a; b``, enums their value."""
    records = [r.model_dump(mode="json") if isinstance(r, BaseModel) else dict(r) for r in rows]
    flat = [{k: _cell(v) for k, v in rec.items()} for rec in records]
    return pd.DataFrame(flat, columns=list(columns) if columns else None)


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "; ".join(str(_cell(v)) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={_cell(v)}" for k, v in value.items())
    return getattr(value, "value", value)


def table(
    df: pd.DataFrame,
    name: str,
    *,
    key: str,
    select: bool = False,
    height: int | None = None,
) -> int | None:
    """Show ``df`` with CSV and JSON downloads; with ``select``, the picked row's index."""
    options: dict[str, Any] = {"hide_index": True, "key": key}
    if height is not None:
        options["height"] = height
    picked: int | None = None
    if select:
        state = st.dataframe(df, on_select="rerun", selection_mode="single-row", **options)
        rows = state.selection.rows
        picked = int(rows[0]) if rows else None
    else:
        st.dataframe(df, **options)
    left, right, _ = st.columns([1, 1, 6])
    left.download_button(
        "CSV",
        data=lambda: df.to_csv(index=False),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}-csv",
        on_click="ignore",
        icon=":material/download:",
    )
    right.download_button(
        "JSON",
        data=lambda: df.to_json(orient="records", indent=2),
        file_name=f"{name}.json",
        mime="application/json",
        key=f"{key}-json",
        on_click="ignore",
        icon=":material/download:",
    )
    return picked
