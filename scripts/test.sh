#!/usr/bin/env bash
# The whole test suite: static checks, then pytest. Starts what the tests need itself.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
VENV="${RISKGRAPH_VENV:-.venv}"
echo "== ruff" >&2
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
echo "== mypy" >&2
"$VENV/bin/mypy"
echo "== pytest" >&2
exec "$VENV/bin/pytest" -n 2 -q "$@"
