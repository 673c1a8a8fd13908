"""Report rows built from values that were validated already, without validating again.

``Model.model_construct(**values)`` skips validation but still walks every field looking
for aliases and defaults; a 100k-host report builds about a million rows (findings,
evidence rows, sources), where that walk was most of the assemble stage. For the row
models of :mod:`dashboard.reports.model` (no aliases, no ``model_post_init``, every
field given) :func:`trusted_row` makes the same object: the same ``__dict__``, fields
set, no extra and no private values, so equal to it and dumped the same.
"""

from __future__ import annotations

from graph.trusted import trusted_model as trusted_row

__all__ = ["trusted_row"]
