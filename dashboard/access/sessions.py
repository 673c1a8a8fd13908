"""Server-side sign-in sessions that survive a browser reload.

Streamlit forgets ``st.session_state`` when the tab reloads. To keep a user signed in,
the server hands the browser a random session token in an ``HttpOnly; SameSite=Strict``
cookie (scripts in the page cannot read it) and keeps only its SHA-256 here, with the
user's name and an absolute expiry (:data:`SESSION_TTL`). The cookie is set by an HTTP
route of the dashboard's ASGI server (:mod:`dashboard.server`), not by the page: right
after a sign-in the page posts a one-time ticket (:data:`TICKET_TTL`, redeemed once) that
the route exchanges for the cookie. Sessions live in the server process: a restart, a
sign-out (revoked here) or the expiry ends them; the users file still decides on every run
whether the name may read anything.

Examples
--------
>>> from datetime import UTC, datetime
>>> store = SessionStore(clock=lambda: datetime(2026, 1, 1, tzinfo=UTC))
>>> token = store.redeem(store.issue_ticket("auditor"))
>>> store.user_of(token), store.redeem("forged") is None
('auditor', True)
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import UTC, datetime, timedelta

from graph.store.interface import Clock

__all__ = ["COOKIE", "SESSIONS", "SESSION_TTL", "TICKET_TTL", "SessionStore"]

COOKIE = "riskgraph_session"
SESSION_TTL = timedelta(hours=8)
TICKET_TTL = timedelta(seconds=60)


def _wall() -> datetime:
    return datetime.now(UTC)


class SessionStore:
    """Tickets and sessions of one server process, keyed by the SHA-256 of the secret."""

    def __init__(self, clock: Clock = _wall) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tickets: dict[str, tuple[str, datetime]] = {}
        self._sessions: dict[str, tuple[str, datetime]] = {}

    def issue_ticket(self, user: str) -> str:
        """A one-time ticket for ``user``, to be redeemed within :data:`TICKET_TTL`."""
        ticket = secrets.token_urlsafe(32)
        with self._lock:
            self._prune()
            self._tickets[_digest(ticket)] = (user, self._clock() + TICKET_TTL)
        return ticket

    def redeem(self, ticket: str) -> str | None:
        """The session token a valid ticket is exchanged for (once), else None."""
        with self._lock:
            self._prune()
            entry = self._tickets.pop(_digest(ticket), None)
            if entry is None:
                return None
            token = secrets.token_urlsafe(32)
            self._sessions[_digest(token)] = (entry[0], self._clock() + SESSION_TTL)
            return token

    def user_of(self, token: str | None) -> str | None:
        """The user a live session token belongs to, else None."""
        if not token:
            return None
        with self._lock:
            entry = self._sessions.get(_digest(token))
            if entry is None or entry[1] <= self._clock():
                return None
            return entry[0]

    def revoke(self, token: str | None) -> None:
        if token:
            with self._lock:
                self._sessions.pop(_digest(token), None)

    def _prune(self) -> None:
        now = self._clock()
        for table in (self._tickets, self._sessions):
            for key in [k for k, (_, expires) in table.items() if expires <= now]:
                del table[key]


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


SESSIONS = SessionStore()
"""The store of this server process (shared by the ASGI route and every script run)."""
