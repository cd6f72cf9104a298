"""Glossary rules (CPY): terms defined across the posts of a site."""

from __future__ import annotations

import difflib
import functools
import html
import re
from collections.abc import Iterator

from postlint.digest import digest
from postlint.errors import ConfigError, YamlError
from postlint.finding import Problem
from postlint.jekyll.site import PostEntry
from postlint.lazy_patterns import lazy_compile
from postlint.options import Option
from postlint.parse.definitions import (
    TERM_MARKUP,
    Definition,
    term_key,
    word_difference,
)
from postlint.parse.frontmatter import load_yaml
from postlint.record import FrozenRecord
from postlint.registry import rule

# Bold lead-ins that label a paragraph (callouts, Q&A) instead of defining a term, in the
# languages of the corpora postlint is tried on. An ignore list only ever removes findings, so
# it applies to posts in every language.
LABELS = ["note", "notes", "tip", "pro tip", "warning", "caution", "important", "update", "updated", "edit",
          "editor's note", "example", "examples", "disclaimer", "notice", "summary", "tl;dr", "tldr", "hint",
          "reminder", "question", "answer", "q", "a", "source", "sources", "credit", "photo", "image", "bonus",
          "result", "results", "before", "after", "problem", "solution", "why", "how", "what", "who", "when",
          "where",
          # the same callouts in other languages
          "hinweis", "warnung", "achtung", "anmerkung", "remarque", "avertissement", "attention", "nota", "aviso",
          "advertencia", "atención", "avviso", "attenzione", "poznámka", "varování", "upozornění", "注意", "警告",
          "注", "备注", "참고", "주의", "경고", "примечание", "предупреждение", "внимание"]

# Text that may hold a definition at all (see parse/definitions.py): a bold term with a colon
# inside or after it, a kramdown `: definition` line, an HTML <dt>. Only such posts are parsed.
# Every alternative starts with a character (no `^`, no IGNORECASE), so `re` skips to the few
# places where one can start: 2.3 times faster, and 2% of a whole-site run before.
MAY_DEFINE = lazy_compile(r":(?:\*\*|__)|(?:\*\*|__)[ \t]*:|\n[ \t]{0,3}:[ \t]|<[dD][tT]")
_DEFINITION_LINE_FIRST = lazy_compile(r"[ \t]{0,3}:[ \t]")
# Scripts written without spaces: each character counts as a word, so that length limits and
# word differences mean something in Japanese or Chinese too.
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


@functools.cache
def _token() -> re.Pattern[str]:
    """A word, or one character of a script written without spaces; compiled on first use (the
    class of word characters outside those scripts took 5 ms to compile, on every run)."""
    return re.compile(f"[{_UNSPACED}]|[^\\W{_UNSPACED}]+")


class Entry(FrozenRecord):
    """One definition as compared across posts: where it is and its words."""
    __slots__ = ("rel", "line", "term", "words", "folded")

    rel: str  # the post (or glossary file) relative to the site root
    line: int
    term: str
    words: tuple[str, ...]  # as written, punctuation and markup removed
    folded: tuple[str, ...]  # compared: case-folded

    def __init__(self, rel: str, line: int, term: str, words: tuple[str, ...], folded: tuple[str, ...]) -> None:
        self.rel = rel
        self.line = line
        self.term = term
        self.words = words
        self.folded = folded


def _entry(rel: str, line: int, term: str, text: str) -> Entry:
    words = tuple(_token().findall(text))
    return Entry(rel, line, term, words, tuple(word.casefold() for word in words))


@functools.lru_cache(maxsize=8)
def _ignored(labels: tuple[str, ...]) -> frozenset[str]:
    return frozenset(term_key(label) for label in labels)


def _counted(post, options, kramdown: bool) -> dict[str, Definition]:
    """The post's first definition of each term that counts for these options (see the docs)."""
    ignored = _ignored(tuple(options.ignore_terms))
    found = [d for d in post.definitions if kramdown or d.syntax != "kramdown"]
    counts: dict[str, int] = {}
    for definition in found:
        counts[definition.key] = counts.get(definition.key, 0) + 1
    first: dict[str, Definition] = {}
    for d in found:
        if d.key in ignored or len(d.key.split()) > options.max_term_words or counts[d.key] > 2 \
                or len(_token().findall(" ".join(d.words))) > options.max_definition_words:
            continue  # a label, a headline, a speaker (three or more lead-ins), a paragraph
        first.setdefault(d.key, d)
    return first


