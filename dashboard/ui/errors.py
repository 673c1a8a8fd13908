"""The one place the dashboard turns an error into the user's one line (as the CLI's
``main`` does): no traceback ever reaches the page for bad input."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from dashboard.access.users import UsersError
from graph.risk.policy import PolicyError
from graph.risk.subject import SubjectError
from graph.store import StoreError
from ingest.source import IngestError

__all__ = ["USER_ERRORS", "one_line"]

USER_ERRORS: tuple[type[Exception], ...] = (
    StoreError,
    IngestError,
    SubjectError,
    PolicyError,
    UsersError,
)


@contextmanager
def one_line() -> Iterator[None]:
    """Show a user-facing error as one line and stop the page run."""
    try:
        yield
    except USER_ERRORS as e:
        st.error(f"riskgraph: {e}")
        st.stop()
