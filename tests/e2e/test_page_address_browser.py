"""A link to a page below the app's root connects to the server at once: the frontend
is told where the app is rooted instead of probing the page's address as the server's
base first; and the page asks nothing of another host (the tab icon is drawn locally)."""

from __future__ import annotations

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
