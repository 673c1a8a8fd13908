"""The bulk import's node order (graph/store/neo4j_order.py): entities in the order reverse
walks from the vendors meet them, the layer's rows grouped by target in that order."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from graph.keys import component_key, product_key, vendor_key
from graph.store.neo4j_bulk import BulkImportFiles
from graph.store.neo4j_order import PAIR_BITS, TOGETHER, unpack, walk_order
from tests.factories import FIXED, make_document


def _pairs(rows: list[tuple[int, int, int]]) -> np.ndarray:
    return np.array([s << PAIR_BITS + 4 | t << 4 | k for s, t, k in rows], np.uint64)


def test_walk_order_is_breadth_first_from_the_busiest_vendors() -> None:
    # vendor 0 <- 1, 2, 8 and vendor 5 <- 2, 7 (kind 0); 1 <- 3 <- 4 (walk kinds);
    # vendor 9 <- 10 (kind 0) <- 3, 11; 6 -> 6 is never met from a vendor
    rows = [(1, 0, 0), (2, 0, 0), (8, 0, 0), (3, 1, 3), (4, 3, 4), (2, 5, 0), (7, 5, 0)]
    rows += [(10, 9, 0), (3, 10, 3), (11, 10, 3), (6, 6, 3)]
    sources, targets, kinds = unpack(_pairs(rows))
    assert sources.tolist() == [1, 2, 8, 3, 4, 2, 7, 10, 3, 11, 6]
    assert targets.tolist() == [0, 0, 0, 1, 3, 5, 5, 9, 10, 10, 6]
    assert kinds.tolist() == [0, 0, 0, 3, 4, 0, 0, 0, 3, 3, 3]
    assert TOGETHER == 2
    # the two busiest vendors (3 and 2 pairs) walked together, level by level; then vendor
    # 9's walk over what theirs did not meet (10 and 11, not 3); then the rest
    order = [0, 5, 1, 2, 8, 7, 3, 4, 9, 10, 11, 6]
    assert walk_order(sources, targets, kinds, 12, 2).tolist() == order
    # a vendor kind index at or above the bound seeds nothing
    assert walk_order(sources, targets, kinds, 12, 0).tolist() == list(range(12))
    empty = unpack(np.array([], np.uint64))
    assert walk_order(*empty, 3, 2).tolist() == [0, 1, 2]


def test_import_files_list_entities_in_walk_order(tmp_path: Path) -> None:
    files = BulkImportFiles(tmp_path / "csv", clock=lambda: FIXED)
    for doc in (
        make_document("tool", "1", ["c"], vendor="Other Ltd"),
        make_document("app", "1", ["a", "b"], deps=[(1, 0)]),
        make_document("app", "2", ["a"]),
    ):
        files.add(doc)
    directory = files.finish().directory
    rows = (directory / "nodes-entities.csv").read_text("utf-8").split("\n")[1:-1]
    ids = [r.split("\x1f")[0] for r in rows]
    keys = [r.split("\x1f")[1].strip("\x1e") for r in rows]

    def product(name: str, version: str) -> str:
        return product_key(f"pkg:generic/{name}@{version}", name, version)

    # Acme supplies two products, Other Ltd one (the two vendors are walked together);
    # components are met by no reverse walk (products contain them), so they follow in the
    # order the documents named them
    assert keys == [
        vendor_key("Acme Corp."),
        vendor_key("Other Ltd"),
        product("app", "1"),
        product("app", "2"),
        product("tool", "1"),
        component_key("pkg:generic/c@1.0"),
        component_key("pkg:generic/a@1.0"),
        component_key("pkg:generic/b@1.0"),
    ]
    position = {i: p for p, i in enumerate(ids)}
    layer = (directory / "rels-reach.csv").read_text("utf-8").split("\n")[1:-1]
    # rows grouped by target, targets in entity-file order, each target's sources in reverse
    # order (the import links a chain last row first: the walk reads them in order)
    order = [(position[r.split("\x1f")[0]], -position[r.split("\x1f")[1]]) for r in layer]
    assert order == sorted(order) and len(order) == 8  # 3 SUPPLIED_BY, 4 CONTAINS, 1 DEPENDS_ON
    assert [o[1] for o in order[:2]] == [-3, -2]  # Acme's products: app 2, then app 1
    assert [r.split("\x1f")[-1] for r in layer].count("REACH_VENDOR") == 3
