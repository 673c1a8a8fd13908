"""The users file: names, roles, scopes and salted password hashes (stdlib scrypt).

The file is JSON, written atomically with mode 0600::

    {"version": 1, "users": [{"name": "nw-ops", "role": "operator",
      "operators": ["northwind-airlines"], "password": "scrypt$16384$8$1$<salt>$<hash>"}]}

``riskgraph users add NAME --role operator --operators northwind-airlines`` writes it.

Examples
--------
>>> stored = hash_password("correct horse", n=2**4)
>>> verify_password(stored, "correct horse"), verify_password(stored, "wrong")
(True, False)
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dashboard.access.scope import Access, Role

__all__ = [
    "User",
    "UsersError",
    "UsersFile",
    "add_user",
    "authenticate",
    "hash_password",
    "load_users",
    "remove_user",
    "save_users",
    "verify_password",
]

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1  # OWASP's scrypt minimum (16 MiB, ~50 ms)
_MIN_PASSWORD = 8


class UsersError(Exception):
    """A users file that cannot be read or changed; ``str()`` is the user-facing line."""


class User(BaseModel):
    """One account: a role, the scope it is limited to, and its password hash."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
    role: Role
    operators: tuple[str, ...] = Field((), description="Operator ids or keys (operator role).")
    sectors: tuple[str, ...] = Field((), description="Supervised sectors (regulator).")
    jurisdictions: tuple[str, ...] = Field((), description="Supervised jurisdictions.")
    password: str = Field(description="scrypt$N$r$p$salt$hash (base64).")

    @field_validator("password")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith("scrypt$") or value.count("$") != 5:
            raise ValueError("not a scrypt$N$r$p$salt$hash password hash")
        return value

    def access(self) -> Access:
        """The scope this user reads the store through."""
        return Access.for_role(
            self.role,
            user=self.name,
            operators=self.operators,
            sectors=self.sectors,
            jurisdictions=self.jurisdictions,
        )


class UsersFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = 1
    users: tuple[User, ...] = ()

    def get(self, name: str) -> User | None:
        return next((u for u in self.users if u.name == name), None)


def hash_password(password: str, *, n: int = _SCRYPT_N) -> str:
    """A salted scrypt hash in the users file's ``scrypt$N$r$p$salt$hash`` form."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    return "$".join(("scrypt", str(n), str(_SCRYPT_R), str(_SCRYPT_P), _b64(salt), _b64(digest)))


def verify_password(stored: str, password: str) -> bool:
    """Constant-time check of ``password`` against a stored hash."""
    try:
        _, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@functools.cache
def _dummy() -> str:
    """A hash to check unknown names against: a wrong name costs what a wrong password does."""
    return hash_password(secrets.token_hex(8))


def authenticate(users: UsersFile, name: str, password: str) -> User | None:
    """The user when name and password match, else None (same cost either way)."""
    user = users.get(name.strip())
    ok = verify_password(user.password if user else _dummy(), password)
    return user if user is not None and ok else None


def load_users(path: Path) -> UsersFile:
    """Read and validate a users file; raises :class:`UsersError` with one line."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise UsersError(f"{path}: no such users file") from e
    except (OSError, UnicodeDecodeError) as e:
        raise UsersError(f"{path}: cannot read users file ({e})") from e
    except json.JSONDecodeError as e:
        raise UsersError(f"{path}: not JSON ({e.msg}, line {e.lineno})") from e
    try:
        users = UsersFile.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsersError(f"{path}: invalid users file at {where}: {first['msg']}") from e
    for user in users.users:
        try:
            user.access()
        except ValueError as e:
            raise UsersError(f"{path}: user {user.name}: {e}") from e
    return users


def save_users(path: Path, users: UsersFile) -> None:
    """Write atomically, readable by the owner only (it holds password hashes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(users.model_dump_json(indent=2, exclude_defaults=False))
        out.write("\n")
    tmp.replace(path)


def add_user(
    path: Path,
    name: str,
    password: str,
    role: Role,
    *,
    operators: tuple[str, ...] = (),
    sectors: tuple[str, ...] = (),
    jurisdictions: tuple[str, ...] = (),
    replace: bool = False,
) -> User:
    """Add (or with ``replace`` update) a user; the file is created when missing."""
    if len(password) < _MIN_PASSWORD:
        raise UsersError(f"password for {name} is shorter than {_MIN_PASSWORD} characters")
    current = load_users(path) if path.exists() else UsersFile()
    if current.get(name) is not None and not replace:
        raise UsersError(f"{path}: user {name} exists (use --replace to change it)")
    try:
        user = User(
            name=name,
            role=role,
            operators=operators,
            sectors=sectors,
            jurisdictions=jurisdictions,
            password=hash_password(password),
        )
        user.access()
    except (ValidationError, ValueError) as e:
        raise UsersError(f"user {name}: {_first_error(e)}") from e
    others = tuple(u for u in current.users if u.name != name)
    save_users(path, UsersFile(users=tuple(sorted((*others, user), key=lambda u: u.name))))
    return user


def remove_user(path: Path, name: str) -> None:
    current = load_users(path)
    if current.get(name) is None:
        raise UsersError(f"{path}: no user {name}")
    save_users(path, UsersFile(users=tuple(u for u in current.users if u.name != name)))


def _first_error(e: Exception) -> str:
    if isinstance(e, ValidationError):
        first = e.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(e)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
