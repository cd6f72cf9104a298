"""The terms the site's published posts define: what cross-post-definition asks of the other posts.

A post's definitions, as compared across posts, are a per-file fact of the post. The definitions
of one term across the site are the answer to one question (Site.term_definitions), which the
site model records as an input of its own with the answer's digest: a post's result then depends
on the definitions of the terms it defines, and an edit elsewhere that leaves those as they were
leaves it valid (see facts.py).

Which definitions count: those of parse/definitions.counted_definitions with the site's Markdown
engine and the rule's `max_definition_words`. Its other options (`ignore_terms`,
`max_term_words`) judge a term key alone, so the post that asks about a term has applied them.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable

from postlint.lazy_patterns import lazy_compile

# Text that may hold a definition at all (see parse/definitions.py): a bold term with a colon
# inside or after it, a kramdown `: definition` line, an HTML <dt>. Only such posts are parsed.
# Every alternative starts with a character (no `^`, no IGNORECASE), so `re` skips to the few
# places where one can start: 2.3 times faster, and 2% of a whole-site run before.
MAY_DEFINE = lazy_compile(r":(?:\*\*|__)|(?:\*\*|__)[ \t]*:|\n[ \t]{0,3}:[ \t]|<[dD][tT]")
_DEFINITION_LINE_FIRST = lazy_compile(r"[ \t]{0,3}:[ \t]")

# language -> [[path, line, term as written, definition text], ...], earliest post first
TermDefinitions = dict[str, list[list]]


def fact_name(kramdown: bool, max_words: int) -> str:
    """The name of the per-file fact holding a post's definitions as these settings count them."""
    return f"definitions:{kramdown}:{max_words}"


def every_term(site, future: bool, kramdown: bool, max_words: int) -> Callable[[], dict[str, TermDefinitions]]:
    """The builder of term key -> definitions_of_term, for every term at once: in a run over many
    posts, one index instead of one per term (the same answers: every definition is known)."""
    fact = fact_name(kramdown, max_words)

    def build() -> dict[str, TermDefinitions]:
        every = site.index(f"every-definition:{future}:{fact}", lambda: dict(site.facts_of(
            fact, [entry.rel for entry in _defining_posts(site, future, fact)],
            lambda rel: _definitions_in(site, rel, kramdown, max_words))))
        return _by_term([(site.post_date(entry), entry.rel, language, key, definition)
                         for entry in _defining_posts(site, future, fact) if entry.rel in every
                         for language, defined in [every[entry.rel]] for key, definition in defined.items()])
    return build


def one_term(site, key: str, future: bool, kramdown: bool, max_words: int) -> Callable[[], TermDefinitions]:
    """The builder of the published posts' definitions of the term `key`, by language.

    A post is parsed only when its definitions are not known already and its text holds the
    term's longest word: a pre-commit run that checks one post parses at most the few posts
    that could define its terms, not the whole site."""
    fact = fact_name(kramdown, max_words)
    needle = max(key.split(), key=len, default="")

    def build() -> TermDefinitions:
        dated = []
        for entry in _defining_posts(site, future, fact):
            if not site.known_fact(fact, entry.rel)[0] and needle not in _searchable(site.whole_post(entry.rel).text):
                continue
            language, defined = site.per_file(fact, entry.rel, lambda: _definitions_in(site, entry.rel, kramdown, max_words))
            if key in defined:
                dated.append((site.post_date(entry), entry.rel, language, key, defined[key]))
        return _by_term(dated).get(key, {})
    return build


def _definitions_in(site, rel: str, kramdown: bool, max_words: int) -> list:
    """[language, {term key: [line, term, definition text]}] of the definitions another post counts."""
    # Imported here, as the Markdown parser it imports: only a post parsed needs them.
    from postlint.parse.definitions import counted_definitions

    other = site.whole_post(rel)
    if other.read_error is not None or other.markdown_error is not None:  # its own PL002 finding says why
        return ["", {}]
    counted = counted_definitions(other.definitions, kramdown, max_words)
    return [site.language(other.data, rel), {key: [d.line, d.term, " ".join(d.words)] for key, d in counted.items()}]


@functools.lru_cache(maxsize=256)  # asked once per term the post being checked defines
def _searchable(text: str) -> str:
    """A post's text as a term key's words appear in it: lower case, without the markup a term
    key drops (`**max_conn**ections`), and once more with HTML entities decoded (a `<dt>` term's
    text is decoded, a bold term's is not)."""
    from postlint.parse.definitions import TERM_MARKUP

    lowered = TERM_MARKUP.sub("", text).lower()
    return lowered + "\n" + TERM_MARKUP.sub("", html.unescape(text)).lower() if "&" in text else lowered


def _may_define(site, rel: str) -> bool:
    text = site.whole_post(rel).text
    return MAY_DEFINE.search(text) is not None or _DEFINITION_LINE_FIRST.match(text) is not None


def _defining_posts(site, future: bool, fact: str) -> list:
    """The published posts that define a term, or may: those whose definitions are known (the
    cache's fact) and hold one, and those whose text could hold a definition that is not parsed
    yet. Whether a post's text could is a per-file fact."""
    def build() -> list:
        found = []
        published = {entry.rel: entry for entry in site.published_posts(future)}
        for rel, may in site.facts_of("may-define", published, lambda rel: _may_define(site, rel)):
            known, defined = site.known_fact(fact, rel) if may else (True, ["", {}])
            if not known or defined[1]:
                found.append(published[rel])
        return found
    return site.index(f"may-define:{future}:{fact}", build)


def _by_term(dated: list) -> dict[str, TermDefinitions]:
    """Term key -> language -> its definitions, earliest post first (undated last, then by path),
    from (date, path, language, term key, [line, term, text]) items."""
    index: dict[str, TermDefinitions] = {}
    for _, rel, language, key, (line, term, text) in sorted(dated, key=lambda item: (item[0] is None, item[0] or 0, item[1])):
        index.setdefault(key, {}).setdefault(language, []).append([rel, line, term, text])
    return index
