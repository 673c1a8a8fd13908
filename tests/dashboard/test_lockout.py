"""Failed sign-ins lock a name out (5 within 15 minutes, for 15 minutes), persisted next
to the users file; an admin unlocks with ``riskgraph users unlock``."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.access.demo import DEMO_PASSWORD, write_demo_users
from dashboard.access.lockout import (
    LOCKOUT,
    clear_failures,
    locked_until,
    lockout_path,
    record_failure,
)
from dashboard.ui.session import USER_KEY
from tests.conftest import run_cli
from tests.dashboard.conftest import Clock
from tests.dashboard.test_app_pages import APP, TIMEOUT


def test_five_failures_within_the_window_lock_the_name(tmp_path: Path, clock: Clock) -> None:
    users = tmp_path / "users.json"
    for _ in range(4):
        assert record_failure(users, "nw", clock) is None
        clock.now += timedelta(minutes=3)
    assert locked_until(users, "nw", clock) is None
    until = record_failure(users, "nw", clock)
    assert until == clock.now + LOCKOUT
    assert locked_until(users, " nw ", clock) == until  # as the form's field is read
    assert locked_until(users, "other", clock) is None
    clock.now = until - timedelta(seconds=1)
    assert locked_until(users, "nw", clock) == until
    clock.now = until
    assert locked_until(users, "nw", clock) is None


def test_failures_spread_beyond_the_window_do_not_lock(tmp_path: Path, clock: Clock) -> None:
    users = tmp_path / "users.json"
    for _ in range(10):
        assert record_failure(users, "nw", clock) is None
        clock.now += timedelta(minutes=4)  # never 5 within 15 minutes


def test_the_record_survives_a_restart_and_is_private(tmp_path: Path, clock: Clock) -> None:
    users = tmp_path / "users.json"
    for _ in range(5):
        record_failure(users, "nw", clock)
    path = lockout_path(users)
    assert path == tmp_path / "users.lockout.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert locked_until(users, "nw", clock) is not None  # read afresh from the file
    assert clear_failures(users, "nw") and not clear_failures(users, "nw")
    assert locked_until(users, "nw", clock) is None


def test_a_damaged_record_starts_again(tmp_path: Path, clock: Clock) -> None:
    users = tmp_path / "users.json"
    lockout_path(users).write_text("{not json")
    assert locked_until(users, "nw", clock) is None


@pytest.fixture
def users(tmp_path: Path) -> Path:
    path = tmp_path / "users.json"
    write_demo_users(path, n=2**10)
    return path


@pytest.fixture
def at(demo_store: Path, users: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The app at its sign-in form, over the demo store and a fresh users file."""
    monkeypatch.setenv("RISKGRAPH_STORE", str(demo_store))
    monkeypatch.setenv("RISKGRAPH_USERS", str(users))
    return AppTest.from_file(APP, default_timeout=TIMEOUT).run()


def _try(at: AppTest, name: str, password: str) -> list[str]:
    at.text_input(key="signin-name").input(name)
    at.text_input(key="signin-password").input(password)
    at.button[0].click().run()
    assert not at.exception
    return [e.value for e in at.error]


def test_the_sign_in_form_locks_out_and_an_admin_unlocks(at: AppTest, users: Path) -> None:
    for _ in range(4):
        assert _try(at, "harbor-bank", "wrong password") == ["Wrong user name or password."]
    (message,) = _try(at, "harbor-bank", "wrong password")
    assert message.startswith("Too many failed sign-ins for harbor-bank: locked until ")
    assert message.endswith("An admin can unlock it now with `riskgraph users unlock harbor-bank`.")
    assert _try(at, "harbor-bank", DEMO_PASSWORD) == [message]  # even the right password
    assert USER_KEY not in at.session_state
    assert _try(at, "meridian-savings", "wrong password") == ["Wrong user name or password."]

    unlocked = run_cli("users", "unlock", "harbor-bank", "--users", str(users))
    assert unlocked.code == 0 and unlocked.out == (
        "unlocked harbor-bank (its failed sign-ins are forgotten)\n"
    )
    assert _try(at, "harbor-bank", DEMO_PASSWORD) == []
    assert at.session_state[USER_KEY] == "harbor-bank"


def test_unknown_names_are_locked_like_known_ones(at: AppTest) -> None:
    for _ in range(4):
        _try(at, "nobody", "x")
    assert _try(at, "nobody", "x")[0].startswith("Too many failed sign-ins for nobody")


def test_unlock_of_a_missing_users_file_is_one_line(tmp_path: Path) -> None:
    result = run_cli("users", "unlock", "nw", "--users", str(tmp_path / "none.json"))
    assert result.code == 3
    assert result.err == f"riskgraph: {tmp_path / 'none.json'}: no such users file\n"
