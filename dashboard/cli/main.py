"""``riskgraph``: the command line. Errors become one line on stderr here and only here."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from dashboard.cli import fastexit
from graph.gcpause import paused_gc

__all__ = ["build_parser", "entry", "main"]

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3

_EPILOG = """\
store: --store PATH, or $RISKGRAPH_STORE, else $XDG_DATA_HOME/riskgraph/riskgraph.sqlite
       (~/.local/share/riskgraph/riskgraph.sqlite). Set SOURCE_DATE_EPOCH for reproducible
       ingest timestamps.
exit status: 0 ok, 1 some input refused, 2 usage error, 3 store or internal error.
"""


_MODULES = (
    "commands_ingest",
    "commands_store",
    "commands_vendors",
    "commands_risk",
    "commands_posture",
    "commands_report",
    "commands_dashboard",
    "commands_migrate",
)
"""The modules of ``dashboard.cli`` whose ``register`` adds the commands, in help order."""
_ALONE = {"report": "commands_report"}
"""Commands whose module is registered alone when the command line names them: the other
modules' imports (the dashboard's users, rich, the ingest schema) are not needed."""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of ``command`` alone when it is in :data:`_ALONE`
    (the same arguments, help and errors for that command)."""
    parser = argparse.ArgumentParser(
        prog="riskgraph",
        description="Software supply-chain risk graph for critical infrastructure.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--store", metavar="PATH", help="store file (default: see below)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    alone = _ALONE.get(command or "")
    for name in (alone,) if alone else _MODULES:
        importlib.import_module(f"dashboard.cli.{name}").register(sub, _add_format)
    for each in sub.choices.values():  # `riskgraph stats --store X` works too
        each.add_argument("--store", metavar="PATH", default=argparse.SUPPRESS, help="store file")
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
    try:
        with paused_gc():  # the commands' imports: ~0.5 s, long-lived objects, no garbage
            parser = build_parser(_command(sys.argv[1:] if argv is None else argv))
            args = parser.parse_args(argv)
    except SystemExit as e:  # argparse already printed usage or help
        return EXIT_OK if e.code == 0 else EXIT_USAGE
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except _handled() as e:
        print(f"riskgraph: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("riskgraph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _command(argv: Sequence[str]) -> str | None:
    """The command word of ``argv``: its first argument that is neither an option nor the
    value of the global ``--store``; None when there is none or help comes first."""
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help"):
            return None
        if word == "--store":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _handled() -> tuple[type[Exception], ...]:
    """The errors that become one line: the store's, ingest's, the risk engine's and,
    when a command imported that module, the dashboard users'. Imported here, when an
    error is raised, not with the CLI: a command that does not import them pays nothing."""
    from graph.risk.policy import PolicyError  # noqa: PLC0415
    from graph.risk.subject import SubjectError  # noqa: PLC0415
    from graph.store import StoreError  # noqa: PLC0415
    from ingest.source import IngestError  # noqa: PLC0415

    known: tuple[type[Exception], ...] = (StoreError, IngestError, SubjectError, PolicyError)
    users = sys.modules.get("dashboard.access.users")
    return known if users is None else (*known, users.UsersError)


def entry() -> None:
    """Console-script entry point."""
    fastexit.finish(main())