def _definitions_fact(kramdown: bool, settings: str) -> str:
    """The name of the per-file fact holding a post's definitions as these options count them."""
    return f"definitions:{kramdown}:{settings}"


def _definitions_in(site, rel: str, options, kramdown: bool) -> list:
    """[language, {term key: [line, term, definition text]}] of the definitions another post
    counts: a per-file fact, so a warm run parses no post that did not change."""
    other = site.whole_post(rel)
    if other.read_error is not None:
        return ["", {}]
    counted = _counted(other, options, kramdown)
    return [site.language(other.data, rel), {key: [d.line, d.term, " ".join(d.words)] for key, d in counted.items()}]


@functools.lru_cache(maxsize=256)  # asked once per term of the post being checked
def _searchable(text: str) -> str:
    """A post's text as a term key's words appear in it: lower case, without the markup a term
    key drops (`**max_conn**ections`), and once more with HTML entities decoded (a `<dt>` term's
    text is decoded, a bold term's is not)."""
    lowered = TERM_MARKUP.sub("", text).lower()
    return lowered + "\n" + TERM_MARKUP.sub("", html.unescape(text)).lower() if "&" in text else lowered


def _may_define(site, rel: str) -> bool:
    text = site.whole_post(rel).text
    return MAY_DEFINE.search(text) is not None or _DEFINITION_LINE_FIRST.match(text) is not None


def _defining_posts(site, future: bool, fact: str) -> list[PostEntry]:
    """The published posts that define a term, or may: those whose definitions are known (the
    cache's fact) and hold one, and those whose text could hold a definition that is not parsed
    yet. Whether a post's text could is a per-file fact."""
    def build() -> list[PostEntry]:
        found: list[PostEntry] = []
        published = {entry.rel: entry for entry in site.published_posts(future)}
        for rel, may in site.facts_of("may-define", published, lambda rel: _may_define(site, rel)):
            known, defined = site.known_fact(fact, rel) if may else (True, ["", {}])
            if not known or defined[1]:
                found.append(published[rel])
        return found
    return site.index(f"may-define:{future}:{fact}", build)


def _every_definition(site, future: bool, options, kramdown: bool, settings: str) -> dict[str, list]:
    """The definitions of every post that may define a term, by path: a run over many posts asks
    for most of them. In a parallel run each worker computes its share's in the fact pass, and
    keeps those posts parsed for their own check."""
    fact = _definitions_fact(kramdown, settings)
    return site.index(f"every-definition:{future}:{fact}", lambda: dict(site.facts_of(
        fact, [entry.rel for entry in _defining_posts(site, future, fact)],
        lambda rel: _definitions_in(site, rel, options, kramdown))))


def _definitions_of_term(ctx, kramdown: bool, settings: str, key: str) -> dict[str, list[Entry]]:
    """Language -> every published post's definition of the term `key`, earliest post first.

    A post is parsed only when the cache does not know its definitions and its text holds the
    term's longest word: a pre-commit run that checks one post parses at most the few posts
    that could define its terms, not the whole site.
    """
    site = ctx.site
    future = site.future(ctx.config.site.get("future"))
    fact = _definitions_fact(kramdown, settings)
    if site.checks_many:
        return _definitions_by_term(site, future, ctx.options, kramdown, settings).get(key, {})
    needle = max(key.split(), key=len)

    def build() -> dict[str, list[Entry]]:
        dated = []
        for entry in _defining_posts(site, future, fact):
            if not site.known_fact(fact, entry.rel)[0] and needle not in _searchable(site.whole_post(entry.rel).text):
                continue
            language, defined = site.per_file(fact, entry.rel, lambda: _definitions_in(site, entry.rel, ctx.options, kramdown))
            if key in defined:
                dated.append((site.post_date(entry), entry.rel, language, key, defined[key]))
        return _by_term(dated).get(key, {})
    return site.index(f"definitions:{future}:{kramdown}:{settings}:{key}", build)


