""""Did you mean" hints that stay fast on sites of tens of thousands of files.

difflib.get_close_matches scores every candidate; asked once per broken link over every URL of
a large site, that is quadratic in the site's size. Long candidate lists are first narrowed with
a character-trigram index (built once per list and kept) to the names sharing the most trigrams
with the query, typos included; difflib then picks among those few.

Names are compared by the part in which they differ: the folders they share and their
extensions are left out, so `assets/blog/launch/swot-exercise.png` is not "close" to
`assets/blog/launch/interfaces.png` just because most of both paths is the same folder, while
`cover.webp` is close to `cover.png`. A name whose words all appear in the other (`team.png`,
`team photo.png`) counts as close too.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

SCAN_ALL_BELOW = 1000  # short lists are scored whole: exactly difflib's answer
SHORTLIST = 200
_ENDING = re.compile(r"(?:\.[^./]+|/)$")  # an extension or the final slash of a URL
_WORDS = re.compile(r"[^\W_]+")


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


def distinct_parts(word: str, name: str) -> tuple[str, str]:
    """`word` and `name` without the leading folders they share, their extensions and a final `/`."""
    shared = 0
    while True:
        cut = word.find("/", shared)
        if cut == -1 or name[:cut + 1] != word[:cut + 1]:
            break
        shared = cut + 1
    return _without_ending(word[shared:]), _without_ending(name[shared:])


def _without_ending(part: str) -> str:
    ending = _ENDING.search(part)
    return part[:ending.start()] if ending and ending.start() > 0 else part


def _words_within(one: str, other: str) -> bool:
    """Are all the words of the shorter part words of the longer one (`team` in `team photo`)?"""
    shorter, longer = sorted((set(_WORDS.findall(one.lower())), set(_WORDS.findall(other.lower()))), key=len)
    return bool(shorter) and shorter < longer


def closest(word: str, candidates: Iterable[str], cutoff: float) -> str | None:
    """The candidate most like `word` (difflib's ratio over the parts in which they differ at
    least `cutoff`, or all the words of one in the other; of equals, the one that sorts last, as
    difflib.get_close_matches picks), or None."""
    names = tuple(candidates)
    pool = names if len(names) < SCAN_ALL_BELOW else _index(names).shortlist(word)
    best: tuple[float, str] | None = None
    for name in pool:
        parts = distinct_parts(word, name)
        matcher = difflib.SequenceMatcher(None, *parts)
        floor = cutoff if best is None else best[0]
        score = matcher.ratio() if matcher.real_quick_ratio() >= floor and matcher.quick_ratio() >= floor else 0.0
        if score < cutoff and _words_within(*parts):
            score = cutoff
        if score >= cutoff and (best is None or (score, name) > best):
            best = (score, name)
    return best[1] if best else None
