"""Summary rules: the `excerpt` and `description` a post shows in search results and on the blog
index must be about the post, and must be whole."""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterator

from postlint.finding import Problem
from postlint.lazy_patterns import lazy_compile
from postlint.options import Option
from postlint.parse.terms import (
    fold,
    fold_each,
    is_content,
    plain,
    unfolded,
    words,
)
from postlint.parse.words import words_meet_unspaced
from postlint.registry import rule

# A key YAML made out of a summary's next line: words with spaces between them, or markup. In
# Chinese and Japanese, written without spaces, words_meet_unspaced finds where words meet.
_PROSE_KEY = lazy_compile(r"\S\s+\S|^<")


class SiteTerms:
    """In how many of the site's published English posts each term occurs (document frequency),
    as the site model counts them (Site.term_frequency): each count asked for is an input of the
    post's result on its own, so the result stays valid while those counts do."""

    def __init__(self, site, future: bool) -> None:
        self._site = site
        self._future = future
        self._frequencies: dict[str, int] = {}

    def frequency(self, term: str) -> int:
        found = self._frequencies.get(term)
        if found is None:
            found = self._frequencies[term] = self._site.term_frequency(term, self._future)
        return found

    @functools.cached_property
    def posts(self) -> int:
        """How many of those posts have words."""
        return self._site.term_frequency("", self._future)

    @functools.cached_property
    def most_posts(self) -> int:
        """No fewer than `posts`, known without counting any post's words: the site's posts and drafts."""
        return len(self._site.posts)

    def weight(self, term: str) -> float:
        """Inverse document frequency: a term few posts use says more about the one that does."""
        return math.log((self.posts + 1) / (self.frequency(term) + 1)) + 1


def _site_terms(ctx) -> SiteTerms:
    return SiteTerms(ctx.site, ctx.site.future(ctx.config.site.get("future")))


# The title's words its phrases are taken from. A run of n content words holds n²/2 phrases of up to
# n words, each counted in the body and compared with the others: a title of 1,000 words (16 KB)
# took minutes and a gigabyte. Search results show about ten words; the longest title of four real
# sites has 21.
MAX_TITLE_WORDS = 32


def _phrases(title: str) -> list[tuple[str, ...]]:
    """Runs of two or more content words in the title's first MAX_TITLE_WORDS words, and every
    shorter run inside them ("sales enablement vs. sales operations" -> ("sales", "enablement"),
    ("sales", "operations"))."""
    runs: list[list[str]] = [[]]
    for word in words(plain(title))[:MAX_TITLE_WORDS]:
        if is_content(word):
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    found = []
    for run in runs:
        for size in range(len(run), 1, -1):
            found.extend(tuple(run[i:i + size]) for i in range(len(run) - size + 1))
    return found


def _inside(part: tuple[str, ...], whole: list[str] | tuple[str, ...]) -> bool:
    size = len(part)
    return any(tuple(whole[i:i + size]) == part for i in range(len(whole) - size + 1))


def _cut_short(post, key: str) -> str | None:
    """The line YAML made a key of its own out of the summary's continuation, if it did."""
    info = post.front_matter.keys.get(key)
    if info is None or post.text[info.value_start:info.value_start + 1] in ("'", '"', "|", ">"):
        return None
    following = sorted((other for name, other in post.front_matter.keys.items() if name != key
                        and other.line > info.line), key=lambda other: other.line)
    if not following or post.text[info.value_end:post.source.offset(following[0].line, 1)].strip():
        return None
    name = str(next(name for name, other in post.front_matter.keys.items() if other is following[0]))
    prose = _PROSE_KEY.search(name) or words_meet_unspaced(name)
    return f"line {following[0].line} ('{_shorten(name)}')" if prose else None


def _shorten(text: str, size: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size - 1] + "…"


