"""``python -m dashboard.serve [streamlit options]``: the dashboard's server process.

Imports the dashboard's heavy modules (pandas, Altair, the risk engine: seconds on a busy
machine) *before* the server listens, so the first browser session does not wait for
them; then hands over to ``streamlit run dashboard/server.py`` (the app plus the routes of
the sign-in cookie, :mod:`dashboard.server`) with :data:`RUNNER_FLAGS` before the
caller's options.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

__all__ = ["APP", "PRELOAD", "RUNNER_FLAGS", "SERVER", "main"]

APP = Path(__file__).resolve().parent / "app.py"
SERVER = Path(__file__).resolve().parent / "server.py"
PRELOAD = (
    "pandas",
    "altair",
    "dashboard.ui.data",
    "dashboard.ui.charts",
    "dashboard.ui.graph_chart",
    "graph.risk.controls.engine",
    "graph.risk.remediation",
)
RUNNER_FLAGS = (
    # Streamlit collects the whole heap (gc.collect(2)) after every script run: with the
    # dashboard's modules and cached graphs that is 0.1-0.2 s of CPU per page load on the
    # demo estate (and grows with the estate), spent while the browser draws the page.
    # Python's own collector still runs; the caches are shared and kept, not garbage.
    "--runner.postScriptGC", "false",
    # no page writes a bare expression, so no page needs magic's rewrite of its source,
    # redone whenever the last session closes (Streamlit then drops its compiled scripts)
    "--runner.magicEnabled", "false",
)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    for name in PRELOAD:
        importlib.import_module(name)
    from streamlit.web import cli  # noqa: PLC0415 (after the preload, on purpose)

    args = ["run", str(SERVER), *RUNNER_FLAGS, *(sys.argv[1:] if argv is None else argv)]
    try:
        cli.main(args=args, prog_name="streamlit", standalone_mode=False)
    except SystemExit as e:
        return int(e.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
