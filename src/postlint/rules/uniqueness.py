"""Uniqueness rules (SEO): what search results show of a post must not repeat another post's.

Both rules compare the current post with every other post a normal `jekyll build` publishes,
through indexes built once per site (`ctx.site.index`): a dictionary of normalised values for
exact repeats, and a prefix-filtered similarity join (rare words first, as in Bayardo et al.'s
All-Pairs) for near-repeats, so the work grows with the number of posts, not with its square.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import difflib
import math
import unicodedata
from collections.abc import Callable, Iterator

from postlint.finding import Problem
from postlint.jekyll.facts import Keeping
from postlint.lazy_patterns import lazy_compile
from postlint.options import Option
from postlint.parse.words import WORD_PIECE, characters_apart
from postlint.record import FrozenRecord
from postlint.registry import rule

# An HTML tag; a bare `<` or `>` in a title ("a < b") is not one.
_HTML_TAG = lazy_compile(r"</?[A-Za-z][^<>]*>")


class Value(FrozenRecord):
    """One published post's front-matter value, as the rules compare it."""
    __slots__ = ("rel", "line", "order", "lang", "words")

    rel: str
    line: int  # of the key
    order: tuple[_dt.date, str]  # publication date, then path: which of two posts came first
    lang: str
    words: tuple[str, ...]

    def __init__(self, rel: str, line: int, order: tuple[_dt.date, str], lang: str, words: tuple[str, ...]) -> None:
        self.rel = rel
        self.line = line
        self.order = order
        self.lang = lang
        self.words = words

    @property
    def key(self) -> str:
        """What an exact repeat shares: the language (translations may keep a title) and the words."""
        return f"{self.lang}\t{' '.join(self.words)}"


def _plain_value(value: Value) -> list:
    """A value as the site's kept indexes store it (facts.py): [path, line, date, language, words]."""
    return [value.rel, value.line, value.order[0].toordinal(), value.lang, list(value.words)]


def _restored_value(plain: list) -> Value:
    rel, line, day, lang, words = plain
    return Value(rel, line, (_dt.date.fromordinal(day), rel), lang, tuple(words))


class PublishedValues:
    """The value of one front-matter key of every published post that sets one, by path, and the
    groups of exact repeats (by `Value.key`, earliest first)."""

    def __init__(self, values: dict[str, Value]) -> None:
        self.by_rel = values
        self.groups: dict[str, list[Value]] = {}
        self._earlier: dict[str, int] = {}  # path -> how many values of its group come before it
        for value in sorted(values.values(), key=lambda v: v.order):
            group = self.groups.setdefault(value.key, [])
            self._earlier[value.rel] = len(group)
            group.append(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublishedValues) and other.by_rel == self.by_rel and other.groups == self.groups

    __hash__ = None  # type: ignore[assignment]

    def earlier_same(self, rel: str) -> list | None:
        """[the post's value, the earliest post's value equal to it (None: no earlier one), how
        many earlier posts have it], plain (None: no value). Not every earlier value: a site of
        thousands of posts with one title had each post's answer list all those before it
        (quadratic time and memory)."""
        mine = self.by_rel.get(rel)
        if mine is None:  # a draft, unpublished, future-dated, a page, or no value
            return None
        earlier = self._earlier[rel]
        return [_plain_value(mine), _plain_value(self.groups[mine.key][0]) if earlier else None, earlier]


_KEPT_VALUES = Keeping(plain=lambda values: [_plain_value(value) for value in values.by_rel.values()],
                       restore=lambda plain: PublishedValues({value.rel: value for value in map(_restored_value, plain)}))


def normalised_words(value: object) -> tuple[str, ...]:
    """The words of a front-matter value: NFKC, casefolded, HTML tags dropped, split on Unicode
    word boundaries, so markup, Liquid braces, punctuation and white space runs do not count;
    each Han or kana character a word of its own (no spaces part Chinese or Japanese words)."""
    text = unicodedata.normalize("NFKC", str(value))
    return tuple(WORD_PIECE.findall(characters_apart(_HTML_TAG.sub(" ", text).casefold())))


def _value_fact(site, rel: str, key: str) -> list | None:
    """[line, language, words] of a post's value of `key` (None: no value with words): a per-file
    fact, so a warm run reads the front matter of the posts that changed only."""
    front_matter = site.front_matter(rel)
    raw = front_matter.data.get(key)
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        return None
    words = normalised_words(raw)
    return [front_matter.line_of(key), site.language(front_matter.data, rel), list(words)] if words else None