@rule("SEO005", "summary-relevance", severity="warning", options=[
    Option("keys", "list[str]", ["excerpt", "description"], "Front-matter keys holding a summary of the post."),
    Option("min_words", "int", 200, "Posts with fewer words are not judged: a short post's summary may say more "
           "than its body.", minimum=0),
    Option("min_coverage", "number", 0.25,
           "From 0 to 1: the least share of the summary's terms (weighted by how specific each is to this post "
           "within the site) that the post must use at least twice.", minimum=0, maximum=1),
    Option("title_phrase_count", "int", 5, "A phrase of the title that the post repeats this often is what the post "
           "is about, and the summary must name it.", minimum=1),
])
def summary_relevance(post, ctx) -> Iterator[Problem]:
    """The `excerpt` or `description` is about something the post hardly mentions, misses the title's key phrase, or was cut short by YAML.

    ## What it does
    For each summary key (`excerpt` and `description` unless configured) written in the front
    matter, compares the summary's words with the post's title and body:
    - **Off topic**: each content word of the summary is weighted by how specific it is to the
      site's posts (inverse document frequency over the published English posts, as in TF-IDF);
      when less than `min_coverage` of that weight is made of words the post uses at least twice,
      the summary is about something else. Not in a post that is mostly a list of links (list
      items that hold a link carry more than half its words: a roundup of what its authors read,
      a list of resources): its words are those of the many pages it points to, none of them
      says what the post is about, and its summary rightly names the kind of list ("the
      articles, videos and tools we liked this month").
    - **Key phrase missing**: a phrase of two or more content words from the title that the
      body repeats at least `title_phrase_count` times is what the post is about; a summary that
      lacks one of its words does not say so. Phrases come from the title's first 32 words (search
      results show about ten).
    - **Cut short**: a plain (unquoted) summary whose next line holds `: ` is ended by YAML at
      that line, which becomes a key of its own (`<p>In practice, teams: ...`); the rest of the
      summary is silently lost. A key counts as such a line when it reads as several words: words
      with spaces between them, markup, or, in Chinese and Japanese, written without spaces, a
      change of script (`主な変更点: ...`, a particle in hiragana after a word in kanji) or
      punctuation. A key of one word (`author`, `著者`) is taken for a key, and so is one of
      Chinese characters alone, in which no word boundary shows.

    The message names the summary's leading words with their counts in the post and the
    title's missing phrase with its count. Words are compared casefolded, English plurals folded
    ("operations" = "operation"), and a summary's word counts as used when the post uses words of
    its stem ("launched" by "launch"); function words ("the", "which") do not count. A Jekyll-made
    excerpt (no `excerpt:` key: the first paragraph) is not checked, nor posts shorter than
    `min_words`. The word checks use an English word list, so they apply to English posts only
    (front-matter `lang`, else `_config.yml` `lang`; none means English); the cut-short check
    applies to every post.

    ## Why is this bad?
    Search results and the blog index show the summary, not the post: a reader who clicks
    because of it finds a post about something else, and search engines rewrite a description
    that does not match the page. A summary that YAML cut short ends mid-thought.

    ## Example
    ```yaml
    title: "Sales coaching vs. revenue operations: who owns which number?"
    excerpt: Marketing budgets are hard to plan, and every quarter brings new channels to try.
    ```

    ## Use instead
    ```yaml
    title: "Sales coaching vs. revenue operations: who owns which number?"
    excerpt: Sales coaching and revenue operations both chase quota attainment; here is who owns which number.
    ```

    ## Options
    """
    if ctx.site.checks_many:  # whatever this post holds, so that a parallel run's fact pass counts the terms
        ctx.site.prepare_term_counts(ctx.site.future(ctx.config.site.get("future")))
    english = ctx.site.is_english(post.data, post.rel)
    topic: PostTopic | None = None
    for key in ctx.options.keys:
        summary = post.data.get(key)
        if not isinstance(summary, str) or not summary.strip():
            continue
        field = post.field(key)
        cut = _cut_short(post, key)
        if cut is not None:
            yield Problem(*field.position, f"the {key} stops at line {field.value_position[0]}: YAML read {cut} as a "
                          f"key of its own because of its ': '; quote the {key} or write it as a block (`{key}: >`)",
                          fingerprint=f"{key} cut short")
        if not english:
            continue
        if topic is None:
            topic = PostTopic(post, _site_terms(ctx), ctx.options.title_phrase_count)
            if topic.words < ctx.options.min_words:
                return
        message = topic.judge(summary, key, ctx.options.min_coverage)
        if message is not None:
            yield Problem(*field.position, message, fingerprint=f"{key}: {_shorten(summary, 80)}")


