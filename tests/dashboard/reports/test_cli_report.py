"""``riskgraph report`` and ``riskgraph report verify`` through ``main(argv)``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.cli import fastexit
from tests.conftest import run_cli
from tests.dashboard.reports.conftest import EPOCH


@pytest.fixture(autouse=True)
def _clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def test_report_then_verify(report_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    store = ("--store", str(report_store))
    made = run_cli(*store, "report", "--scope", "sector:energy", "--out", str(out))
    assert made.code == 0, made.err
    assert "wrote json report of sector:energy" in made.out
    checked = run_cli(*store, "report", "verify", str(out))
    assert checked.code == 0, checked.out + checked.err
    assert "holds" in checked.out
    as_json = run_cli(*store, "report", "verify", str(out), "--format", "json")
    assert json.loads(as_json.out)["holds"] is True


def test_same_command_twice_gives_identical_files(report_store: Path, tmp_path: Path) -> None:
    for name in ("a.zip", "b.zip"):
        result = run_cli("--store", str(report_store), "report", "--out", str(tmp_path / name))
        assert result.code == 0, result.err
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "--scope", "operator:nobody", "--out", "x.json"], "no operator"),
        (["report", "--scope", "all"], "--out PATH is required"),
        (["report", "--out", "report.txt"], "cannot tell the format"),
        (["report", "verify"], "name the report file"),
        (["report", "verify", "missing.json"], "missing.json: cannot read"),
    ],
)
def test_bad_invocations_say_what_is_wrong(
    report_store: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("--store", str(report_store), *argv)
    assert result.code == 3
    assert message in result.err
    assert "Traceback" not in result.err


def test_schema_publishes_the_report(report_store: Path) -> None:
    result = run_cli("schema", "report")
    schema = json.loads(result.out)
    assert result.code == 0
    assert {"manifest", "integrity", "controls", "methodology"} <= set(schema["properties"])


def test_console_process_exits_at_once_with_output_flushed(
    report_store: Path, tmp_path: Path
) -> None:
    """The real process (stdout a pipe, so block-buffered) still prints its line and leaves
    the same complete file as an in-process run, though it ends with ``os._exit``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["SOURCE_DATE_EPOCH"] = EPOCH
    out = tmp_path / "p.json"
    argv = ["--store", str(report_store), "report", "--scope", "sector:energy", "--out"]
    done = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *argv, str(out)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "wrote json report of sector:energy" in done.stdout
    same = tmp_path / "q.json"
    assert run_cli(*argv, str(same)).code == 0
    assert out.read_bytes() == same.read_bytes()


def test_finish_exits_normally_when_nothing_was_kept() -> None:
    fastexit.release()
    with pytest.raises(SystemExit) as ended:
        fastexit.finish(3)
    assert ended.value.code == 3
