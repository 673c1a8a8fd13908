"""Sign-in: the users file, the lockout, and the session that survives a reload.

The signed-in name lives in the server-side session; the role and scope are re-read from
the users file on every run, so a changed or removed user takes effect at once. Query
parameters never carry identity or scope. A reload finds the user again through the
HttpOnly session cookie (:mod:`dashboard.access.sessions`); signing out revokes it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import streamlit as st

from dashboard.access.lockout import (
    MAX_FAILURES,
    WINDOW,
    clear_failures,
    locked_until,
    lockout_path,
    record_failure,
)
from dashboard.access.scope import Access, Role
from dashboard.access.sessions import COOKIE, SESSIONS
from dashboard.access.users import UsersError, UsersFile, authenticate, load_users
from dashboard.ui.settings import DashboardSettings, is_loopback, settings

__all__ = [
    "USER_KEY",
    "keep_signed_in",
    "locked_out",
    "navigation_visible",
    "refusal",
    "require_access",
    "sign_out",
]

USER_KEY = "riskgraph.user"
TICKET_KEY = "riskgraph.ticket"
LOCAL = Access(user="local", role=Role.ADMIN)


def refusal(address: str | None) -> str:
    """Why the dashboard will not serve an open address without users."""
    where = address or "every interface"
    return (
        f"riskgraph dashboard: refusing to serve on {where} without users: anyone who can "
        "reach it would read every operator's data. Add users (riskgraph users add NAME "
        "--role ...) and pass --users FILE, or serve on 127.0.0.1."
    )


@st.cache_resource(max_entries=4, show_spinner=False)
def _users(path: str, mtime_ns: int) -> UsersFile:
    """The users file, re-read when it changes (``mtime_ns`` is the cache key)."""
    del mtime_ns
    return load_users(Path(path))


def require_access(cfg: DashboardSettings | None = None) -> Access:
    """The signed-in user's scope; shows the sign-in form and stops the run otherwise."""
    cfg = cfg or settings()
    if cfg.users_file is None:
        address = st.get_option("server.address")
        if not is_loopback(address):
            st.error(refusal(address))
            st.stop()
        return LOCAL
    try:
        users = _users(str(cfg.users_file), cfg.users_file.stat().st_mtime_ns)
    except OSError as e:
        st.error(f"{cfg.users_file}: cannot read users file ({e.strerror or e})")
        st.stop()
    except UsersError as e:
        st.error(str(e))
        st.stop()
    if not st.session_state.get(USER_KEY):
        remembered = SESSIONS.user_of(_cookie())  # a reload: the session cookie, if any
        if remembered is not None:
            st.session_state[USER_KEY] = remembered
    user = users.get(str(st.session_state.get(USER_KEY, "")))
    if user is None:
        _sign_in(users, cfg.users_file)
        st.stop()
    return user.access()


def keep_signed_in() -> None:
    """Right after a sign-in, have the browser trade the one-time ticket for the session
    cookie. Called with the sidebar's identity lines, so by the run that draws the whole
    page: a page's first run that draws only its headline (:mod:`dashboard.ui.later`)
    would have its script removed by the next run, perhaps before the browser ran it."""
    ticket = st.session_state.pop(TICKET_KEY, None)
    if ticket:
        _set_cookie(str(ticket))


def _cookie() -> str | None:
    try:
        value = st.context.cookies.get(COOKIE)
    except (AttributeError, RuntimeError):  # no browser request behind this run
        return None
    return value if isinstance(value, str) else None  # AppTest's stand-in request


def _set_cookie(ticket: str) -> None:
    """Have the browser exchange the one-time ticket for the HttpOnly session cookie (the
    route is :mod:`dashboard.server`'s; without it, as under AppTest, nothing happens)."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    url = f"/{base}/_riskgraph/session" if base else "/_riskgraph/session"
    st.sidebar.html(
        f'<script>fetch("{url}", {{method: "POST", credentials: "same-origin", '
        f'body: "{ticket}"}});</script>',
        unsafe_allow_javascript=True,
    )


def _sign_in(users: UsersFile, users_file: Path) -> None:
    st.title("riskgraph")
    st.caption("Software supply-chain risk for critical infrastructure. Sign in to continue.")
    with st.form("sign-in"):
        name = st.text_input("User name", key="signin-name")
        password = st.text_input("Password", type="password", key="signin-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return
    try:
        until = locked_until(users_file, name, _now)
        if until is not None:
            st.error(locked_out(name, until))
            return
        user = authenticate(users, name, password)
        if user is None:
            until = record_failure(users_file, name, _now)
            st.error(locked_out(name, until) if until else "Wrong user name or password.")
            return
        clear_failures(users_file, user.name)
    except OSError as e:  # fail closed: no sign-in the lockout cannot count
        path = lockout_path(users_file)
        st.error(f"{path}: cannot record sign-in attempts ({e.strerror or e})")
        return
    st.session_state[USER_KEY] = user.name
    st.session_state[TICKET_KEY] = SESSIONS.issue_ticket(user.name)
    st.rerun()


def locked_out(name: str, until: datetime) -> str:
    """The one line a locked-out name sees."""
    return (
        f"Too many failed sign-ins for {name.strip()}: locked until "
        f"{until.astimezone(UTC):%H:%M} UTC ({MAX_FAILURES} failures within "
        f"{int(WINDOW.total_seconds() // 60)} minutes). An admin can unlock it now with "
        f"`riskgraph users unlock {name.strip()}`."
    )


def _now() -> datetime:
    # wall time, never SOURCE_DATE_EPOCH: a fixed clock would make a lockout never end
    return datetime.now(UTC)


def sign_out() -> None:
    SESSIONS.revoke(_cookie())
    st.session_state.pop(USER_KEY, None)


def navigation_visible() -> bool:
    """Show the page list once signed in (or in local mode); the pages gate themselves."""
    return settings().users_file is None or bool(st.session_state.get(USER_KEY))
