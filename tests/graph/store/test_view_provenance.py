"""The store's unvalidated provenance records behave as validated ones."""

from __future__ import annotations

import pytest

from graph.model import Provenance
from graph.store.view import provenance_record


@pytest.mark.parametrize("location", ["/components/3", None])
def test_provenance_record_equals_validated(location: str | None) -> None:
    fast = provenance_record("doc-1", "ab" * 32, location)
    slow = Provenance(document_id="doc-1", sha256="ab" * 32, location=location)
    assert fast == slow and slow == fast
    assert hash(fast) == hash(slow)
    assert fast.model_dump() == slow.model_dump()
    assert fast.model_dump_json() == slow.model_dump_json()
    assert fast.model_fields_set == slow.model_fields_set
    assert {fast, slow} == {slow}
    with pytest.raises(ValueError, match="frozen"):
        fast.location = "x"  # type: ignore[misc]


def test_a_copy_of_one_record_leaves_the_others_fields_set_alone() -> None:
    first = provenance_record("doc-1", "ab" * 32, "/a")
    second = provenance_record("doc-2", "cd" * 32, None)
    copy = first.model_copy(update={"location": "/b"})
    assert copy.location == "/b" and copy.model_fields_set == {"document_id", "sha256", "location"}
    assert (
        first.model_fields_set == second.model_fields_set == {"document_id", "sha256", "location"}
    )
    assert first.model_dump() == {"document_id": "doc-1", "sha256": "ab" * 32, "location": "/a"}
