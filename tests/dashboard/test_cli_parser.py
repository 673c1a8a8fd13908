"""The command line's parser: a command registered alone parses as in the full parser."""

from __future__ import annotations

import argparse

import pytest

from dashboard.cli.main import _command, build_parser, main


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["report", "--scope", "all"], "report"),
        (["--store", "report", "stats"], "stats"),
        (["--store=x.sqlite", "report"], "report"),
        (["-h", "report"], None),
        (["--store"], None),
        ([], None),
    ],
)
def test_command_word(argv: list[str], command: str | None) -> None:
    assert _command(argv) == command


def test_report_alone_has_the_full_parsers_arguments() -> None:
    alone, full = _commands(build_parser("report")), _commands(build_parser())
    assert list(alone) == ["report"]
    assert {"report", "ingest", "stats", "dashboard", "migrate"} <= set(full)
    assert alone["report"].format_help() == full["report"].format_help()
    assert build_parser("report").parse_args(
        ["report", "--store", "s.sqlite", "--format", "json", "--out", "r.json"]
    ) == build_parser().parse_args(
        ["report", "--store", "s.sqlite", "--format", "json", "--out", "r.json"]
    )


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert main(["-h", "report"]) == 0
    out = capsys.readouterr().out
    assert "ingest" in out
    assert "dashboard" in out


def test_report_usage_error_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--format", "docx"]) == 2
    assert "invalid choice: 'docx'" in capsys.readouterr().err
