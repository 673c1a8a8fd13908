"""How the catalogue quotes controls.md's Sources cells."""

from __future__ import annotations

__all__ = ["refs"]


def refs(sources: str) -> tuple[str, ...]:
    """controls.md's Sources cell, one reference per ``;``-separated entry."""
    return tuple(part.strip() for part in sources.split("; "))