def _published_values(site, key: str, future: bool) -> tuple[str, Callable[[], PublishedValues]]:
    """The name and the build of the index of the values of `key` (kept: _KEPT_VALUES)."""
    def build() -> PublishedValues:
        found = {}
        entries = {entry.rel: entry for entry in site.published_posts(future)}
        # Through facts_of: a fact pass's workers, and a run's helpers, each read their share.
        for rel, fact in site.facts_of(f"front-matter-words:{key}", list(entries), lambda rel: _value_fact(site, rel, key)):
            if fact is not None:
                line, lang, words = fact
                date = site.post_date(entries[rel]) or _dt.date.min
                found[rel] = Value(rel, line, (date, rel), lang, tuple(words))
        return PublishedValues(found)

    return f"uniqueness-values:{key}:{future}", build


def _tokens(value: Value) -> list[tuple[str, str, int]]:
    """The value's words numbered by occurrence ("the" twice: "the" 0, "the" 1), so that set
    overlap counts repeated words as a multiset does; the language keeps languages apart."""
    seen: dict[str, int] = {}
    tokens = []
    for word in value.words:
        tokens.append((value.lang, word, seen.get(word, 0)))
        seen[word] = seen.get(word, 0) + 1
    return tokens


# The words of two values compared in order: search results show about thirty. difflib takes up to
# n² steps for n words, and two descriptions of 16,000 words took 16 s; the longest description of
# four real sites has about a hundred.
COMPARED_WORDS = 128


def similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """difflib's ratio over the word lists (their first COMPARED_WORDS): twice the words matched
    in order over all words."""
    return difflib.SequenceMatcher(None, a[:COMPARED_WORDS], b[:COMPARED_WORDS], autojunk=False).ratio()


