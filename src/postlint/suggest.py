""""Did you mean" hints that stay fast on sites of tens of thousands of files.

difflib.get_close_matches scores every candidate; asked once per broken link over every URL of
a large site, that is quadratic in the site's size. Long candidate lists are first narrowed with
a character-trigram index (built once per list and kept) to the names sharing the most trigrams
with the query, typos included; difflib then picks among those few.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

SCAN_ALL_BELOW = 1000  # short lists are scored whole: exactly difflib's answer
SHORTLIST = 200


def _trigrams(text: str) -> set[str]:
    text = f" {text.lower()} "
    return {text[i:i + 3] for i in range(len(text) - 2)}


class _TrigramIndex:
    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.postings: dict[str, list[int]] = {}
        for number, name in enumerate(names):
            for gram in _trigrams(name):
                self.postings.setdefault(gram, []).append(number)
        self.too_common = max(50, len(names) // 10)  # such trigrams tell nothing apart

    def shortlist(self, word: str) -> list[str]:
        shared: Counter[int] = Counter()
        for gram in _trigrams(word):
            numbers = self.postings.get(gram, ())
            if len(numbers) <= self.too_common:
                shared.update(numbers)
        best = sorted(shared.items(), key=lambda item: (-item[1], item[0]))[:SHORTLIST]
        return [self.names[number] for number, _ in sorted(best, key=lambda item: item[0])]


@lru_cache(maxsize=16)
def _index(names: tuple[str, ...]) -> _TrigramIndex:
    return _TrigramIndex(names)


def closest(word: str, candidates: Iterable[str], cutoff: float) -> str | None:
    """The candidate most like `word` (difflib's ratio at least `cutoff`), or None."""
    names = tuple(candidates)
    pool = names if len(names) < SCAN_ALL_BELOW else _index(names).shortlist(word)
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=cutoff)
    return matches[0] if matches else None
