"""``riskgraph users`` and ``riskgraph dashboard``: sign-in data and the bind rule."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dashboard.access.users import load_users
from dashboard.cli import commands_dashboard
from tests.conftest import run_cli


def test_users_add_list_remove(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    users = tmp_path / "users.json"
    monkeypatch.setattr("sys.stdin", io.StringIO("correct-horse\n"))
    added = run_cli(
        "users", "add", "nw-ops", "--role", "operator", "--operators", "northwind-airlines",
        "--users", str(users), "--password-stdin",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert "nw-ops (operator: northwind-airlines)" in added.out
    listed = run_cli("users", "list", "--users", str(users))
    assert "nw-ops" in listed.out and "operator: northwind-airlines" in listed.out
    monkeypatch.setattr("sys.stdin", io.StringIO("correct-horse\n"))
    again = run_cli(
        "users", "add", "nw-ops", "--role", "auditor", "--users", str(users), "--password-stdin"
    )
    assert again.code == 3
    assert again.err == f"riskgraph: {users}: user nw-ops exists (use --replace to change it)\n"
    assert run_cli("users", "remove", "nw-ops", "--users", str(users)).code == 0
    assert load_users(users).users == ()


def test_users_add_demo_writes_every_documented_user(tmp_path: Path) -> None:
    users = tmp_path / "demo.json"
    result = run_cli("users", "add-demo", "--users", str(users))
    assert result.code == 0
    names = {u.name for u in load_users(users).users}
    assert {"admin", "auditor", "regulator", "northwind-airlines", "freshmart"} <= names


def test_serving_beyond_loopback_without_users_is_refused(
    demo_store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("RISKGRAPH_USERS", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no default users file either
    result = run_cli("--store", str(demo_store), "dashboard", "--host", "0.0.0.0")
    assert result.code == 2
    assert result.err.startswith("riskgraph: refusing to serve on 0.0.0.0 without users")
    assert result.err.count("\n") == 1


def test_serving_needs_a_store(tmp_path: Path) -> None:
    result = run_cli("--store", str(tmp_path / "none.sqlite"), "dashboard")
    assert result.code == 3
    assert "no store here yet" in result.err


def test_dashboard_prints_its_address_and_serves_on_loopback_by_default(
    demo_store: Path, demo_users: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[list[str], dict[str, str]]] = []
    monkeypatch.setattr(
        commands_dashboard, "run_server", lambda command, env: calls.append((command, env)) or 0
    )
    result = run_cli("--store", str(demo_store), "dashboard", "--users", str(demo_users))
    assert result.code == 0
    assert result.out.startswith("riskgraph dashboard: http://127.0.0.1:8501 ")
    ((command, env),) = calls
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert env["RISKGRAPH_STORE"] == str(demo_store)
    assert env["RISKGRAPH_USERS"] == str(demo_users)
