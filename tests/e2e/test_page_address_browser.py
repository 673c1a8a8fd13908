"""A link to a page below the app's root connects to the server at once: the frontend
is told where the app is rooted instead of probing the page's address as the server's
base first; and the page asks nothing of another host (the tab icon is drawn locally).
A page's first view is drawn without the sidebar, in the place it keeps once it arrives."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, Request

from tests.e2e.conftest import Dashboard, metrics, sign_in, wait_idle

pytestmark = pytest.mark.e2e


def test_a_page_link_connects_to_the_app_root_without_probing(
    page: Page, dashboard: Dashboard
) -> None:
    requests: list[str] = []

    def record(request: Request) -> None:
        requests.append(request.url)

    page.on("request", record)
    page.goto(dashboard.url + "/controls?severity=high")  # a new session, as from a bookmark
    wait_idle(page)
    assert f"{dashboard.url}/_stcore/health" in requests
    assert not [u for u in requests if "/controls/_stcore/" in u or "/controls/static/" in u]
    assert [u for u in requests if not u.startswith(dashboard.url)] == []
    # the page behind the link is the one shown, and the app's other pages stay reachable
    assert page.locator('input[aria-label="Password"]').count() == 1
    sign_in(page, dashboard.url + "/controls", "admin")
    page.wait_for_selector('[data-testid="stMain"] h1:has-text("Controls")')
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("link", name="Overview").click()
    page.wait_for_selector('[data-testid="stMain"] h1:has-text("Overview")')
    assert page.url.rstrip("/") == dashboard.url
    assert metrics(page)["Operators"]
    sidebar.get_by_role("link", name="Blast radius").click()
    page.wait_for_selector('[data-testid="stMain"] h1:has-text("Blast radius")')
    assert page.url.startswith(dashboard.url + "/blast_radius")
    page.reload()  # the page's own address, served with the app's root
    wait_idle(page)
    assert page.locator('[data-testid="stMain"] h1:has-text("Blast radius")').count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0


# where the first figure and the page's title are whenever the page changes, and whether
# the sidebar is there: [[figure x, figure y] or null, [title x, title y] or null, sidebar]
WATCH_PLACES = """
window.__places = [];
const place = (e) => e ? [Math.round(e.getBoundingClientRect().x),
                          Math.round(e.getBoundingClientRect().y)] : null;
new MutationObserver(() => {
  const value = document.querySelector('[data-testid=stMetricValue]');
  const title = document.querySelector('[data-testid=stMain] h1');
  const seen = JSON.stringify([place(value), place(title),
                               !!document.querySelector('[data-testid=stSidebar]')]);
  if (window.__places.at(-1) !== seen) window.__places.push(seen);
}).observe(document, {subtree: true, childList: true, attributes: true});
"""


def test_the_first_view_leaves_the_sidebar_out_and_nothing_moves_sideways(
    page: Page, dashboard: Dashboard
) -> None:
    # the headline-only first run draws no sidebar (dashboard.ui.later); the page keeps
    # its place, so the figures are painted where they stay once the sidebar arrives
    page.add_init_script(WATCH_PLACES)
    sign_in(page, dashboard.url, "admin")  # Overview: the session's first view
    places = [json.loads(p) for p in page.evaluate("window.__places")]
    shown = [p for p in places if p[0] is not None]
    assert shown, places
    first, last = shown[0], shown[-1]
    assert first[2] is False and last[2] is True, places  # no sidebar, then the sidebar
    assert {p[0][0] for p in shown} == {last[0][0]}, places  # figures: never moved sideways
    assert {p[1][0] for p in shown if p[1]} == {last[1][0]}, places  # nor the title
    assert page.locator('[data-testid="stSidebarNav"]').get_by_role("link").count() == 7
