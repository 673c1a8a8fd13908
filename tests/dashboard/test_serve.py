"""The server process's Streamlit options: no collection of the whole heap after each
script run, no magic (no page writes a bare expression, so none needs it)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.web import cli

from dashboard import serve
from dashboard.ui.pages import PAGES

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"


def test_the_runner_flags_come_before_the_callers_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(serve, "PRELOAD", ())
    monkeypatch.setattr(cli, "main", lambda args, **_: calls.append(args))
    assert serve.main(["--server.port", "8599"]) == 0
    assert calls == [["run", str(serve.SERVER), *serve.RUNNER_FLAGS, "--server.port", "8599"]]
    flags = dict(zip(serve.RUNNER_FLAGS[::2], serve.RUNNER_FLAGS[1::2], strict=True))
    assert flags == {"--runner.postScriptGC": "false", "--runner.magicEnabled": "false"}


def _magic_writes(path: Path) -> list[int]:
    """Lines of the expression statements magic would turn into ``st.write`` calls."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            for i, stmt in enumerate(body if isinstance(body, list) else []):
                if not isinstance(stmt, ast.Expr) or isinstance(stmt.value, ast.Call):
                    continue
                docstring = i == 0 and field == "body" and isinstance(stmt.value, ast.Constant)
                if not docstring and not isinstance(stmt.value, ast.Await | ast.Yield):
                    lines.append(stmt.lineno)
    return lines


def test_no_page_script_relies_on_magic(tmp_path: Path) -> None:
    scripts = [DASHBOARD / "app.py", *(DASHBOARD / p.script for p in PAGES)]
    assert {path: _magic_writes(path) for path in scripts} == {path: [] for path in scripts}
    written = tmp_path / "page.py"  # the check itself finds what magic would write
    written.write_text('"""doc"""\nx = 1\nx\n"shown"\nprint(x)\n', encoding="utf-8")
    assert _magic_writes(written) == [3, 4]
