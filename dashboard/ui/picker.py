"""Choosing nodes of a kind from the user's scoped view, with a shareable query parameter.

A query parameter only pre-selects: it is checked against the options the scoped view
offers, so a crafted address can never name something outside the user's scope.
"""

from __future__ import annotations

import networkx as nx
import streamlit as st

__all__ = ["MAX_OPTIONS", "label_of", "node_options", "pick_node"]

MAX_OPTIONS = 500


def node_options(view: nx.MultiDiGraph, kind: str) -> list[str]:
    """Keys of the declared nodes of ``kind`` (NodeKind value), by name then key."""
    keys = [
        k for k, d in view.nodes(data=True) if d.get("kind") == kind and not d.get("placeholder")
    ]
    return sorted(keys, key=lambda k: (str(view.nodes[k].get("name", k)).lower(), k))


def label_of(view: nx.MultiDiGraph, key: str) -> str:
    data = view.nodes[key] if key in view else {}
    name = str(data.get("name", key))
    version = data.get("version")
    local = key.partition(":")[2]
    shown = f"{name} {version}" if version and str(version) not in name else name
    return shown if local in (name, shown) else f"{shown} · {local}"


def pick_node(
    view: nx.MultiDiGraph,
    options: list[str],
    *,
    label: str,
    key: str,
    param: str,
    default: str | None = None,
) -> str | None:
    """A selectbox over ``options``; the ``param`` query parameter pre-selects (if in scope).

    Long lists get a filter box first, so a 100k-node estate never renders 100k options.
    """
    wanted = st.query_params.get(param)
    if wanted is not None and wanted not in options:
        st.warning(f"{wanted} is not in your scope; showing your own data instead.")
        wanted = None
    shown = options
    if len(options) > MAX_OPTIONS:
        needle = st.text_input(f"Filter ({len(options):,} to choose from)", key=f"{key}-filter")
        needle = needle.strip().lower()
        shown = [o for o in options if needle in o.lower()][:MAX_OPTIONS] if needle else []
        for extra in (wanted, default):
            if extra is not None and extra not in shown:
                shown = [extra, *shown]
    initial = wanted or default
    index = shown.index(initial) if initial in shown else None
    choice = st.selectbox(
        label,
        shown,
        index=index,
        key=key,
        format_func=lambda k: label_of(view, k),
        placeholder="Choose…",
    )
    if choice is not None and st.query_params.get(param) != choice:
        st.query_params[param] = choice
    return choice
