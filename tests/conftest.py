"""Shared fixtures: the public corpus beside the checkout, and CLI runs in-process."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dashboard.cli.main import main

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
ASSETS = Path(__file__).resolve().parent / "assets"


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(*argv: str) -> CliResult:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run the CLI in-process against a fresh store in tmp_path."""
    monkeypatch.setenv("RISKGRAPH_STORE", str(tmp_path / "store.sqlite"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1721362140")  # 2024-07-19T04:09:00Z
    return run_cli


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the SBOM corpus must be beside the checkout at {CORPUS}")
    return CORPUS
