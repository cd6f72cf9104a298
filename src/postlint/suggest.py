""""Did you mean" hints that stay fast on sites of tens of thousands of files.

difflib.get_close_matches scores every candidate; asked once per broken link over every URL of
a large site, that is quadratic in the site's size. Long candidate lists are first narrowed with
a character-trigram index (built once per list and kept) to the names sharing the most trigrams
with the query, typos included; difflib then picks among those few.

Names are compared by the part in which they differ: the path segments they share and their
extensions are left out, so `assets/blog/launch/swot-exercise.png` is not "close" to
`assets/blog/launch/interfaces.png` just because most of both paths is the same folder, while
`cover.webp` is close to `cover.png`. A single typo (`2024/01/16` for `2024/01/15`) and a name
whose words all appear in the other (`team.png`, `team photo.png`) count as close too. Names
that differ in a segment of two characters or fewer (`/en/…` and `/es/…`, two languages) never
are, however alike the rest.
"""

from __future__ import annotations

import difflib
import heapq
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from postlint.lazy_patterns import lazy_compile

SCAN_ALL_BELOW = 1000  # short lists are scored whole: exactly difflib's answer
SHORTLIST = 200
_EXTENSION = lazy_compile(r"(?<=[^/])\.[^./]+$")
_WORDS = lazy_compile(r"[^\W_]+")


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
        # The best SHORTLIST of tens of thousands, as sorted(...)[:SHORTLIST] would give them, without sorting them all.
        best = heapq.nsmallest(SHORTLIST, shared.items(), key=lambda item: (-item[1], item[0]))
        return [self.names[number] for number, _ in sorted(best, key=lambda item: item[0])]


@lru_cache(maxsize=16)
def _index(names: tuple[str, ...]) -> _TrigramIndex:
    return _TrigramIndex(names)


def distinct_parts(word: str, name: str) -> tuple[str, str]:
    """`word` and `name` reduced to where they differ, without a final `/` and without their
    extensions when both have one: with as many path segments, the segments that differ
    (`/en/news/2019/03/05/` and `/ja/news/2021/03/10/` differ in `en/2019/05` and `ja/2021/10`);
    else what follows the leading segments they share."""
    word, name = word.rstrip("/") or word, name.rstrip("/") or name
    if _EXTENSION.search(word) and _EXTENSION.search(name):
        word, name = _EXTENSION.sub("", word), _EXTENSION.sub("", name)
    word_segments, name_segments = word.split("/"), name.split("/")
    if len(word_segments) == len(name_segments):
        differing = [(one, other) for one, other in zip(word_segments, name_segments) if one != other]
        return "/".join(one for one, _ in differing), "/".join(other for _, other in differing)
    shared, limit = 0, min(len(word_segments), len(name_segments))
    while shared < limit and word_segments[shared] == name_segments[shared]:
        shared += 1
    return "/".join(word_segments[shared:]), "/".join(name_segments[shared:])


def _one_edit_apart(one: str, other: str) -> bool:
    """Is `other` `one` with one character added, removed, replaced, or two neighbours swapped?
    Not for two letters or fewer: `en` and `es` are two languages, `b` and `a` two names (a
    number stays a number: `16` for `15` is a typo)."""
    if abs(len(one) - len(other)) > 1 or one == other:
        return False
    if _short_names(one, other):
        return False
    start = 0
    while start < min(len(one), len(other)) and one[start] == other[start]:
        start += 1
    if len(one) == len(other):
        swapped = one[start + 1:start + 2] + one[start:start + 1]
        return one[start + 1:] == other[start + 1:] or (swapped == other[start:start + 2]
                                                         and one[start + 2:] == other[start + 2:])
    longer, shorter = (one, other) if len(one) > len(other) else (other, one)
    return longer[start + 1:] == shorter[start:]


def _short_names(one: str, other: str) -> bool:
    """Are both of two or fewer characters, not both numbers? Then they name two things (`en` and
    `es` two languages, `a` and `b` two folders), not one with a typo (`16` for `15`)."""
    return max(len(one), len(other)) < 3 and not (one.isdigit() and other.isdigit())


def _another_short_name(one: str, other: str) -> bool:
    """Do distinct parts of two names with as many segments differ in a segment that is a short
    name in both (`en/schnorr-workshop` and `es/schorr-workshop`)? Then the one names another
    language's or folder's page, however alike the rest: never close."""
    one_segments, other_segments = one.split("/"), other.split("/")
    return len(one_segments) == len(other_segments) and any(
        a != b and _short_names(a, b) for a, b in zip(one_segments, other_segments))


def _words_within(one: str, other: str) -> bool:
    """Are all the words of the shorter part words of the longer one (`team` in `team photo`)?
    Only for two names of one folder: `/hub/` is not close to `/assets/hub.png`."""
    if "/" in one or "/" in other:
        return False
    shorter, longer = sorted((set(_WORDS.findall(one.lower())), set(_WORDS.findall(other.lower()))), key=len)
    return bool(shorter) and shorter < longer


