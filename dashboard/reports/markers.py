"""Where each report format keeps its manifest, for ``riskgraph report verify`` to find it.

Kept apart from the renderers so that reading a report (and the CLI's start) does not
import reportlab or openpyxl.
"""

from __future__ import annotations

__all__ = ["KEYWORDS_PREFIX", "MANIFEST_ID", "MANIFEST_NAME", "VERIFY_SHEET"]

MANIFEST_NAME = "manifest.json"
"""CSV: the manifest file in the directory or ZIP."""
MANIFEST_ID = "riskgraph-manifest"
"""HTML: the id of the ``<script type="application/json">`` holding the manifest."""
KEYWORDS_PREFIX = "riskgraph-manifest "
"""PDF: what starts the /Keywords string, followed by the manifest JSON."""
VERIFY_SHEET = "verify"
"""XLSX: the sheet whose cell A2 holds the manifest JSON."""
