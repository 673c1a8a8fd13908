"""Dashboard settings, read from the environment ``riskgraph dashboard`` sets."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dashboard.cli.settings import max_bytes_from_env
from graph.store.sqlite import default_store_path

__all__ = ["LOOPBACK", "DashboardSettings", "default_users_path", "is_loopback", "settings"]

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_MIN_COHORT = 3


@dataclass(frozen=True)
class DashboardSettings:
    store: str
    """The store location, as ``--store`` takes it (a path)."""
    users_file: Path | None
    """None: no users configured (local single-user mode, loopback only)."""
    policy_file: Path | None
    min_cohort: int
    max_upload_bytes: int


def default_users_path() -> Path:
    """``$XDG_CONFIG_HOME/riskgraph/users.json`` (``~/.config/riskgraph/users.json``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "riskgraph" / "users.json"


def settings() -> DashboardSettings:
    """``$RISKGRAPH_STORE``, ``$RISKGRAPH_USERS`` (else the default users file when it
    exists), ``$RISKGRAPH_POLICY``, ``$RISKGRAPH_MIN_COHORT``, ``$RISKGRAPH_MAX_FILE_BYTES``."""
    store = os.environ.get("RISKGRAPH_STORE") or str(default_store_path())
    users_env = os.environ.get("RISKGRAPH_USERS")
    users = Path(users_env) if users_env else default_users_path()
    policy = os.environ.get("RISKGRAPH_POLICY")
    cohort = os.environ.get("RISKGRAPH_MIN_COHORT", "")
    return DashboardSettings(
        store=store,
        users_file=users if users_env or users.is_file() else None,
        policy_file=Path(policy) if policy else None,
        min_cohort=int(cohort) if cohort.isdigit() else DEFAULT_MIN_COHORT,
        max_upload_bytes=max_bytes_from_env(),
    )


def is_loopback(address: str | None) -> bool:
    """Streamlit with no ``server.address`` listens on every interface: not loopback."""
    return bool(address) and (address in LOOPBACK or str(address).startswith("127."))
