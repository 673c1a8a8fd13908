"""Sign-in survives a reload through an HttpOnly session cookie, and signing out ends it;
repeated failures lock a name out in the browser too."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from dashboard.access.sessions import COOKIE
from tests.conftest import run_cli
from tests.e2e.conftest import IDLE_MS, Dashboard, main_text, screenshot, sign_in, wait_idle

pytestmark = pytest.mark.e2e


def test_a_reload_keeps_the_user_signed_in_until_sign_out(page: Page, dashboard: Dashboard) -> None:
    sign_in(page, dashboard.url + "/controls", "regulator")
    for _ in range(50):  # the page trades its one-time ticket for the cookie right away
        cookies = [c for c in page.context.cookies() if c["name"] == COOKIE]
        if cookies:
            break
        page.wait_for_timeout(100)
    (cookie,) = cookies
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert COOKIE not in page.evaluate("() => document.cookie")  # no script can read it
    page.reload()
    wait_idle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert "regulator" in sidebar.inner_text()
    assert page.locator('input[aria-label="Password"]').count() == 0
    screenshot(page, "regulator-after-reload")
    sidebar.get_by_role("button", name="Sign out").click()
    page.locator('input[aria-label="Password"]').wait_for(timeout=IDLE_MS)
    page.reload()
    wait_idle(page)
    assert page.locator('input[aria-label="Password"]').count() == 1  # the session is over


def test_five_failures_lock_the_name_out(page: Page, dashboard: Dashboard) -> None:
    page.goto(dashboard.url)
    for attempt in range(5):
        page.locator('input[aria-label="User name"]').fill("valley-health")
        page.locator('input[aria-label="Password"]').fill(f"wrong-{attempt}")
        page.get_by_role("button", name="Sign in").click()
        wait_idle(page)
    assert "Too many failed sign-ins for valley-health" in main_text(page)
    screenshot(page, "sign-in-locked-out")
    users = dashboard.store.parent / "users.json"
    assert run_cli("users", "unlock", "valley-health", "--users", str(users)).code == 0
    sign_in(page, dashboard.url, "valley-health")
    assert "valley-health" in page.locator('[data-testid="stSidebar"]').inner_text()
