"""record.Record: what the data classes kept of @dataclass (equality, hashing, repr, replace)."""

from __future__ import annotations

import pickle

import pytest

from postlint.finding import Edit, Finding, Problem
from postlint.parse.source import Source


def finding(**changes) -> Finding:
    values = dict(path="_posts/a.md", line=3, column=1, code="SEO001", rule="title-length", severity="warning",
                  message="too long")
    return Finding(**{**values, **changes})


def test_equality_is_over_the_compared_fields_of_the_same_class():
    assert finding() == finding(source_line="another line", fingerprint="x", internal=True)  # _uncompared
    assert finding() != finding(line=4)
    assert Edit(1, 2, "x") != (1, 2, "x") and Edit(1, 2, "x") == Edit(1, 2, "x")


def test_frozen_records_hash_by_their_compared_fields_and_the_others_do_not_hash():
    assert len({finding(), finding(fingerprint="y"), finding(line=9)}) == 2
    with pytest.raises(TypeError):
        hash(Problem(1, 1, "m"))


def test_replace_repr_and_pickle_keep_every_field():
    moved = finding(fingerprint="f").replace(line=30)
    assert (moved.line, moved.fingerprint, moved.path) == (30, "f", "_posts/a.md")
    assert repr(Edit(1, 2, "x")) == "Edit(start=1, end=2, replacement='x')"
    assert Finding._fields[:3] == ("path", "line", "column") and "fix" in Finding._fields
    copied = pickle.loads(pickle.dumps(moved))  # what a worker process sends back
    assert copied == moved and copied.fingerprint == "f"


def test_a_record_with_a_cached_property_keeps_its_slots_and_its_cache():
    source = Source.from_text(None, "a\r\nb\n")  # type: ignore[arg-type]
    assert source.text == "a \nb\n" and source.line_starts == [0, 3, 5]
    with pytest.raises(AttributeError):
        Problem(1, 1, "m").typo = 1  # fields only: a misspelt attribute fails instead of being added
