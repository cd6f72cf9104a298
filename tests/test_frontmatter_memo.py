"""The front-matter memo gives back the very parse PyYAML makes, or keeps nothing."""

from __future__ import annotations

import datetime as dt
import marshal
import math

import pytest

from postlint.parse import frontmatter_memo
from postlint.parse.frontmatter import parse_front_matter
from postlint.parse.frontmatter_memo import FrontMatterMemo

KEPT = {
    "plain": "title: Ramp time\ndraft: false\nweight: 3\nratio: 0.25\nnothing: null\n",
    "dates": "date: 2024-01-15\nupdated: 2024-01-15 09:30:00\n",
    "zones": "a: 2024-01-15 09:30:00 +05:30\nb: 2024-01-15T09:30:00Z\nc: 2024-01-15 09:30:00.125 -08:00\n",
    "nested": "author:\n  name: Ana\n  since: 2019-03-01\ntags: [sales, 'ops']\nby_day:\n  2024-01-15: launch\n  7: seven\n",
    "odd numbers": "a: .nan\nb: -.inf\nc: -0.0\nd: 0x1F\ne: 1_000\n",
    "duplicates": "title: one\ntitle: two\n",
    "out of range date": "date: 2023-02-30\n",
    "unicode": "title: \"Ventas en México — guía\"\nemoji: \"\U0001F680\"\n",
    "aliases": "base: &b {x: 1}\nmore: *b\n",
    "set": "tags: !!set {b, a}\n",
    "block text": "excerpt: >\n  Folded text\n  over lines.\nbody: |\n  kept\n  lines\n",
}
NOT_KEPT = {
    "binary": "blob: !!binary aGVsbG8=\n",
    "pairs": "order: !!omap [a: 1, b: 2]\n",
    "error": "title: [unclosed\n",
}


def _text(front: str, body: str = "Body text.\n") -> str:
    return f"---\n{front}---\n{body}"


def _same(a, b) -> bool:
    """Equal, and of the same types all the way down (NaN equal to itself)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return marshal.dumps(a) == marshal.dumps(b) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict):
        return list(map(type, a)) == list(map(type, b)) and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dt.datetime):
        return a == b and a.tzinfo == b.tzinfo and str(a.tzinfo) == str(b.tzinfo) and a.isoformat() == b.isoformat()
    return a == b


@pytest.mark.parametrize("name", sorted(KEPT))
def test_a_remembered_parse_is_the_parse(name):
    text = _text(KEPT[name])
    memo = FrontMatterMemo()
    memo.use({})
    made = memo.parse(text)
    assert memo.parses, "kept"
    again = memo.parse(text)  # from the memo
    parsed = parse_front_matter(text)
    for front_matter in (made, again):
        assert _same(front_matter.data, parsed.data)
        assert (front_matter.keys, front_matter.duplicate_keys, front_matter.end_line, front_matter.body_offset,
                front_matter.error, front_matter.present) == \
               (parsed.keys, parsed.duplicate_keys, parsed.end_line, parsed.body_offset, parsed.error, parsed.present)
    assert again is not made and again.data is not made.data  # a fresh copy, like a parse


@pytest.mark.parametrize("name", sorted(NOT_KEPT))
def test_what_cannot_be_stored_exactly_is_not_kept(name):
    memo = FrontMatterMemo()
    memo.use({})
    parsed = memo.parse(_text(NOT_KEPT[name]))
    assert memo.parses == {}
    assert parsed == parse_front_matter(_text(NOT_KEPT[name]))


def test_a_named_time_zone_is_not_kept():
    with pytest.raises(frontmatter_memo._NotKept):
        frontmatter_memo._stored_value(dt.datetime(2024, 1, 15, tzinfo=dt.timezone(dt.timedelta(hours=1), "CET")))


def test_the_memo_is_keyed_by_the_front_matter_alone():
    memo = FrontMatterMemo()
    memo.use({})
    memo.parse(_text("title: A\n", "One body.\n"))
    assert len(memo.parses) == 1
    assert memo.parse(_text("title: A\n", "Another body.\n")).data == {"title": "A"}
    assert len(memo.parses) == 1  # the same front matter, another body: remembered
    memo.parse(_text("title: B\n"))
    assert len(memo.parses) == 2


def test_off_unless_turned_on():
    memo = FrontMatterMemo()
    assert memo.parse(_text("title: A\n")).data == {"title": "A"}
    assert memo.parses is None
    memo.use({})
    with memo.until_done():
        memo.parse(_text("title: A\n"))
        assert memo.parses
    assert memo.parses is None


def test_an_entry_that_does_not_decode_is_parsed_again():
    memo = FrontMatterMemo()
    memo.use({})
    text = _text("title: A\n")
    memo.parse(text)
    (key,) = memo.parses
    memo.parses[key] = b"not marshal"
    assert memo.parse(text).data == {"title": "A"}
