"""The Export page in real Chromium: each role downloads the report file the CLI writes
for the same scope (name and bytes), an operator's export names no other operator, and a
crafted scope outside the role is refused. Screenshots land in test-artifacts/dashboard/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from dashboard.access.demo import DEMO_OPERATORS
from dashboard.access.exports import export_file_name
from tests.conftest import run_cli
from tests.e2e.conftest import EPOCH, IDLE_MS, Dashboard, main_text, screenshot, sign_in

pytestmark = pytest.mark.e2e


def download_export(page: Page, name: str, into: Path) -> Path:
    page.get_by_role("button", name="Build the report").click()
    button = page.get_by_role("button", name=f"Download {name}")
    button.wait_for(timeout=IDLE_MS)
    with page.expect_download(timeout=IDLE_MS) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == name
    path = into / f"browser-{name}"
    download.save_as(path)
    return path


@pytest.mark.parametrize(
    ("user", "scope", "fmt"),
    [
        ("admin", "all", "sarif"),
        ("auditor", "sector:healthcare", "pdf"),
        ("regulator", "sector:aviation", "xlsx"),
        ("northwind-airlines", "operator:northwind-airlines", "json"),
    ],
)
def test_each_role_downloads_the_cli_s_report(
    page: Page,
    dashboard: Dashboard,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    user: str,
    scope: str,
    fmt: str,
) -> None:
    sign_in(page, f"{dashboard.url}/export?scope={scope}&format={fmt}", user)
    name = export_file_name(scope, fmt)
    downloaded = download_export(page, name, tmp_path)
    screenshot(page, f"{user}-export-{fmt}")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / name
    cli = run_cli(
        "--store", str(dashboard.store), "report", "--scope", scope, "--format", fmt,
        "--out", str(out),
    )  # fmt: skip
    assert cli.code == 0, cli.err
    assert downloaded.read_bytes() == out.read_bytes()
    if user == "northwind-airlines":
        body = downloaded.read_text(encoding="utf-8")
        assert "operator:northwind-airlines" in body
        for other in DEMO_OPERATORS:
            if other != "northwind-airlines":
                assert other not in body, other


def test_a_crafted_scope_outside_the_role_is_refused(page: Page, dashboard: Dashboard) -> None:
    sign_in(page, f"{dashboard.url}/export?scope=operator:harbor-bank", "northwind-airlines")
    assert (
        "operator:harbor-bank is not in your scope (operator: northwind-airlines); you may "
        "export: operator:northwind-airlines." in main_text(page)
    )
    assert page.get_by_role("button", name="Build the report").count() == 0
    screenshot(page, "northwind-airlines-export-refused")
