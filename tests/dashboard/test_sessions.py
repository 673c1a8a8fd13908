"""Server-side sign-in sessions: one-time tickets, expiring tokens, revocation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dashboard.access.sessions import SESSION_TTL, TICKET_TTL, SessionStore

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def test_a_ticket_is_redeemed_once() -> None:
    store = SessionStore(Clock())
    ticket = store.issue_ticket("auditor")
    token = store.redeem(ticket)
    assert token is not None and token != ticket
    assert store.redeem(ticket) is None
    assert store.user_of(token) == "auditor"


def test_a_late_ticket_is_refused() -> None:
    clock = Clock()
    store = SessionStore(clock)
    ticket = store.issue_ticket("auditor")
    clock.now += TICKET_TTL
    assert store.redeem(ticket) is None


def test_a_session_expires_and_can_be_revoked() -> None:
    clock = Clock()
    store = SessionStore(clock)
    token = store.redeem(store.issue_ticket("auditor"))
    other = store.redeem(store.issue_ticket("regulator"))
    clock.now += SESSION_TTL - timedelta(seconds=1)
    assert store.user_of(token) == "auditor"
    clock.now += timedelta(seconds=1)
    assert store.user_of(token) is None
    clock.now = T0
    store.revoke(other)
    assert store.user_of(other) is None


def test_unknown_or_empty_tokens_are_nobody() -> None:
    store = SessionStore(Clock())
    assert store.user_of(None) is None and store.user_of("") is None
    assert store.user_of("made-up") is None
