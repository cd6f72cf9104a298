"""Glossary rules (CPY): terms defined across the posts of a site."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator

from postlint.errors import ConfigError, YamlError
from postlint.finding import Problem
from postlint.options import Option
from postlint.parse.definitions import (
    Definition,
    counted_definitions,
    definition_tokens,
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
    words = tuple(definition_tokens(text))
    return Entry(rel, line, term, words, tuple(word.casefold() for word in words))


@functools.lru_cache(maxsize=8)
def _ignored(labels: tuple[str, ...]) -> frozenset[str]:
    return frozenset(term_key(label) for label in labels)


def _counted(post, options, kramdown: bool) -> dict[str, Definition]:
    """The post's first definition of each term that counts for these options (see the docs)."""
    ignored = _ignored(tuple(options.ignore_terms))
    return {key: definition for key, definition in counted_definitions(post.definitions, kramdown,
                                                                       options.max_definition_words).items()
            if key not in ignored and len(key.split()) <= options.max_term_words}


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
    than `max_term_words`, texts longer than `max_definition_words`, a lead-in that starts
    three or more blocks of one post (an interviewer's name), and one that the site's posts in a
    language follow with more than 32 different texts (a label such as `**Why it matters**:`).
    Two definitions less alike than `min_similarity` are taken as two meanings, not drift.

    With a `glossary`, a post (in the site's own language) that defines a glossary term
    differently from the glossary is reported against the glossary file and its line, whatever
    the similarity, and not against other posts for that term.

    Each term's definitions across the site are gathered once per run, parsing only posts whose
    text could hold a definition and holds the term; a draft or a single file given on the
    command line is compared with the whole site. A post's cached result depends on the
    definitions of the terms it defines: editing another post re-checks it only when that
    changes how the site defines one of them.

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
    future = site.future(ctx.config.site.get("future"))
    max_words = ctx.options.max_definition_words
    if site.checks_many:  # whatever this post holds, so that a parallel run's fact pass computes them
        site.prepare_term_definitions(future, kramdown, max_words)
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
        defined = site.term_definitions(key, future, kramdown, max_words).get(language, ())
        other = _earliest_similar(_distinct(defined), post.rel, mine, ctx.options.min_similarity)
        if other is not None:
            yield Problem(definition.line, definition.column,
                          f"'{definition.term}' is defined differently than in {other.rel} line {other.line} "
                          f"({_difference(other, mine)})", fingerprint=key)


# A lead-in the site's posts follow with more different texts than this is a label (`**Why it
# matters**:` in every newsletter), not a term: its definitions are not compared. Each post that
# defines a term is compared with each other text of it, and a term defined differently by each
# of thousands of posts took minutes (quadratic in the posts).
MAX_DISTINCT_DEFINITIONS = 32


class _Texts(FrozenRecord):
    """One text (words case-folded) the site defines a term with: its earliest two definitions
    and their places in the earliest-first list of all the term's definitions."""
    __slots__ = ("folded", "first", "first_at", "second", "second_at")

    folded: tuple[str, ...]
    first: Entry
    first_at: int
    second: Entry | None
    second_at: int

    def __init__(self, folded: tuple[str, ...], first: Entry, first_at: int, second: Entry | None = None,
                 second_at: int = -1) -> None:
        self.folded = folded
        self.first = first
        self.first_at = first_at
        self.second = second
        self.second_at = second_at


_DISTINCT: dict[int, tuple[list, list[_Texts]]] = {}  # id of a term's definitions -> them, their texts


def _distinct(defined: list) -> list[_Texts]:
    """The different texts of a term's definitions ([path, line, term, text] each, earliest
    first), in the order they first appear; found once for each list (site.term_definitions gives
    every post that asks the same one), not once for each post that defines the term."""
    found = _DISTINCT.get(id(defined))
    if found is not None and found[0] is defined:
        return found[1]
    texts: dict[tuple[str, ...], _Texts] = {}
    for at, other in enumerate(defined):
        entry = _entry(*other)
        known = texts.get(entry.folded)
        if known is None:
            texts[entry.folded] = _Texts(entry.folded, entry, at)
        elif known.second is None:
            texts[entry.folded] = _Texts(entry.folded, known.first, known.first_at, entry, at)
    if len(_DISTINCT) >= 1024:
        _DISTINCT.clear()
    _DISTINCT[id(defined)] = (defined, list(texts.values()))  # the list kept: its id stays its own
    return _DISTINCT[id(defined)][1]


def _earliest_similar(texts: list[_Texts], rel: str, mine: Entry, min_similarity: float) -> Entry | None:
    """The earliest definition by another post than `rel` whose text differs from `mine` but is at
    least `min_similarity` alike (None: none, or the term is a label)."""
    if len(texts) > MAX_DISTINCT_DEFINITIONS:
        return None
    best: tuple[int, Entry] | None = None
    for text in texts:
        if best is not None and text.first_at > best[0]:
            break  # every later text's definitions come after the best one
        at, entry = (text.first_at, text.first) if text.first.rel != rel else (text.second_at, text.second)
        if entry is None or text.folded == mine.folded or best is not None and at > best[0]:
            continue
        if _similarity(entry, mine) >= min_similarity:
            best = (at, entry)
    return None if best is None else best[1]


def _similarity(a: Entry, b: Entry) -> float:
    return difflib.SequenceMatcher(None, a.folded, b.folded, autojunk=False).ratio()


def _difference(old: Entry, new: Entry) -> str:
    return word_difference(old.words, new.words, old.folded, new.folded)


RULES = [cross_post_definition]