def _definitions_by_term(site, future: bool, options, kramdown: bool, settings: str) -> dict[str, dict[str, list[Entry]]]:
    """_definitions_of_term for every term at once, from _every_definition: in a run over many
    posts, one index instead of one per term (the same answers: every definition is known)."""
    fact = _definitions_fact(kramdown, settings)

    def build() -> dict[str, dict[str, list[Entry]]]:
        every = _every_definition(site, future, options, kramdown, settings)
        return _by_term([(site.post_date(entry), entry.rel, language, key, definition)
                         for entry in _defining_posts(site, future, fact) if entry.rel in every
                         for language, defined in [every[entry.rel]] for key, definition in defined.items()])
    return site.index(f"definitions-by-term:{future}:{fact}", build)


def _by_term(dated: list) -> dict[str, dict[str, list[Entry]]]:
    """Term key -> language -> its definitions, earliest post first (undated last, then by path),
    from (date, path, language, term key, [line, term, text]) items."""
    index: dict[str, dict[str, list[Entry]]] = {}
    for _, rel, language, key, (line, term, text) in sorted(dated, key=lambda item: (item[0] is None, item[0] or 0, item[1])):
        index.setdefault(key, {}).setdefault(language, []).append(_entry(rel, line, term, text))
    return index


def _glossary(site, name: str) -> dict[str, Entry]:
    """The glossary data file: term key -> its definition. A ConfigError when it cannot be used."""
    where = f"rules.cross-post-definition.glossary: '{name}'"
    data = site.site_file(name)
    if isinstance(data, str):
        raise ConfigError(f"{where} {data}")
    try:
        text = data.decode("utf-8-sig")
        loaded = load_yaml(text, name)
    except (UnicodeDecodeError, YamlError) as exc:
        raise ConfigError(f"{where} is not readable YAML: {exc}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError(f"{where} must map each term to its definition, not be a {type(loaded).__name__}")
    lines = text.split("\n")
    glossary = {}
    for term, definition in loaded.items():
        if not isinstance(definition, str) or not isinstance(term, (str, int, float)):
            raise ConfigError(f"{where}: the definition of '{term}' must be text")
        glossary[term_key(str(term))] = _entry(name, _line_of(lines, str(term)), str(term), definition)
    return glossary


def _line_of(lines: list[str], term: str) -> int:
    """The line of a top-level glossary key (1 when it cannot be told)."""
    key = re.compile(rf"""^["']?{re.escape(term)}["']?[ \t]*:""")
    return next((number for number, line in enumerate(lines, 1) if key.match(line)), 1)


@rule("CPY006", "cross-post-definition", severity="warning", options=[
    Option("ignore_terms", "list[str]", LABELS,
           "Bold lead-ins that label a paragraph (callouts such as `Note` or `Warnung`, `Q`, `Who`) instead of "
           "defining a term; compared like terms."),
    Option("max_term_words", "int", 8, "A longer bold lead-in is a headline, not a term.", minimum=1),
    Option("max_definition_words", "int", 40,
           "A longer text after a bold lead-in is a paragraph (a newsletter item, an answer), not a definition. "
           "In Japanese and Chinese each character counts as a word.", minimum=1),
    Option("min_similarity", "number", 0.5,
           "From 0 to 1: two definitions whose words are less alike than this (difflib's ratio over the words) "
           "are two senses of one word or two labels (a time of day in two schedules), not one term that "
           "drifted. Comparisons with the glossary ignore it.", minimum=0, maximum=1),
    Option("glossary", "str|null", None,
           "A YAML data file of the site mapping each term to its definition (e.g. `_data/glossary.yml`), relative "
           "to the site root. Posts are then held to it for its terms."),
])
def cross_post_definition(post, ctx) -> Iterator[Problem]:
    """A term is defined differently in two posts of the site (or differently from the site's glossary); the finding names the other post and line and shows the difference word by word.

    ## What it does
    Compares each term this post defines with the definitions of the same term in the site's
    other published posts (no drafts, no `published: false`, no future posts unless the site
    builds them), and reports a definition whose words differ from another post's, naming the
    earliest such post (by date) with its path and line and showing the difference word by
    word (`all → qualified`). Each post with a different definition is reported. Definitions
    are found as in `conflicting-definition`: a paragraph or list item starting with a bold term
    and a colon, a kramdown definition list (when the site uses kramdown) or `<dt>`/`<dd>`.
    Terms are compared ignoring case and markup; definitions by their words, ignoring case,
    punctuation and emphasis. Only posts in the same language (`lang` of the post, else of
    `_config.yml`; none counts as English) are compared: a translation is no conflict.

    Not definitions, and never compared: lead-ins in `ignore_terms` (callouts), terms longer
    than `max_term_words`, texts longer than `max_definition_words`, and a lead-in that starts
    three or more blocks of one post (an interviewer's name). Two definitions less alike than
    `min_similarity` are taken as two meanings, not drift.

    With a `glossary`, a post (in the site's own language) that defines a glossary term
    differently from the glossary is reported against the glossary file and its line, whatever
    the similarity, and not against other posts for that term.

    Each term's definitions across the site are gathered once per run, parsing only posts whose
    text could hold a definition and holds the term; a draft or a single file given on the
    command line is compared with the whole site. A post's result depends on every published post, so editing any post
    re-checks every post for this rule.

    ## Why is this bad?
    KPI glossaries drift: one post says win rate is won deals over all opportunities, a later
    one over qualified opportunities. Readers who meet both cannot tell which number the team
    reports, and the older post quietly contradicts the newer one.

    ## Example
    ```markdown
    <!-- _posts/2024-01-15-pipeline-review.md -->
    * **Win rate**: won deals divided by all opportunities in the quarter.

    <!-- _posts/2024-06-03-forecast-basics.md -->
    * **Win rate**: won deals divided by qualified opportunities in the quarter.
    ```

    ## Use instead
    Define the term the same way everywhere, or keep one definition (a glossary page or
    `_data/glossary.yml`) and link to it.

    ## Options
    """
    if post.kind not in ("post", "draft") or post.read_error is not None:
        return
    site = ctx.site
    kramdown = str(site.config.get("markdown") or "kramdown").lower() == "kramdown"
    settings = digest([sorted(ctx.options.ignore_terms), ctx.options.max_term_words, ctx.options.max_definition_words])
    if site.checks_many:  # whatever this post holds, so that a parallel run's fact pass computes them
        future = site.future(ctx.config.site.get("future"))
        site.prepare(lambda: _every_definition(site, future, ctx.options, kramdown, settings))
    own = _counted(post, ctx.options, kramdown)
    if not own:
        return
    language = site.language(post.data, post.rel)
    glossary: dict[str, Entry] = {}
    if ctx.options.glossary and language == site.language({}):
        name = ctx.options.glossary
        glossary = site.index(f"glossary:{name}", lambda: _glossary(site, name))
    for key, definition in own.items():
        mine = _entry(post.rel, definition.line, definition.term, " ".join(definition.words))
        reference = glossary.get(key)
        if reference is not None:
            if reference.folded != mine.folded:
                yield Problem(definition.line, definition.column,
                              f"'{definition.term}' is defined differently than in the glossary {reference.rel} line "
                              f"{reference.line} ({_difference(reference, mine)})", fingerprint=key)
            continue
        others = _definitions_of_term(ctx, kramdown, settings, key).get(language, ())
        other = next((e for e in others if e.rel != post.rel and e.folded != mine.folded
                      and _similarity(e, mine) >= ctx.options.min_similarity), None)
        if other is not None:
            yield Problem(definition.line, definition.column,
                          f"'{definition.term}' is defined differently than in {other.rel} line {other.line} "
                          f"({_difference(other, mine)})", fingerprint=key)


def _similarity(a: Entry, b: Entry) -> float:
    return difflib.SequenceMatcher(None, a.folded, b.folded, autojunk=False).ratio()


def _difference(old: Entry, new: Entry) -> str:
    return word_difference(old.words, new.words, old.folded, new.folded)


RULES = [cross_post_definition]
