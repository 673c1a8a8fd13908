"""``riskgraph dashboard`` (serve the Streamlit app) and ``riskgraph users`` (sign-in)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from dashboard.access.demo import DEMO_PASSWORD, write_demo_users
from dashboard.access.lockout import clear_failures, lockout_path
from dashboard.access.scope import Role
from dashboard.access.users import UsersError, add_user, load_users, remove_user
from dashboard.cli.output import render_table
from dashboard.ui.settings import default_users_path, is_loopback
from graph.store import StoreError, open_store
from graph.store.sqlite import default_store_path

__all__ = ["register", "server_command", "streamlit_flags"]

AddFormat = Callable[..., None]


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], add_format: AddFormat
) -> None:
    del add_format
    p = sub.add_parser(
        "dashboard",
        help="serve the dashboard (Streamlit) on 127.0.0.1 and print its address",
        description="Serve the dashboard. On 127.0.0.1 without a users file it runs as one "
        "local admin; any other address needs --users (sign-in with roles).",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.add_argument(
        "--users",
        type=Path,
        help="users file (default: $RISKGRAPH_USERS or "
        "~/.config/riskgraph/users.json when it exists)",
    )
    p.add_argument("--policy", type=Path, help="YAML file overriding policy fields")
    p.set_defaults(handler=_serve)

    users = sub.add_parser("users", help="dashboard users: add, list, remove, unlock")
    users.add_argument("--users", type=Path, help="users file (default as for dashboard)")
    actions = users.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="add a user (password from a prompt, or one line on stdin with --password-stdin)",
    )
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--operators", nargs="+", default=[], metavar="ID", help="operator ids")
    add.add_argument("--sectors", nargs="+", default=[], metavar="ID", help="supervised sectors")
    add.add_argument("--jurisdictions", nargs="+", default=[], metavar="CODE", help="e.g. DE FR")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.add_argument("--replace", action="store_true", help="replace an existing user")
    add.set_defaults(handler=_add)
    actions.add_parser("list", help="list users and their scopes").set_defaults(handler=_list)
    rm = actions.add_parser("remove", help="remove a user")
    rm.add_argument("name")
    rm.set_defaults(handler=_remove)
    unlock = actions.add_parser(
        "unlock", help="clear a name's failed sign-ins (ends a lockout: 5 failures in 15 min)"
    )
    unlock.add_argument("name")
    unlock.set_defaults(handler=_unlock)
    demo = actions.add_parser(
        "add-demo",
        help="write the demo users of sample_sboms/ (password riskgraph-demo; demo only)",
    )
    demo.add_argument("--force", action="store_true", help="overwrite an existing file")
    demo.set_defaults(handler=_add_demo)
    for action in actions.choices.values():  # `riskgraph users add NAME --users F` works too
        action.add_argument("--users", type=Path, default=argparse.SUPPRESS, help="users file")
        action.add_argument("--store", default=argparse.SUPPRESS, help="store file")


def _users_path(args: argparse.Namespace) -> Path:
    if args.users is not None:
        return Path(args.users)
    env = os.environ.get("RISKGRAPH_USERS")
    return Path(env) if env else default_users_path()


def _add(args: argparse.Namespace) -> int:
    path = _users_path(args)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            raise UsersError("the passwords differ")
    user = add_user(
        path,
        args.name,
        password,
        Role(args.role),
        operators=tuple(args.operators),
        sectors=tuple(args.sectors),
        jurisdictions=tuple(args.jurisdictions),
        replace=args.replace,
    )
    _warn_unknown_operators(args, user.access().operators)
    print(f"{path}: {user.name} ({user.access().describe()})")
    return 0


def _warn_unknown_operators(args: argparse.Namespace, operators: tuple[str, ...]) -> None:
    """Name operators the store does not know yet (ingest may come later: not an error)."""
    location = getattr(args, "store", None)
    path = Path(location) if location else default_store_path()
    if not operators or not path.is_file():
        return
    store = open_store(str(path))
    try:
        view = store.view()
    finally:
        store.close()
    unknown = [o for o in operators if o not in view]
    if unknown:
        print(f"riskgraph: note: not in {path} yet: {', '.join(unknown)}", file=sys.stderr)


def _add_demo(args: argparse.Namespace) -> int:
    path = _users_path(args)
    if path.exists() and not args.force:
        print(f"{path}: exists, kept (--force to rewrite)")
        return 0
    users = write_demo_users(path)
    print(
        f"{path}: {len(users.users)} demo users ({', '.join(u.name for u in users.users)}), "
        f"password {DEMO_PASSWORD}"
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    users = load_users(_users_path(args))
    render_table(
        ("user", "role", "scope"),
        [(u.name, u.role.value, u.access().describe()) for u in users.users],
    )
    return 0


def _remove(args: argparse.Namespace) -> int:
    remove_user(_users_path(args), args.name)
    print(f"removed {args.name}")
    return 0


def _unlock(args: argparse.Namespace) -> int:
    path = _users_path(args)
    if not path.is_file():
        raise UsersError(f"{path}: no such users file")
    try:
        cleared = clear_failures(path, args.name)
    except OSError as e:
        raise UsersError(f"{lockout_path(path)}: cannot write ({e.strerror or e})") from e
    if cleared:
        print(f"unlocked {args.name} (its failed sign-ins are forgotten)")
    else:
        print(f"{args.name}: no failed sign-ins recorded in {lockout_path(path)}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    store = getattr(args, "store", None) or str(default_store_path())
    if "://" not in store and not Path(store).is_file():  # a server URI is checked on open
        raise StoreError(f"{store}: no store here yet (riskgraph --store {store} ingest PATH)")
    users = args.users
    if users is None and os.environ.get("RISKGRAPH_USERS"):
        users = Path(os.environ["RISKGRAPH_USERS"])
    if users is None and default_users_path().is_file():
        users = default_users_path()
    if users is not None:
        load_users(users)  # a broken users file is refused here, in one line
    elif not is_loopback(args.host):
        print(
            f"riskgraph: refusing to serve on {args.host} without users: anyone who can "
            "reach it would read every operator's data. Add users (riskgraph users add NAME "
            "--role ...) and pass --users FILE, or serve on 127.0.0.1.",
            file=sys.stderr,
        )
        return 2
    env = dict(os.environ, RISKGRAPH_STORE=store)
    if users is not None:
        env["RISKGRAPH_USERS"] = str(users)
    if args.policy is not None:
        env["RISKGRAPH_POLICY"] = str(args.policy)
    host = f"[{args.host}]" if ":" in args.host else args.host
    who = f"sign in with a user of {users}" if users else "local mode, no sign-in"
    print(f"riskgraph dashboard: http://{host}:{args.port}  ({who}; Ctrl-C to stop)", flush=True)
    command = server_command(args.host, args.port)
    return run_server(command, env)


def run_server(command: list[str], env: dict[str, str]) -> int:
    """Become the Streamlit server (exec): Ctrl-C, SIGTERM and a supervisor's signals reach
    it directly, and no orphan server outlives this command."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(command[0], command, env)


def server_command(host: str, port: int) -> list[str]:
    """The server process: :mod:`dashboard.serve` (preloads, then ``streamlit run``)."""
    return [sys.executable, "-m", "dashboard.serve", *streamlit_flags(host, port)]


def streamlit_flags(host: str, port: int) -> list[str]:
    """Server options: bound where asked, headless, no telemetry, no developer menu."""
    return [
        "--server.address", host,
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
        "--server.fileWatcherType", "none",
        "--global.developmentMode", "false",
    ]  # fmt: skip
