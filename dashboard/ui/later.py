"""The rest of a page's first view, drawn once the browser has painted its headline.

Why: every ``st.metric`` is a lazily loaded frontend element, so the first time a browser
tab draws one it suspends, and React reveals it in a *retry* render, which yields to every
other update: each element that arrives after the headline (the sidebar's lines, the heat
map, the bars, the section expanders) is drawn first, and the headline waits for all of
them (traced: the figures' values came ~0.23 s after their skeletons, ~0.07 s without
the rest; docs/benchmarks.md, "Dashboard"). Nothing that arrives later can hold it back.

How: the first run of a page in a browser session (:func:`rest_follows`) ends right after
the headline, leaving a fragment that the browser reruns :data:`DEFER_S` later
(``st.fragment(run_every=...)``); that rerun marks the page as painted and reruns the app,
which then draws the whole page: the headline again (unchanged) and everything after it.
Any later run of the page in the session (a widget, a section opened, a return visit)
draws everything at once. While the rest is pending the page holds an empty element with
the key :data:`PENDING_KEY` (``.st-key-riskgraph-pending``), which tests and the benchmark
wait for to go.

The sidebar comes with the rest too: until a run of the session has drawn a page in full
(:func:`sidebar_drawn`), the navigation is hidden and the sidebar holds nothing, so the
browser has no sidebar to draw before the headline (traced: ~0.08 s of the ~0.1 s
Overview's first view spent over a one-metric page from the browser's rerun request to
the figures' paint). Its place is kept empty meanwhile, by a style of the app's document
(:func:`dashboard.page_document.sidebar_space`), so nothing moves when it appears.
"""

from __future__ import annotations

import streamlit as st

__all__ = ["DEFER_S", "PENDING_KEY", "first_run", "rest_follows", "show_sidebar", "sidebar_drawn"]

DEFER_S = 0.3
"""Seconds between the browser's receipt of a page's first run and its request for the
rest: enough for the first run's render and the headline's reveal on a quiet machine
(~0.1-0.2 s) with a margin for a busy one (at 0.1 s the rest arrived before the headline
was revealed at load 5-10, and held it back as before)."""
PENDING_KEY = "riskgraph-pending"
_WAITING, _PAINTED = "waiting", "painted"
_SIDEBAR_KEY = "riskgraph-sidebar"


def _state_key(page: str) -> str:
    return f"riskgraph-first-view-{page}"


@st.fragment(run_every=DEFER_S)
def _draw_the_rest(state_key: str) -> None:
    """Inline in the page's first run: the pending marker. Rerun by the browser
    :data:`DEFER_S` later: the rest of the page, by a run of the whole app."""
    if st.session_state.get(state_key) == _WAITING:
        st.session_state[state_key] = _PAINTED
        st.session_state[_SIDEBAR_KEY] = True  # the app's run draws the navigation
        st.rerun()  # the app's run (a new full run also ends this fragment's timer)
    st.container(key=PENDING_KEY).empty()


def first_run(page: str) -> bool:
    """Whether this is ``page``'s first run in this browser session (only its headline is
    drawn)."""
    return _state_key(page) not in st.session_state


def rest_follows(page: str) -> None:
    """Called right after ``page``'s headline: on the page's first run in this session,
    end the run here (the rest follows :data:`DEFER_S` later); on any other run, return.
    """
    key = _state_key(page)
    if key in st.session_state:
        st.session_state[key] = _PAINTED  # a run after the first: everything at once
        return
    _draw_the_rest(key)
    st.session_state[key] = _WAITING
    st.stop()


def sidebar_drawn() -> bool:
    """Whether this run shows the navigation (``dashboard/app.py``): once the session has
    drawn, or is drawing, a page in full; not in a headline-only first run."""
    return bool(st.session_state.get(_SIDEBAR_KEY))


def show_sidebar() -> None:
    """Called by every run that draws a page in full, before its sidebar's lines: if this
    run hid the navigation (the session's first, :func:`sidebar_drawn`), run again with it.
    Only a page that stops before its headline in its first run (nothing to show, an
    error) or a page without a headline-only first run gets here with it hidden."""
    if not sidebar_drawn():
        st.session_state[_SIDEBAR_KEY] = True
        st.rerun()
