"""Server-side sign-in sessions: one-time tickets, expiring tokens, revocation."""

from __future__ import annotations

from datetime import timedelta

from dashboard.access.sessions import SESSION_TTL, TICKET_TTL, SessionStore
from tests.dashboard.conftest import Clock


def test_a_ticket_is_redeemed_once(clock: Clock) -> None:
    store = SessionStore(clock)
    ticket = store.issue_ticket("auditor")
    token = store.redeem(ticket)
    assert token is not None and token != ticket
    assert store.redeem(ticket) is None
    assert store.user_of(token) == "auditor"


def test_a_late_ticket_is_refused(clock: Clock) -> None:
    store = SessionStore(clock)
    ticket = store.issue_ticket("auditor")
    clock.now += TICKET_TTL
    assert store.redeem(ticket) is None


def test_a_session_expires_and_can_be_revoked(clock: Clock) -> None:
    store = SessionStore(clock)
    start = clock.now
    token = store.redeem(store.issue_ticket("auditor"))
    other = store.redeem(store.issue_ticket("regulator"))
    clock.now += SESSION_TTL - timedelta(seconds=1)
    assert store.user_of(token) == "auditor"
    clock.now += timedelta(seconds=1)
    assert store.user_of(token) is None
    clock.now = start
    store.revoke(other)
    assert store.user_of(other) is None


def test_unknown_or_empty_tokens_are_nobody(clock: Clock) -> None:
    store = SessionStore(clock)
    assert store.user_of(None) is None and store.user_of("") is None
    assert store.user_of("made-up") is None
