"""Settings the CLI reads from the environment."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from graph.store.interface import Clock, system_clock
from ingest.pipeline import DEFAULT_MAX_BYTES

__all__ = ["clock_from_env", "max_bytes_from_env"]


def max_bytes_from_env() -> int:
    """``$RISKGRAPH_MAX_FILE_BYTES`` or the pipeline default (256 MiB)."""
    value = os.environ.get("RISKGRAPH_MAX_FILE_BYTES", "")
    return int(value) if value.isdigit() else DEFAULT_MAX_BYTES


def clock_from_env() -> Clock:
    """A fixed clock when SOURCE_DATE_EPOCH is set (reproducible output), else wall time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        fixed = datetime.fromtimestamp(int(epoch), UTC)
        return lambda: fixed
    return system_clock
