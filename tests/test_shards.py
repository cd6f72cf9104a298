"""The cache's sharded sections (engine/shards.py): a lookup decodes only the shard of its key,
and the section reads as the dict it was made from, with the changes made since on top."""

from __future__ import annotations

import pytest

from postlint.engine import shards
from postlint.engine.shards import Section, shard_count, shard_of, split


def sharded(contents: dict, loaded: list[int]) -> Section:
    """A Section over `contents` split into shards; `loaded` collects the shards decoded."""
    parts = split(contents)

    def loader(index: int):
        def load():
            loaded.append(index)
            return parts[index]
        return load

    return Section([loader(index) for index in range(len(parts))])


def test_counts_and_placement():
    assert [shard_count(keys) for keys in (0, 1, 31, 32, 64, 505, 100_000)] == [1, 1, 1, 1, 2, 15, 256]
    assert shard_of("_posts/a.md", 1) == 0
    assert shard_of("_posts/a.md", 15) == shard_of("_posts/a.md", 15) < 15  # the same in every process
    contents = {f"_posts/2024-01-{day:02}-post.md": day for day in range(1, 29)} | {"ünïcode/ß.md": 0}
    parts = split(contents)
    assert sorted(key for part in parts for key in part) == sorted(contents)


def test_a_lookup_decodes_one_shard(monkeypatch):
    monkeypatch.setattr(shards, "KEYS_PER_SHARD", 2)
    contents = {f"post-{number}.md": [number] for number in range(40)}
    loaded: list[int] = []
    section = sharded(contents, loaded)
    assert section["post-7.md"] == [7] and section.get("post-8.md") == [8] and "post-9.md" in section
    assert section.get("nothing.md") is None and "nothing.md" not in section
    with pytest.raises(KeyError):
        section["nothing.md"]
    assert 1 <= len(set(loaded)) <= 4 and len(loaded) == len(set(loaded)), "each shard decoded once, only those asked"
    assert section.whole() == contents and dict(section.items()) == contents and len(section) == 40
    assert len(loaded) == 20


def test_changes_since_the_shards_were_written():
    loaded: list[int] = []
    base = {"a.md": 1, "b.md": 2, "c.md": 3}
    parts = split(base)
    section = Section([lambda: parts[0]], added={"b.md": 20, "d.md": 4, "x.md": 9}, removed=["c.md", "x.md", 5])
    assert section.whole() == {"a.md": 1, "b.md": 20, "d.md": 4}, "removed wins over added, as in a journal"
    section["c.md"] = 30
    assert section["c.md"] == 30 and section.changes() == [{"b.md": 20, "d.md": 4, "c.md": 30}, ["x.md"]]
    assert loaded == []


def test_a_shard_of_another_shape_counts_as_empty():
    section = Section([lambda: [1, 2], lambda: None])
    assert section.whole() == {} and section.get("a.md") is None
