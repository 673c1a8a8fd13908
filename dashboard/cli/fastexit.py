"""End a one-shot command without freeing what it built.

A report of a 100k-host estate leaves tens of millions of objects behind it (the store's
view, the compiled snapshot, ~93k findings, the report itself). Freeing them one by one,
when the build returns and again when the interpreter shuts down, costs seconds of CPU and
changes nothing: the process is about to end. A command hands what it wants kept to
:func:`keep`; :func:`finish`, called only by the console-script entry point (never by an
in-process ``main()`` call, as the tests make), then ends the process with ``os._exit``
after flushing stdout and stderr, skipping that teardown.

Only commands whose work is complete when they return use it: their files are written and
closed (reports are written to a temporary name and renamed), their store is closed, and
nothing is left for an ``atexit`` handler.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

__all__ = ["finish", "keep", "release"]

_kept: list[object] = []


def keep(*objects: object) -> None:
    """Keep ``objects`` alive until the process ends (freed by the OS, not one by one)."""
    _kept.extend(objects)


def release() -> None:
    """Forget what an earlier command in this process kept (in-process ``main()`` calls)."""
    _kept.clear()


def finish(code: int) -> NoReturn:
    """Exit with ``code``: at once when a command kept something, normally otherwise."""
    if _kept:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
