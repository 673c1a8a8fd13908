"""Lock a user name out after repeated failed sign-ins (project policy).

:data:`MAX_FAILURES` failures within :data:`WINDOW` lock the name for :data:`LOCKOUT`
from the last failure; while locked even the right password is refused, without checking
it. Failures are recorded per name *as typed*, known or not, so the lockout does not tell
an attacker which names exist. The record lives next to the users file
(``users.json`` -> ``users.lockout.json``, mode 0600, written atomically under an
``flock`` so the sessions of every browser count together and a restart forgets
nothing). A successful sign-in clears the name's failures; an admin clears a lockout
with ``riskgraph users unlock NAME``.

Examples
--------
>>> lockout_path(Path("/etc/riskgraph/users.json"))
PosixPath('/etc/riskgraph/users.lockout.json')
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from graph.store.interface import Clock

__all__ = [
    "LOCKOUT",
    "MAX_FAILURES",
    "WINDOW",
    "clear_failures",
    "locked_until",
    "lockout_path",
    "record_failure",
]

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
_MAX_NAMES = 10_000
"""Names kept at most (oldest dropped): random names cannot grow the file without bound."""


def lockout_path(users_file: Path) -> Path:
    """Where the failed sign-ins of ``users_file`` are recorded."""
    return users_file.with_name(f"{users_file.stem}.lockout.json")


def locked_until(users_file: Path, name: str, clock: Clock) -> datetime | None:
    """When the lockout of ``name`` ends, or None when it may sign in now."""
    now = clock()
    with _locked(users_file) as failures:
        return _until(failures.get(_norm(name), []), now)


def record_failure(users_file: Path, name: str, clock: Clock) -> datetime | None:
    """Count a failed sign-in of ``name``; the end of the lockout it triggers, if any.
    Not called while ``name`` is locked: attempts then are refused unchecked and uncounted,
    so nobody can keep a name locked for longer than one lockout by trying on."""
    now = clock()
    with _locked(users_file, write=True) as failures:
        recent = [t for t in failures.get(_norm(name), []) if now - t < WINDOW + LOCKOUT]
        failures[_norm(name)] = [*recent, now]
        return _until(failures[_norm(name)], now)


def clear_failures(users_file: Path, name: str) -> bool:
    """Forget ``name``'s failures (a successful sign-in, or an admin's unlock); True when
    there were any."""
    with _locked(users_file, write=True) as failures:
        return failures.pop(_norm(name), None) is not None


def _until(times: list[datetime], now: datetime) -> datetime | None:
    recent = sorted(t for t in times if now - t < WINDOW + LOCKOUT)
    for i in range(len(recent) - MAX_FAILURES + 1):
        burst = recent[i : i + MAX_FAILURES]
        if burst[-1] - burst[0] < WINDOW and now < burst[-1] + LOCKOUT:
            return max(t for t in recent if t >= burst[0]) + LOCKOUT
    return None


def _norm(name: str) -> str:
    return name.strip()


@contextmanager
def _locked(users_file: Path, *, write: bool = False) -> Iterator[dict[str, list[datetime]]]:
    path = lockout_path(users_file)
    guard = path.with_name(f".{path.name}.lock")
    fd = os.open(guard, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if write else fcntl.LOCK_SH)
        failures = _read(path)
        yield failures
        if write:
            _write(path, failures)
    finally:
        os.close(fd)  # releases the flock


def _read(path: Path) -> dict[str, list[datetime]]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {
            str(name): [datetime.fromisoformat(t).astimezone(UTC) for t in times]
            for name, times in raw.get("failures", {}).items()
        }
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, AttributeError, TypeError):
        # a damaged record must not lock everyone out nor let anyone in unchecked: start
        # again (the users file, not this one, is what grants access)
        return {}


def _write(path: Path, failures: dict[str, list[datetime]]) -> None:
    newest = sorted(failures, key=lambda n: max(failures[n], default=_EPOCH), reverse=True)
    kept = {n: failures[n] for n in sorted(newest[:_MAX_NAMES]) if failures[n]}
    body = {"version": 1, "failures": {n: [t.isoformat() for t in ts] for n, ts in kept.items()}}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(body, out, indent=2, sort_keys=True)
        out.write("\n")
    tmp.replace(path)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
