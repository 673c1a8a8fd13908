"""Dashboard benchmark: time to first meaningful paint in a real headless Chromium.

For each store, each page is loaded in a fresh browser session (a new Playwright context:
no cookies, a new Streamlit session) and timed from navigation start to

* **headline**: the page's headline numbers are on screen (its first ``st.metric``:
  the estate figures on Overview, hosts down on Blast radius): the first meaningful paint;
* **complete**: the script run has finished and every chart and table is drawn.

*Cold* = the first load after the server started, in a browser with an empty HTTP cache
(empty server caches: the graph is read from the store, scoped and analysed); *warm* = the
median of ``--runs`` later loads by a returning browser (HTTP cache kept), each a new tab and
so a new Streamlit session (server caches shared across sessions, keyed by the store's
revision). The server is the one ``riskgraph dashboard`` starts (local mode on 127.0.0.1,
no sign-in, so the timing is the page's alone). The same measurement of a one-metric
Streamlit page gives the floor of the framework and browser on the machine that day.

    .venv/bin/python benchmarks/dashboard_bench.py --store .riskgraph/demo.sqlite [--runs 5]
        [--store /tmp/synth100k.sqlite --subject channel:...] [--page "Blast radius"]
        [--baseline DIR]  # DIR: a checkout of the commit to compare with, run alike

With ``--baseline`` each page is measured on this checkout and then on the other one, one
after the other in the same run (same machine, same minutes): compare within a run.

Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dashboard.cli.commands_dashboard import server_command, streamlit_flags  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402

_IDLE = (
    "() => { const a = document.querySelector('[data-testid=stApp]');"
    " return a && a.getAttribute('data-test-script-state') === 'notRunning'"
    " && !document.querySelector('[data-testid=stSpinner]'); }"
)
TIMEOUT_MS = 1_800_000
VIEWPORT = {"width": 1400, "height": 1800}
Timing = tuple[float, float]
HELLO = "import streamlit as st\nst.title('hello')\nst.metric('one', 1)\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``streamlit run dashboard/app.py`` as ``riskgraph dashboard`` runs it."""

    def __init__(
        self,
        store: Path,
        command: list[str] | None = None,
        port: int | None = None,
        checkout: Path = REPO,
    ) -> None:
        self.port = port or _free_port()
        config = tempfile.mkdtemp()  # no users file: local mode
        env = dict(os.environ, RISKGRAPH_STORE=str(store), XDG_CONFIG_HOME=config)
        env["PYTHONPATH"] = str(checkout)  # whose dashboard package the server runs
        env.pop("RISKGRAPH_USERS", None)
        self.process = subprocess.Popen(
            command or server_command("127.0.0.1", self.port),
            cwd=checkout,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("streamlit did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:  # a script run still computing: no need to wait
            self.process.kill()
            self.process.wait()


def load(context: BrowserContext, url: str) -> tuple[float, float]:
    """(headline, complete) seconds for one page load in a new tab (a new session)."""
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=TIMEOUT_MS)
    headline = time.perf_counter() - started
    page.wait_for_function(_IDLE, timeout=TIMEOUT_MS)
    complete = time.perf_counter() - started
    page.close()
    return headline, complete


def measure(browser: Browser, server: Server, path: str, runs: int) -> tuple[Timing, list[Timing]]:
    """The cold load (new browser profile), then ``runs`` warm loads (returning browser)."""
    cold_context = browser.new_context(viewport=VIEWPORT)
    cold = load(cold_context, server.url + path)
    cold_context.close()
    context = browser.new_context(viewport=VIEWPORT)
    load(context, server.url + path)  # the browser's HTTP cache, as a returning user's
    warm = [load(context, server.url + path) for _ in range(runs)]
    context.close()
    return cold, warm


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", type=Path, action="append", required=True)
    parser.add_argument(
        "--subject", action="append", default=[], help="blast-radius channel per store"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout (e.g. `git worktree add` or `git archive` of the commit "
        "before a change): its dashboard is measured too, page by page, in the same run",
    )
    parser.add_argument("--page", choices=["Overview", "Blast radius"], action="append")
    args = parser.parse_args()
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        with tempfile.TemporaryDirectory() as tmp:
            hello = Path(tmp) / "hello.py"
            hello.write_text(HELLO)
            port = _free_port()
            flags = streamlit_flags("127.0.0.1", port)
            server = Server(
                args.store[0], [sys.executable, "-m", "streamlit", "run", str(hello), *flags], port
            )
            try:
                rows.append(
                    (
                        "(floor)",
                        "one-metric Streamlit page",
                        *measure(browser, server, "/", args.runs),
                    )
                )
            finally:
                server.stop()
        for i, store in enumerate(args.store):
            subject = args.subject[i] if i < len(args.subject) else "channel:aegis-rapid-content"
            pages = {
                "Overview": "/",
                "Blast radius": f"/blast_radius?kind=channel&subject={subject}",
            }
            checkouts = [("", REPO)] + ([(" (baseline)", args.baseline)] if args.baseline else [])
            for name, path in pages.items():
                if args.page and name not in args.page:
                    continue
                for label, checkout in checkouts:
                    # a fresh server per page: a truly cold first load
                    server = Server(store, checkout=checkout.resolve())
                    try:
                        cold, warm = measure(browser, server, path, args.runs)
                    finally:
                        server.stop()
                    rows.append((store.name, name + label, cold, warm))
                    print(
                        f"  {store.name} {name}{label}: cold {cold}, warm {warm}",
                        file=sys.stderr,
                        flush=True,
                    )
        browser.close()
    print("| store | page | cold headline | cold complete | warm headline | warm complete |")
    print("|---|---|---|---|---|---|")
    for store_name, name, cold, warm in rows:
        wh = statistics.median(h for h, _ in warm)
        wc = statistics.median(c for _, c in warm)
        print(
            f"| {store_name} | {name} | {cold[0]:.2f} s | {cold[1]:.2f} s | "
            f"{wh:.2f} s | {wc:.2f} s |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
