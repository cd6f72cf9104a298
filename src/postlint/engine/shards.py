"""The result cache's large sections stored in shards, decoded one shard at a time.

A run that checks one post looks up one entry, one front-matter parse and one file's facts of a
few names; stored whole, each of those sections is hashed and decoded whole (a megabyte and a
half for 18F's terms alone). Stored as shards, by a digest of the key, a lookup hashes and
decodes the one shard that holds the key. A `Section` is what a run sees: the shards as stored,
decoded when first looked into, under the changes made since they were written (a journal's,
then this run's), which are kept apart: they are what the next journal writes.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any

KEYS_PER_SHARD = 32
MAX_SHARDS = 256
_ABSENT = object()


def shard_count(keys: int) -> int:
    """How many shards a section of `keys` keys is stored in."""
    return max(1, min(MAX_SHARDS, keys // KEYS_PER_SHARD))


def shard_of(key: str, shards: int) -> int:
    """Which of `shards` shards holds `key` (a digest: the same in every process)."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % shards if shards > 1 else 0


def split(section: Mapping[str, Any]) -> list[dict[str, Any]]:
    """`section` cut into shards, as `Section` looks keys up in them."""
    shards: list[dict[str, Any]] = [{} for _ in range(shard_count(len(section)))]
    for key, value in section.items():
        shards[shard_of(key, len(shards))][key] = value
    return shards


class Section(Mapping[str, Any]):
    """A sharded section as this run sees it. `loaders` give each shard decoded (a dict; anything
    else counts as empty); `added` and `removed` are the changes made since the shards were
    written. Looking a key up decodes its shard only; iterating decodes them all."""

    def __init__(self, loaders: list[Callable[[], object]], added: dict[str, Any] | None = None,
                 removed: list[str] | None = None) -> None:
        self._loaders = loaders
        self._shards: list[dict[str, Any] | None] = [None] * len(loaders)
        self._removed = {key for key in removed or () if type(key) is str}
        self._added = {key: value for key, value in (added or {}).items() if type(key) is str and key not in self._removed}

    def _shard(self, index: int) -> dict[str, Any]:
        shard = self._shards[index]
        if shard is None:
            loaded = self._loaders[index]()
            shard = self._shards[index] = loaded if isinstance(loaded, dict) else {}
        return shard

    def _stored(self, key: str) -> Any:
        if not self._loaders or type(key) is not str:
            return _ABSENT
        return self._shard(shard_of(key, len(self._loaders))).get(key, _ABSENT)

    def __getitem__(self, key: str) -> Any:
        found = self._added.get(key, _ABSENT)
        if found is _ABSENT and key not in self._removed:
            found = self._stored(key)
        if found is _ABSENT:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return self.get(key, _ABSENT) is not _ABSENT  # type: ignore[arg-type]

    def whole(self) -> dict[str, Any]:
        """Every key and value, every shard decoded."""
        merged: dict[str, Any] = {}
        for index in range(len(self._loaders)):
            merged.update(self._shard(index))
        for key in self._removed:
            merged.pop(key, None)
        merged.update(self._added)
        return merged

    def __iter__(self) -> Iterator[str]:
        return iter(self.whole())

    def items(self):  # type: ignore[override] - the whole section's, decoded once for the loop
        return self.whole().items()

    def values(self):  # type: ignore[override]
        return self.whole().values()

    def __len__(self) -> int:
        return len(self.whole())

    def __setitem__(self, key: str, value: Any) -> None:
        self._added[key] = value
        self._removed.discard(key)

    def changes(self) -> list:
        """[what was added or replaced since the shards were written, the keys removed]: a
        journal's changes to the section."""
        return [dict(self._added), sorted(self._removed)]
