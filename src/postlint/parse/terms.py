"""Terms of a text for relevance checks: casefolded runs of letters, English plurals folded, with
English function words set apart.

Words are runs of letters with their combining marks (parse/words.py), so any alphabet tokenises; the stop
words and the plural folding are English and are only applied to English posts by the rules.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from postlint.lazy_patterns import lazy_compile
from postlint.parse.words import LETTERS

# Raw text that is never read as words: Liquid, HTML tags, URLs and Markdown link targets, as
# r"\{%.*?%\}|\{\{.*?\}\}|<[^>\n]*>|\]\([^)\n]*\)|https?://\S+" (re.S) finds them. That regex
# scans on from every opener that has no closer ("{%" with no "%}" after it, "<" with no ">" before
# the line ends) to the end of the text or line: quadratic, minutes for 300 KB of "<". Here a tag
# or link target is taken whole only when its closer comes before the next "<" or "]", a scan
# that stops at the next opener and so never covers a stretch twice; any other opener is taken
# alone, and plain() looks for its closer. A URL's \S+ scans only what it takes.
# No capturing groups: one would cost re its fast skip to the first character of a match.
_SPANS = lazy_compile(r"<[^<>\n]*>|\]\([^)\n\]]*\)|https?://\S+|\{%|\{\{|<|\]\(")
_CLOSERS = {"<": ">", "](": ")", "{%": "%}", "{{": "}}"}  # of each opener _SPANS takes alone

STOPWORDS = frozenset("""
a about above after again against all almost also although always am among an and another any anyone
anything are around as at away back be became because become been before being below between both
but by can cannot could did do does doing done down during each either else enough even ever every
few first for from further get gets getting give given go goes going gone got had has have having he
her here hers herself him himself his how however i if in into is it its itself just know last least
less let like likely made make makes making many may me might more most much must my myself need
needs never new next no nor not now of off often on once one only or other others our ours ourselves
out over own per perhaps quite rather really right said same say says see seem seems several shall
she should since so some something sometimes still such take than that the their theirs them
themselves then there these they thing things this those though through thus to together too toward
towards two under until up upon us use used using very via want was way ways we well were what
whatever when where whether which while who whom whose why will with within without would yet you
your yours yourself yourselves
""".split())


@functools.lru_cache(maxsize=65536)  # a site has tens of thousands of distinct words, each folded often
def fold(word: str) -> str:
    """An English plural folded to its singular, roughly: "operations" -> "operation",
    "companies" -> "company"; "business", "status" and "analysis" stay. A word that does not
    end in "s" stays as it is (fold_each skips the call for those)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def fold_each(words: Iterable[str]) -> list[str]:
    """fold of each word, called only for those that end in "s": for many words at once."""
    return [fold(word) if word[-1] == "s" else word for word in words]


def unfolded(term: str) -> list[str]:
    """The words fold turns into `term`: the term itself, "+s" and "y" to "ies", each only if fold
    does turn it into `term` ("bus" + "s" stays). fold changes a word in no other way."""
    plurals = [term, term + "s", term[:-1] + "ies"] if term.endswith("y") else [term, term + "s"]
    return [word for word in plurals if fold(word) == term]


def words(text: str) -> list[str]:
    """The casefolded words of `text`, in order."""
    return LETTERS.casefolded(text)


def is_content(word: str) -> bool:
    """A word that carries a topic: not a function word, longer than two letters (before folding)."""
    return len(word) > 2 and word not in STOPWORDS


def plain(text: str) -> str:
    """Raw Markdown, Liquid or HTML with tags, Liquid and link targets blanked: close enough to
    its words for document frequencies across a site, where parsing every post would cost more
    than the answer is worth, and for front-matter text.

    The text comes out as the regex above would leave it, each span one space, in time linear
    in the text's length (posts come from untrusted pull requests)."""
    found: dict[str, int] = {}  # closer -> where after() last found it, -1 if nowhere

    def after(closer: str, start: int) -> int:
        """text.find(closer, start), for starts that never decrease (openers only move right):
        a closer found at or after `start` is still the first one, so nothing is searched twice."""
        at = found.get(closer, -2)
        if at != -1 and at < start:
            at = found[closer] = text.find(closer, start)
        return at

    kept: list[str] = []
    done = 0  # text[:done] is in kept already
    search = _SPANS.search
    span = search(text)
    while span:
        start, end = span.span()
        closer = _CLOSERS.get(text[start:end]) if end - start < 3 else None
        if closer:
            at = after(closer, end)
            # A tag or link target ends with its line; Liquid runs on over lines.
            if at < 0 or (len(closer) == 1 and 0 <= after("\n", end) < at):
                span = search(text, start + 1)  # the opener is text, and another may start inside it: "{{%"
                continue
            end = at + len(closer)
        kept.append(text[done:start])
        kept.append(" ")
        done = end
        span = search(text, end)
    kept.append(text[done:])
    return "".join(kept)


class _Folded(dict):
    """fold of each word this process has met (a site has tens of thousands), found on first
    lookup: a text's words are mapped through it by dict lookups, without a Python call each."""

    def __missing__(self, word: str) -> str:
        if len(self) >= _MAX_FOLDED:  # a memo, never an answer: emptied rather than grown without end
            self.clear()
        folded = self[word] = fold(word) if word[-1] == "s" else word
        return folded


_MAX_FOLDED = 1 << 18
_FOLDED = _Folded()


def distinct_terms(text: str) -> list[str]:
    """The distinct folded terms of a text already made plain, in the order they first occur (a
    function of the text alone, as a set's order is not): counting the terms of every post of a
    site goes through this, and neither a Python call per word nor a sort of each post's terms."""
    return list(dict.fromkeys(map(_FOLDED.__getitem__, LETTERS.casefolded(text))))


def raw_terms(text: str) -> set[str]:
    """The distinct folded terms of a text already made plain."""
    return set(fold_each(set(LETTERS.casefolded(text))))