# Each "did you mean" compares the word with up to a thousand names, ten microseconds each: a post
# of 30,000 broken links took minutes, a hundred times what as much prose takes. While a file is
# checked (engine/check.py), its questions may compare ALLOWED_COMPARISONS names, and one more per
# CHARACTERS_PER_COMPARISON characters of its text; a question past that gets no hint. A post of
# bitcoinops' newsletters with a hint asks 20 of its allowance of 7,000 comparisons; the densest
# asks 112 questions of a thousand-address vocabulary (200 compared each: the trigram shortlist).
ALLOWED_COMPARISONS = 2_000
CHARACTERS_PER_COMPARISON = 4


class _Allowance:
    """The names a file's questions may still be compared with, and the questions it asked (one
    asked again is answered again at no cost, whatever other files asked: a file's hints depend
    on the file alone)."""

    def __init__(self, characters: int) -> None:
        self.left = ALLOWED_COMPARISONS + characters // CHARACTERS_PER_COMPARISON
        self.asked: set[tuple[int, str, float]] = set()

    def admits(self, key: tuple[int, str, float], cost: int) -> bool:
        if key in self.asked:
            return True
        if cost > self.left:
            return False
        self.left -= cost
        self.asked.add(key)
        return True


_ALLOWANCE: list[_Allowance | None] = [None]  # of the file being checked (None: no limit)


@contextmanager
def allowance(characters: int) -> Iterator[None]:
    """While a file of `characters` characters is checked: the "did you mean" comparisons it may make."""
    outer = _ALLOWANCE[0]
    _ALLOWANCE[0] = _Allowance(characters)
    try:
        yield
    finally:
        _ALLOWANCE[0] = outer


def _admitted(asked: object, names: tuple[str, ...], word: str, cutoff: float) -> bool:
    """May the file being checked ask `asked` (a Vocabulary, or closest) for the closest of
    `names` to `word`? The cost: the names compared, all or a shortlist."""
    found = _ALLOWANCE[0]
    cost = len(names) if len(names) < SCAN_ALL_BELOW else SHORTLIST
    return found is None or found.admits((id(asked), word, cutoff), cost)


def closest(word: str, candidates: Iterable[str], cutoff: float) -> str | None:
    """The candidate most like `word` (difflib's ratio over the parts in which they differ at
    least `cutoff`, one typo apart, or all the words of one in the other; of equals, the one that
    sorts last, as difflib.get_close_matches picks), or None (also past the allowance of the file
    being checked: see _Allowance)."""
    names = tuple(candidates)
    return _closest(word, names, cutoff) if _admitted(closest, names, word, cutoff) else None


class Vocabulary:
    """Names asked for the closest to many words (a site's addresses): `closest` without turning
    tens of thousands of names into a tuple, hashing and comparing it again on every question."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(names)
        self._index: _TrigramIndex | None = None
        self._answers: dict[tuple[str, float], str | None] = {}

    def closest(self, word: str, cutoff: float) -> str | None:
        """closest(word, self.names, cutoff)."""
        if not _admitted(self, self.names, word, cutoff):
            return None
        key = (word, cutoff)
        if key not in self._answers:
            if len(self.names) < SCAN_ALL_BELOW:
                pool: Iterable[str] = self.names
            else:
                self._index = self._index or _TrigramIndex(self.names)
                pool = self._index.shortlist(word)
            self._answers[key] = _best(word, pool, cutoff)
        return self._answers[key]


@lru_cache(maxsize=4096)  # one wrong address is often written in many posts
def _closest(word: str, names: tuple[str, ...], cutoff: float) -> str | None:
    return _best(word, names if len(names) < SCAN_ALL_BELOW else _index(names).shortlist(word), cutoff)


def _quick_ratio(one: str, other: str) -> float:
    """difflib.SequenceMatcher(None, one, other).quick_ratio(), the same number: twice the size of
    the two texts' intersection as multisets of characters over their total length. Counted in C
    (Counter), not character by character: it is asked of some 200 names per broken link."""
    size = len(one) + len(other)
    return 2.0 * (Counter(one) & Counter(other)).total() / size if size else 1.0


def _best(word: str, pool: Iterable[str], cutoff: float) -> str | None:
    best: tuple[float, str] | None = None
    for name in pool:
        parts = distinct_parts(word, name)
        if _another_short_name(*parts):
            continue
        floor = cutoff if best is None else best[0]
        size = len(parts[0]) + len(parts[1])
        score = 0.0
        # difflib's real_quick_ratio and quick_ratio, before building a matcher (which indexes its second text)
        if not size or 2 * min(len(parts[0]), len(parts[1])) / size >= floor and _quick_ratio(*parts) >= floor:
            score = difflib.SequenceMatcher(None, *parts).ratio()
        if score < cutoff and (_one_edit_apart(*parts) or _words_within(*parts)):
            score = cutoff  # a single typo (`15` for `16`), or a word more or less: close, at the bottom
        if score >= cutoff and (best is None or (score, name) > best):
            best = (score, name)
    return best[1] if best else None
