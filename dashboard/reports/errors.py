"""The report package's error root."""

from __future__ import annotations

__all__ = ["ReportError"]


class ReportError(Exception):
    """A report that cannot be built, written or verified; ``str()`` is the user's line."""
