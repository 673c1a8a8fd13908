"""The demo users of the sample estate (``sample_sboms/``), for ``make demo`` and tests.

Every demo user's password is :data:`DEMO_PASSWORD`. Never use this file for real data.
"""

from __future__ import annotations

from pathlib import Path

from dashboard.access.scope import Role
from dashboard.access.users import User, UsersFile, hash_password, save_users

__all__ = ["DEMO_OPERATORS", "DEMO_PASSWORD", "DEMO_USERS", "write_demo_users"]

DEMO_PASSWORD = "riskgraph-demo"

DEMO_OPERATORS = (
    "northwind-airlines",
    "skyport-airport",
    "harbor-bank",
    "meridian-savings",
    "st-elmo-hospital",
    "valley-health",
    "gridco-transmission",
    "channel-nine",
    "freshmart",
)

# name, role, operators, sectors, jurisdictions
DEMO_USERS: tuple[tuple[str, Role, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    ("admin", Role.ADMIN, (), (), ()),
    ("auditor", Role.AUDITOR, (), (), ()),
    ("auditor-healthcare", Role.AUDITOR, (), ("healthcare",), ()),
    ("regulator", Role.REGULATOR, (), ("aviation", "banking"), ()),
    ("regulator-gb", Role.REGULATOR, (), (), ("GB",)),
    *((op, Role.OPERATOR, (op,), (), ()) for op in DEMO_OPERATORS),
)


def write_demo_users(path: Path, *, n: int = 2**14) -> UsersFile:
    """Write the demo users file (salted scrypt hashes of :data:`DEMO_PASSWORD`)."""
    users = UsersFile(
        users=tuple(
            User(
                name=name,
                role=role,
                operators=operators,
                sectors=sectors,
                jurisdictions=jurisdictions,
                password=hash_password(DEMO_PASSWORD, n=n),
            )
            for name, role, operators, sectors, jurisdictions in DEMO_USERS
        )
    )
    save_users(path, users)
    return users
