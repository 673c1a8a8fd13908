"""``python -m dashboard.cli`` runs the riskgraph CLI."""

from dashboard.cli.main import entry

entry()
