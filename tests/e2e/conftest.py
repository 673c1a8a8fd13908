"""A real dashboard server and a real headless Chromium for the end-to-end tests.

The server is the process ``riskgraph dashboard`` starts (``dashboard.serve``: modules
preloaded, then ``streamlit run dashboard/app.py``) on a free 127.0.0.1 port, over a
temporary store of sample_sboms/ and the demo users; the browser is Debian's
/usr/bin/chromium (installed by scripts/test.sh) driven by Playwright's Python package.
Playwright never downloads a browser here.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from dashboard.access.demo import DEMO_PASSWORD, write_demo_users
from dashboard.cli.commands_dashboard import server_command
from dashboard.ui.later import PENDING_KEY
from tests.conftest import REPO, run_cli

CHROMIUM = Path("/usr/bin/chromium")
# as polyglot.md: no sandbox as root, no GPU, and no background connections this
# machine's closed network would refuse; Playwright adds a fresh --user-data-dir itself
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts" / "dashboard"
EPOCH = "1721362140"  # the server's clock (SOURCE_DATE_EPOCH): reports compare with the CLI's
IDLE_MS = 120_000


@dataclass(frozen=True)
class Dashboard:
    url: str
    store: Path
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    """The served dashboard, stopped at the end of the session."""
    home = tmp_path_factory.mktemp("dashboard")
    store, users, log = home / "demo.sqlite", home / "users.json", home / "streamlit.log"
    ingested = run_cli("--store", str(store), "ingest", str(REPO / "sample_sboms"))
    assert ingested.code == 0, ingested.err
    write_demo_users(users, n=2**10)
    port = _free_port()
    env = dict(
        os.environ, RISKGRAPH_STORE=str(store), RISKGRAPH_USERS=str(users), SOURCE_DATE_EPOCH=EPOCH
    )
    with log.open("wb") as out:
        server = subprocess.Popen(
            server_command("127.0.0.1", port),
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server, log)
        yield Dashboard(url, store, log)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    # a guard against a server that never answers, not a pace: it answers as soon as it
    # is up, and its start (imports, preloads) took over 60 s at load 24
    deadline = time.monotonic() + IDLE_MS / 1000
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited ({server.returncode}):\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit not healthy after {IDLE_MS // 1000} s:\n{log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium "
            "(apt-get install -y chromium chromium-driver)"
        )
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call" and report.failed and "page" in getattr(item, "funcargs", {}):
        page: Page = item.funcargs["page"]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"FAILED-{item.name}.png"), full_page=True)
    return report


# counts the app's script runs in window.__scriptRuns: each run the server starts (a full
# run or a fragment's) begins with a ForwardMsg of type new_session (field 4), read off the
# websocket. The app's script-state attribute is no count: when a short run's messages
# arrive together React may draw "running" and "notRunning" in one pass, and the run is
# never seen as "running". A ForwardMsg is hash (1) and metadata (2), then its type.
RUN_COUNTER = """
window.__scriptRuns = 0;
const typeOf = (bytes) => {
  let i = 0;
  const varint = () => { let v = 0, s = 0, b; do { b = bytes[i++]; v += (b & 127) * 2 ** s;
                         s += 7; } while (b & 128); return v; };
  while (i < bytes.length) {
    const tag = varint(), field = Math.floor(tag / 8), wire = tag & 7;
    if (field > 2) return field;
    if (wire === 2) { const length = varint(); i += length; }  // after the length's bytes
    else if (wire === 0) varint(); else return -1;
  }
  return -1;
};
const OpenSocket = window.WebSocket;
window.WebSocket = class extends OpenSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (e) => {
      if (e.data instanceof ArrayBuffer && typeOf(new Uint8Array(e.data)) === 4)
        window.__scriptRuns += 1;
    });
  }
};
"""


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1800}, accept_downloads=True)
    context.add_init_script(RUN_COUNTER)
    tab = context.new_page()
    yield tab
    context.close()


_IDLE = (
    "() => { const a = document.querySelector('[data-testid=stApp]');"
    " return a && a.getAttribute('data-test-script-state') === 'notRunning'"
    " && !document.querySelector('[data-testid=stSpinner]')"
    " && !document.querySelector('[data-testid=stMain] [data-testid=stSkeleton]')"
    f" && !document.querySelector('.st-key-{PENDING_KEY}'); }}"
)


def wait_idle(page: Page) -> None:
    """Until the app's script run (and any rerun it asked for) has finished and what it
    sent is drawn: idle twice, a moment apart, so the gap between a run and the rerun it
    requested is not taken for the end, and no page still waiting to draw the rest of its
    first view (:mod:`dashboard.ui.later`). Drawn: no skeleton left in the page, which stands
    in for an element whose lazily loaded module (``st.html``, a chart, a widget) has not
    arrived yet; text read before then would miss it, and a check that a name is *not*
    shown would pass for the wrong reason."""
    for _ in range(2):
        page.wait_for_timeout(300)
        page.wait_for_function(_IDLE, timeout=IDLE_MS)


def script_runs(page: Page) -> int:
    """How many script runs this tab has seen start (:data:`RUN_COUNTER`)."""
    return int(page.evaluate("window.__scriptRuns"))


def rerun_after(page: Page, runs_before: int) -> None:
    """Until a script run has started since ``runs_before`` was read (the run a click
    caused) and the app is idle and drawn again. :func:`wait_idle` alone can return
    before that run starts: on a busy machine the server may take longer than its two
    300 ms looks to answer the click, and the page still shows the previous run's end."""
    page.wait_for_function(f"window.__scriptRuns > {runs_before}", timeout=IDLE_MS)
    wait_idle(page)


def sign_in(page: Page, url: str, user: str, password: str = DEMO_PASSWORD) -> None:
    """Open ``url`` (a new session, without the session cookie of an earlier sign-in)
    and sign in on the form it shows first."""
    page.context.clear_cookies()
    page.goto(url)
    page.locator('input[aria-label="User name"]').fill(user)
    page.locator('input[aria-label="Password"]').fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.locator('input[aria-label="Password"]').wait_for(state="detached", timeout=IDLE_MS)
    wait_idle(page)


def metrics(page: Page) -> dict[str, str]:
    """Every st.metric on the page: label -> shown value."""
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=IDLE_MS)
    out = {}
    for m in page.locator('[data-testid="stMetric"]').all():
        label = m.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = m.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return out


def main_text(page: Page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def screenshot(page: Page, name: str) -> Path:
    """The whole page: Streamlit scrolls inside its main block, so the viewport is grown
    to the content's height for the shot, then restored."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    size = page.viewport_size or {"width": 1400, "height": 1800}
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
        "[data-testid=stMainBlockContainer]')].map(e => e.scrollHeight), 0)"
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height + 120)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path