def _link_list(post) -> bool:
    """Is the post mostly a list of links: do list items that hold a link carry more than half the
    words of its blocks? (None of an HTML post's: it has no Markdown blocks.)"""
    starts = sorted(link.start for link in post.body.links)
    linked = total = 0
    for block in post.blocks:
        total += len(block.words)
        if block.in_list:
            first = bisect.bisect_left(starts, block.start)
            if first < len(starts) and starts[first] < block.end:
                linked += len(block.words)
    return 2 * linked > total


# Words that say what kind of text a summary introduces, not what it is about.
_FRAMING = frozenset({"article", "blog", "post", "series", "part", "overview", "introduction", "intro", "guide",
                      "tutorial", "primer", "walk", "walkthrough", "tour", "deep", "dive", "diving", "look", "learn",
                      "step", "today", "week", "description", "summary", "recap", "roundup"})
TOP_TERMS = 12  # the terms that say what a post is about
CANDIDATES = 40  # the post's most frequent terms, among which those are chosen
# Far above the rounding error of a sum of a summary's weights: a share of the weight that a
# bound puts above min_coverage by more than this is above it when summed exactly as _coverage sums.
_ROUNDING = 1e-9


class PostTopic:
    """What one post is about: its words' counts, its top terms by TF-IDF, and the title's key
    phrases (each with its most specific word).

    A term's count is summed when asked for, from the few words that fold to it (terms.unfolded):
    a summary asks about a dozen terms, and folding each of a post's hundreds of distinct words
    up front was most of the rule's time."""

    def __init__(self, post, site: SiteTerms, phrase_count: int) -> None:
        self.site = site
        body = words(post.reader_prose)
        self.words = len(body)
        self.link_list = _link_list(post)
        title = post.data.get("title")
        title = title if isinstance(title, str) else ""
        self._body: Counter[str] = Counter(body)
        self._title: Counter[str] = Counter(map(fold, words(plain(title))))
        self.acronyms = {word.casefold() for word in re.findall(r"\b[A-Z]{2,6}\b", plain(title))}
        self.phrases = []  # (phrase as written, count in the body, folded)
        folded = None
        for written in _phrases(title):
            phrase = tuple(fold(word) for word in written)
            if min(map(self._body_count, phrase)) < phrase_count:
                continue  # a phrase occurs no more often than its rarest word
            if folded is None:
                # Each word between spaces of its own, so that str.count finds a phrase right after itself.
                folded = " " + "  ".join(fold_each(body)) + " "
            count = folded.count(" " + "  ".join(phrase) + " ")
            if count >= phrase_count:
                self.phrases.append((" ".join(written), count, phrase))

    def _body_count(self, term: str) -> int:
        return sum(self._body[word] for word in unfolded(term))

    def count(self, term: str) -> int:
        """How often the post uses `term`, in its body and its title."""
        return self._body_count(term) + self._title[term]

    def judge(self, summary: str, key: str, min_coverage: float) -> str | None:
        """What is wrong with one summary of the post (None: it is about the post)."""
        written = [word for word in words(plain(summary)) if is_content(word)]
        terms: dict[str, str] = {}  # term -> its first spelling, in the summary's order
        for word in written:
            terms.setdefault(fold(word), word)
        if len(terms) < 3:
            return None  # too short to judge (description-length speaks of that)
        initials = "".join(word[0] for word in words(plain(summary)))
        missing, reported, covered = [], set(), []
        names: dict[str, bool] = {}  # term -> _names: each a scan of the summary's terms, asked once
        for phrase, count, folded in sorted(self.phrases, key=lambda item: (-len(item[2]), -item[1])):
            named = [names[term] if term in names else names.setdefault(term, self._names(term, terms, initials))
                     for term in folded]
            # Named: its last word (the head of an English noun phrase: "executives" names "senior
            # executives"), most of its words, or its most specific word (asked last: it takes the
            # site's term counts); a part of a phrase that is named or already reported ("source
            # software" of "open source software") is not asked for.
            if named[-1] or 2 * sum(named) > len(named) or named[folded.index(self._specific(folded))]:
                covered.append(folded)
                continue
            specific = self._specific(folded)
            if specific in reported or any(_inside(folded, longer) for longer in covered):
                continue
            missing.append((phrase, count))
            reported.add(specific)
            covered.append(folded)
        off_topic = not self.link_list and not self._covers(terms, min_coverage) and not self.top & terms.keys()
        if not missing and not off_topic:
            return None
        # The summary's first words the post is not about, leaving out words most of the site uses.
        generic = self.site.posts / 2 if self.site.posts >= 5 else float("inf")
        leading = [t for t in terms if t not in self.top and t not in _FRAMING and self.site.frequency(t) <= generic]
        leading = leading[:2] or list(terms)[:2]
        about = ", ".join(f"'{terms[t]}' ({self.count(t):,}" + (f" of {self.words:,} words)" if i == 0 else ")")
                          for i, t in enumerate(leading))
        if missing:
            shown = " and ".join(f"'{phrase}' ({count} times)" for phrase, count in missing[:2])
            return f"the {key} is about {about}; the title's {shown} {'is' if len(missing) == 1 else 'are'} not in it"
        return f"the {key} is about {about}, none of the words the post is about"

    @functools.cached_property
    def top(self) -> set[str]:
        """The post's TOP_TERMS terms by TF-IDF, among its CANDIDATES most frequent."""
        content: dict[str, int] = {}
        for word, count in self._body.items():  # dict.get, not Counter's += (a Python call per new key)
            if is_content(word):
                term = fold(word)
                content[term] = content.get(term, 0) + count
        frequent = [term for term, _ in Counter(content).most_common(CANDIDATES)]
        return set(sorted(frequent, key=lambda t: -self.count(t) * self.site.weight(t))[:TOP_TERMS])

    def _names(self, term: str, terms: dict[str, str], initials: str) -> bool:
        """Does the summary name `term`: the word itself, a word of the same stem ("spends" for
        "spending", "strategist" for "strategy"), or the words an acronym of the title stands for?"""
        if term in terms or term in self.acronyms and term in initials:
            return True
        stem = max(5, len(term) - 3)
        return len(term) >= stem and any(other[:stem] == term[:stem] for other in terms)

    def _specific(self, phrase: tuple[str, ...]) -> str:
        """The phrase's most specific word: the one fewest of the site's posts use (the last of equals)."""
        return max(reversed(phrase), key=self.site.weight)

    def _covers(self, terms, min_coverage: float) -> bool:
        """Do the terms the post uses carry at least `min_coverage` of the summary's weight
        (_coverage)? Settled without the site's term counts, which take reading every post, when
        the terms used carry that share whatever their weights: all used or none, or so many
        that they do even at the least weight (1, a term every post uses) against the others at
        the most (log(posts + 1) + 1, a term no post uses; the site's posts and drafts are at
        least as many as the posts counted)."""
        counted = [term for term in terms if term not in _FRAMING]
        used = sum(map(self._uses, counted))
        if used == len(counted):
            return True  # _coverage is 1.0
        if not used:
            return not 0.0 < min_coverage
        heaviest = math.log(self.site.most_posts + 1) + 1
        if used / (used + (len(counted) - used) * heaviest) > min_coverage + _ROUNDING:
            return True
        return not self._coverage(terms) < min_coverage

    def _coverage(self, terms) -> float:
        weights = {term: self.site.weight(term) for term in terms if term not in _FRAMING}
        total = sum(weights.values())
        return sum(w for term, w in weights.items() if self._uses(term)) / total if total else 1.0

    def _uses(self, term: str) -> bool:
        """Does the post use `term` at least twice: the word itself, or words of its stem as
        _names judges it ("launch" and "launches" for "launched")?"""
        if self.count(term) >= 2:
            return True
        stem = max(5, len(term) - 3)
        if len(term) < stem:
            return False
        prefix = term[:stem]
        words, running = self._words_in_order
        first = bisect.bisect_left(words, prefix)
        after = bisect.bisect_left(words, prefix[:-1] + chr(ord(prefix[-1]) + 1), first)
        return running[after] - running[first] >= 2

    @functools.cached_property
    def _words_in_order(self) -> tuple[list[str], list[int]]:
        """The body's words casefolded and sorted, with the running total of their counts: the
        words of one prefix are a slice of them, found by bisection (_uses asks about a few)."""
        counts: dict[str, int] = {}
        for word, count in self._body.items():
            folded = word.casefold()
            counts[folded] = counts.get(folded, 0) + count
        ordered = sorted(counts)
        return ordered, list(itertools.accumulate((counts[word] for word in ordered), initial=0))


RULES = [summary_relevance]
