"""``riskgraph``: the command line. Errors become one line on stderr here and only here."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from dashboard.access.users import UsersError
from dashboard.cli import (
    commands_dashboard,
    commands_ingest,
    commands_migrate,
    commands_posture,
    commands_report,
    commands_risk,
    commands_store,
    commands_vendors,
    fastexit,
)
from graph.risk.policy import PolicyError
from graph.risk.subject import SubjectError
from graph.store import StoreError
from ingest.source import IngestError

__all__ = ["build_parser", "entry", "main"]

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3

_EPILOG = """\
store: --store PATH, or $RISKGRAPH_STORE, else $XDG_DATA_HOME/riskgraph/riskgraph.sqlite
       (~/.local/share/riskgraph/riskgraph.sqlite). Set SOURCE_DATE_EPOCH for reproducible
       ingest timestamps.
exit status: 0 ok, 1 some input refused, 2 usage error, 3 store or internal error.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="riskgraph",
        description="Software supply-chain risk graph for critical infrastructure.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--store", metavar="PATH", help="store file (default: see below)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands_ingest.register(sub, _add_format)
    commands_store.register(sub, _add_format)
    commands_vendors.register(sub, _add_format)
    commands_risk.register(sub, _add_format)
    commands_posture.register(sub, _add_format)
    commands_report.register(sub, _add_format)
    commands_dashboard.register(sub, _add_format)
    commands_migrate.register(sub, _add_format)
    for command in sub.choices.values():  # `riskgraph stats --store X` works too
        command.add_argument(
            "--store", metavar="PATH", default=argparse.SUPPRESS, help="store file"
        )
    return parser


def _add_format(
    parser: argparse.ArgumentParser, choices: Sequence[str] = ("table", "json")
) -> None:
    parser.add_argument(
        "--format", choices=choices, default="table", help="output format (default: table)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (never raises for bad input)."""
    fastexit.release()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse already printed usage or help
        return EXIT_OK if e.code == 0 else EXIT_USAGE
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except (StoreError, IngestError, SubjectError, PolicyError, UsersError) as e:
        print(f"riskgraph: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("riskgraph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def entry() -> None:
    """Console-script entry point."""
    fastexit.finish(main())
