#!/usr/bin/env bash
# The whole test suite: static checks, then pytest. Starts what the tests need itself.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# Report tests render PDFs to PNG and text with Debian's poppler-utils (pdftoppm, pdftotext).
# Idempotent; CI runs as root without stdin. Without root, say what is missing and go on.
if ! command -v pdftoppm >/dev/null 2>&1; then
  if [[ "$(id -u)" == "0" ]]; then
    echo "== installing poppler-utils (pdftoppm, pdftotext)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >&2
  else
    echo "test.sh: pdftoppm missing; run: sudo apt-get install poppler-utils" >&2
  fi
fi
# The dashboard's browser tests (tests/e2e) drive Debian's Chromium through Playwright's
# Python package: a test tool's own browser download fails on this machine kind. Same rule.
if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
  if [[ "$(id -u)" == "0" ]]; then
    echo "== installing chromium and chromium-driver" >&2
    apt-get update -qq </dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver </dev/null >&2
  else
    echo "test.sh: chromium missing; run: sudo apt-get install chromium chromium-driver" >&2
  fi
fi
VENV="${RISKGRAPH_VENV:-.venv}"
echo "== ruff" >&2
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
echo "== mypy" >&2
"$VENV/bin/mypy"
echo "== pytest" >&2
exec "$VENV/bin/pytest" -n 2 -q "$@"