def similarity_bound(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Never below similarity(a, b), from the words' counts alone (difflib's quick_ratio): most
    candidates fall short of the threshold already here, without matching words in order."""
    return difflib.SequenceMatcher(None, a[:COMPARED_WORDS], b[:COMPARED_WORDS], autojunk=False).quick_ratio()


# Of the earlier posts sharing a prefix token, only the latest this many are candidates, and of
# those only the few sharing the most prefix tokens are compared word by word: a site of thousands
# of templated descriptions ("Episode 12 of ...") would otherwise compare every pair. A post is
# then still found near one of its many look-alikes, if not always the most similar one.
RECENT_PER_TOKEN = 32
COMPARED = 8


class _NearestEarlier:
    """For each published post, the most similar earlier post in its language whose value
    differs but whose similarity is at least `threshold` (ties: the earliest); `get(rel)`.

    Similarity s = 2M/(|a|+|b|) with M words matched in order, so the numbered-word sets share at
    least M tokens: their Jaccard index is at least s/(2-s). Two sets with Jaccard at least j
    share a token among the first |x| - ceil(j|x|) + 1 of each (tokens in one global order,
    rarest first; All-Pairs' prefix filter), so a post is compared only with the earlier posts
    that have one of its prefix tokens in their own prefix. A post's prefix is found when the
    post is asked about or is a candidate (a pre-commit run that checks one post sorts the
    tokens of that post and of the few posts sharing its rare words, not of every post), and
    the word-by-word comparisons are made for the post asked about only.
    """

    def __init__(self, distinct: list[Value], threshold: float,
                 containing: dict[tuple[str, str, int], list[int]] | None = None) -> None:
        """`distinct`: one value per group of exact repeats, earliest first (`in_order`);
        `containing`: what this object computed from them before (kept across runs)."""
        self.distinct = distinct
        self.threshold = threshold
        self._jaccard = threshold / (2 - threshold)
        self.position = {value.rel: number for number, value in enumerate(self.distinct)}
        if containing is None:
            # token -> the positions whose value has it, ascending (its length: the token's frequency)
            containing = {}
            for number, value in enumerate(self.distinct):
                for token in _tokens(value):
                    containing.setdefault(token, []).append(number)
        self._containing = containing
        self._prefixes: dict[int, list[tuple[str, str, int]]] = {}
        self._prefix_sets: dict[int, set[tuple[str, str, int]]] = {}
        self._found: dict[str, tuple[Value, float] | None] = {}

    def get(self, rel: str) -> tuple[Value, float] | None:
        if rel not in self._found:
            self._found[rel] = self._nearest(rel) if rel in self.position else None
        return self._found[rel]

    def _prefix(self, number: int) -> list[tuple[str, str, int]]:
        """The value's rarest tokens, as many as the prefix filter needs (rarest first)."""
        prefix = self._prefixes.get(number)
        if prefix is None:
            containing = self._containing
            ordered = sorted(_tokens(self.distinct[number]), key=lambda t: (len(containing[t]), t))
            prefix = self._prefixes[number] = ordered[:len(ordered) - math.ceil(self._jaccard * len(ordered) - 1e-9) + 1]
            self._prefix_sets[number] = set(prefix)
        return prefix

    def _latest_having(self, token: tuple[str, str, int], mine: int) -> Iterator[int]:
        """The latest RECENT_PER_TOKEN positions before `mine` whose prefix has `token`."""
        containing = self._containing[token]
        found = 0
        for number in reversed(containing[:bisect.bisect_left(containing, mine)]):
            self._prefix(number)
            if token in self._prefix_sets[number]:
                yield number
                found += 1
                if found == RECENT_PER_TOKEN:
                    return

    def _nearest(self, rel: str) -> tuple[Value, float] | None:
        mine = self.position[rel]
        value = self.distinct[mine]
        shared: dict[str, int] = {}
        candidates: dict[str, Value] = {}
        for token in self._prefix(mine):
            for number in self._latest_having(token, mine):
                other = self.distinct[number]
                size, other_size = len(value.words), len(other.words)
                if 2 * min(size, other_size) / (size + other_size) >= self.threshold:  # else too different in length
                    shared[other.rel] = shared.get(other.rel, 0) + 1
                    candidates[other.rel] = other
        closest = sorted(candidates.values(), key=lambda v: (-shared[v.rel], v.order))[:COMPARED]
        best: tuple[Value, float] | None = None
        for other in sorted(closest, key=lambda v: v.order):
            bound = similarity_bound(other.words, value.words)
            if bound < self.threshold or best is not None and bound <= best[1]:
                continue  # its similarity could be neither enough nor better
            score = similarity(other.words, value.words)
            if score >= self.threshold and (best is None or score > best[1]):
                best = (other, score)
        return best

    def nearest_plain(self, rel: str) -> list | None:
        """get(rel) as plain data: [the other post's value, plain, and the similarity], or None."""
        found = self.get(rel)
        return None if found is None else [_plain_value(found[0]), found[1]]

    @staticmethod
    def in_order(groups: dict[str, list[Value]]) -> list[Value]:
        """One representative per distinct value, in order: exact repeats are reported as such."""
        return sorted((group[0] for group in groups.values()), key=lambda value: value.order)

    def plain(self) -> list:
        """What the site's kept indexes store of this object (facts.py)."""
        return [[_plain_value(value) for value in self.distinct], self.threshold, self._containing]

    @classmethod
    def restored(cls, plain: list) -> _NearestEarlier:
        """The object whose plain() gave `plain`, its token index not built again."""
        distinct, threshold, containing = plain
        return cls([_restored_value(value) for value in distinct], threshold, containing)


_KEPT_NEAREST = Keeping(_NearestEarlier.plain, _NearestEarlier.restored)


def _nearest_earlier(site, rel: str, key: str, future: bool, threshold: float) -> tuple[Value, float] | None:
    """The most similar earlier published post's value of `key`, with its similarity to the one
    of `rel` (at least `threshold`), or None: an answer of the kept index (facts.py)."""
    def build() -> _NearestEarlier:
        values = site.index(*_published_values(site, key, future), _KEPT_VALUES)
        return _NearestEarlier(_NearestEarlier.in_order(values.groups), threshold)

    found = site.answer(f"uniqueness-near:{key}:{future}:{threshold!r}", build, _KEPT_NEAREST, rel,
                        lambda near: near.nearest_plain(rel))
    return None if found is None else (_restored_value(found[0]), found[1])


def _future(ctx) -> bool:
    return ctx.site.future(ctx.config.site.get("future"))


def _shown(other: Value) -> str:
    """The other post as path (relative to the site's root, the same wherever postlint runs) and line."""
    return f"{other.rel}:{other.line}"


def _earlier_same(post, ctx, key: str) -> tuple[Value, Value | None, int] | None:
    """The current post's value, the earliest published post with the same value (None: none is
    earlier) and how many earlier ones have it: an answer of the kept index of the values (facts.py)."""
    rel = post.rel
    found = ctx.site.answer(*_published_values(ctx.site, key, _future(ctx)), _KEPT_VALUES, f"earliest same {rel}",
                            lambda values: values.earlier_same(rel))
    if found is None:  # a draft, unpublished, future-dated, a page, or no value
        return None
    return _restored_value(found[0]), None if found[1] is None else _restored_value(found[1]), found[2]


@rule("SEO006", "duplicate-title", severity="warning", options=[
    Option("key", "str", "title", "Front-matter key holding the title."),
])
def duplicate_title(post, ctx) -> Iterator[Problem]:
    """Two published posts have the same title (compared without case, markup or punctuation).

    ## What it does
    Compares the front-matter `title` (the `key` option) of the post with the titles of every
    other published post. Titles are compared casefolded (Unicode-aware), without HTML tags,
    punctuation, Liquid braces or runs of white space, so `Ramp time: a benchmark` and
    `RAMP TIME — A BENCHMARK` are the same title. Posts in different languages (front-matter
    `lang`, else `_config.yml`'s; none is English) are not compared: a translation may keep
    the original's title.

    Only posts a normal `jekyll build` publishes take part (no drafts, no `published: false`,
    no future-dated posts unless the build includes them, no pages). Of two posts with the same
    title, the later one (by date, then path) is reported, naming the earliest: the older post
    has the links and the search ranking, so the newer one is the one to change. A repeat is
    therefore reported once, on every post but the first.

    ## Why is this bad?
    Search results show two identical titles that readers cannot tell apart, and the two posts
    compete for the same searches; feeds and archive pages list the title twice.

    ## Example
    ```yaml
    # _posts/2024-06-03-ramp-time-update.md, while _posts/2023-01-09-ramp-time.md has the same title
    title: "Sales ramp time benchmarks"
    ```

    ## Use instead
    ```yaml
    title: "Sales ramp time benchmarks: what changed in 2024"
    ```

    ## Options
    """
    found = _earlier_same(post, ctx, ctx.options.key)
    if not found or found[1] is None:
        return
    mine, earliest, earlier = found
    others = f" (and {earlier - 1} other earlier post{'s' if earlier > 2 else ''})" if earlier > 1 else ""
    yield Problem(*post.field(ctx.options.key).position,
                  f"same {ctx.options.key} as the earlier post {_shown(earliest)}{others}: search results "
                  "cannot tell the two apart", fingerprint=f"same {' '.join(mine.words)}")


@rule("SEO007", "duplicate-description", severity="warning", options=[
    Option("key", "str", "description", "Front-matter key holding the description."),
    Option("similarity", "number", 0.8,
           "Word-level similarity (difflib's ratio over the two descriptions' words: twice the words matched in "
           "order over all words) at which two different descriptions are nearly the same; 1 reports only exact "
           "repeats.", above=0, maximum=1),
])
def duplicate_description(post, ctx) -> Iterator[Problem]:
    """Two published posts have the same description, or nearly the same (one copied and lightly edited).

    ## What it does
    Compares the front-matter `description` (the `key` option) of the post with the
    descriptions of every other published post, normalised as `duplicate-title` does. It
    reports the same description, and also a description whose words match an earlier one's
    with a similarity of at least `similarity` (0.8: twice the words matched in order over
    the words of both; of a long description, the first 128 words), so a description copied
    and lightly edited is found too, with its similarity in the message. Titles are not compared this way: a series' titles
    (`Newsletter #12`, `Newsletter #13`) differ by design. Posts in different languages are not
    compared. Chinese and Japanese, written without spaces between words, are compared
    character by character (each Han or kana character counts as a word).

    Only posts a normal `jekyll build` publishes take part (no drafts, no `published: false`,
    no future-dated posts unless the build includes them, no pages). Of two posts with the same
    or nearly the same description, the later one (by date, then path) is reported, naming the
    earliest with the same description, else the most similar earlier one: the older post has
    the links and the search ranking, so the newer one is the one to change. A repeat is
    therefore reported once, on every post but the first.

    ## Why is this bad?
    The description is the snippet under the title in search results and link previews. The
    same snippet on two posts tells a reader nothing about which one to open, and search
    engines may replace it with text of their own choosing.

    ## Example
    ```yaml
    # _posts/2024-06-03-ramp-time-update.md, while an earlier post says
    # "Benchmarks for sales ramp time by segment, and three habits that shorten it."
    description: "Benchmarks for sales ramp time by segment, and four habits that shorten it."
    ```

    ## Use instead
    ```yaml
    description: "What changed in sales ramp time this year, and which of last year's habits still work."
    ```

    ## Options
    """
    key = ctx.options.key
    found = _earlier_same(post, ctx, key)
    if not found:
        return
    mine, earliest, earlier = found
    where = post.field(key).position
    if earliest is not None:
        others = f" (and {earlier - 1} other earlier post{'s' if earlier > 2 else ''})" if earlier > 1 else ""
        yield Problem(*where, f"same {key} as the earlier post {_shown(earliest)}{others}: search results "
                              "show the same snippet for both", fingerprint=f"same {' '.join(mine.words)}")
        return
    near = _nearest_earlier(ctx.site, post.rel, key, _future(ctx), float(ctx.options.similarity))
    if near is not None:
        other, score = near
        yield Problem(*where, f"nearly the same {key} as the earlier post {_shown(other)} (similarity "
                              f"{math.floor(score * 100) / 100:.2f}): search results show nearly the same snippet "
                              "for both", fingerprint=f"near {' '.join(mine.words)}")


RULES = [duplicate_title, duplicate_description]
