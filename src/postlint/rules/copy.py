"""Copy rules (CPY): what a careful editor catches in the body text of one post."""

from __future__ import annotations

import difflib
import itertools
import operator
import re
from collections.abc import Iterator
from functools import lru_cache

from postlint.finding import Problem
from postlint.jekyll.languages import primary_subtag
from postlint.lazy_patterns import lazy_compile
from postlint.options import Option
from postlint.parse.definitions import (
    Definition,
    bold_definition,
    kramdown_definitions,
    term_key,
    word_difference,
)
from postlint.parse.prose import sentences
from postlint.parse.words import NOT_WORD, WORD, words_read
from postlint.registry import rule

# Bold lead-ins that label a paragraph rather than define a term.
CALLOUT_LABELS = ["note", "notes", "tip", "pro tip", "warning", "caution", "important", "update", "updated", "edit",
                  "editor's note", "example", "examples", "disclaimer", "summary", "tl;dr", "tldr", "hint", "reminder",
                  "question", "answer", "q", "a", "source", "sources", "credit", "photo", "image", "bonus", "result",
                  "results", "before", "after", "problem", "solution", "why", "how", "what"]

_DEFINITION_OPTIONS = [
    Option("ignore_terms", "list[str]", CALLOUT_LABELS,
           "Bold lead-ins that label a paragraph (callouts such as `Note`, `Tip`, `Q`) instead of defining a term; "
           "compared like terms."),
    Option("max_term_words", "int", 8, "A longer bold lead-in is a sentence, not a term.", minimum=1),
]

def uses_kramdown(site) -> bool:
    """Definition lists are kramdown syntax; Jekyll's default converter is kramdown."""
    return str(site.config.get("markdown") or "kramdown").lower() == "kramdown"


@lru_cache(maxsize=8)
def _term_keys(terms: tuple[str, ...]) -> frozenset[str]:
    return frozenset(term_key(term) for term in terms)


def definitions(post, options, kramdown: bool = True) -> list[Definition]:
    """The post's term definitions that count for these options (see the rules' docs): kramdown
    definition lists only where the site uses kramdown, no labels, no over-long terms."""
    found = [d for d in post.definitions if kramdown or d.syntax != "kramdown"]
    ignored = _term_keys(tuple(options.ignore_terms))
    counts: dict[str, int] = {}
    for definition in found:
        counts[definition.key] = counts.get(definition.key, 0) + 1
    return [d for d in found
            if d.key not in ignored and len(d.key.split()) <= options.max_term_words
            # a lead-in that starts three or more blocks is a label (a speaker, a step), not a term
            and counts[d.key] <= 2]


def _repeats(post, ctx) -> Iterator[tuple[Definition, Definition]]:
    first: dict[str, Definition] = {}
    for definition in definitions(post, ctx.options, uses_kramdown(ctx.site)):
        if definition.key in first:
            yield first[definition.key], definition
        else:
            first[definition.key] = definition



def _as_written(words: list[str]) -> str:
    """Words of the text as written, code and link targets included (not only the prose's): what
    makes two texts the same."""
    return " ".join(words).lower()


@rule("CPY001", "duplicate-definition", severity="warning", options=_DEFINITION_OPTIONS)
def duplicate_definition(post, ctx) -> Iterator[Problem]:
    """A term is defined twice in the same post with the same text (`* **Term**: …`, `**Term:** …`, kramdown `Term` / `: …`, `<dt>`/`<dd>`).

    ## What it does
    Finds terms defined more than once in one post with identical text, and reports the repeat
    with the line of the first definition. A definition is a paragraph or list item that starts
    with a bold term followed by a colon (`* **Win Rate**: ...`, `**Win Rate:** ...`), a kramdown
    definition list (`Win Rate` on one line, `: ...` on the next; only when the site's `markdown`
    is kramdown, Jekyll's default) or an HTML `<dt>`/`<dd>` pair.
    Terms are compared ignoring case, markup and trailing punctuation; definitions word by word,
    ignoring emphasis and line breaks. Code, inline code and Liquid are never read as
    definitions. A definition with different text is `conflicting-definition`'s business.

    ## Why is this bad?
    A glossary pasted twice (two KPI lists that both explain the same metric) reads as padding
    and is usually the first sign of two drafts merged carelessly: next time one copy gets
    corrected and the other does not.

    ## Example
    ```markdown
    * **Ramp time**: weeks from a rep's first day to full quota.

    ...

    * **Ramp time**: weeks from a rep's first day to full quota.
    ```

    ## Use instead
    Define the term once and refer back to it ("ramp time, as defined above").

    ## Options
    A lead-in that starts three or more blocks of a post (speaker names in an interview) is a
    label, not a term, and is never reported.
    """
    for first, repeat in _repeats(post, ctx):
        if first.words == repeat.words:
            yield Problem(repeat.line, repeat.column,
                          f"'{repeat.term}' is defined again with the same text; first defined on line {first.line}",
                          fingerprint=repeat.key)


@rule("CPY002", "conflicting-definition", severity="error", options=[
    *_DEFINITION_OPTIONS,
    Option("min_similarity", "number", 0.5,
           "From 0 to 1: two definitions whose words are less alike than this (difflib's ratio over the word lists) "
           "describe two different things on purpose, not one thing twice: the manager of one team and then of "
           "another, or a speaker's two answers in an interview (`**Ana:** ...`). A copy with a typo is far above 0.5.",
           minimum=0, maximum=1),
    Option("max_definition_words", "int", 40,
           "A longer text after a bold lead-in is a paragraph (a newsletter item, an answer), not a definition: two "
           "that differ are not compared (comparing texts of n words takes up to n² steps; `duplicate-definition` "
           "still reports one repeated as it was).", minimum=1, maximum=200),
])
def conflicting_definition(post, ctx) -> Iterator[Problem]:
    """A term is defined twice in the same post with different text; the finding shows the difference word by word (`your → our`) and both lines.

    ## What it does
    Finds terms defined more than once in one post whose definitions differ, and shows the
    difference word by word (`your → our`) with the lines of both definitions. Definitions are
    found as in `duplicate-definition`: a paragraph or list item starting with a bold term and a
    colon, a kramdown definition list (`Term` / `: definition`), or `<dt>`/`<dd>`; terms compared
    ignoring case, markup and trailing punctuation; code and Liquid never read.

    ## Why is this bad?
    Readers cannot tell which definition is right, and the difference is usually a typo that
    survived in one copy ("our number" where the other says "your number").

    ## Example
    ```markdown
    * **Win rate**: your won deals divided by all your opportunities.

    ...

    * **Win rate**: our won deals divided by all your opportunities.
    ```

    ## Use instead
    Define the term once; if two sections need it, make the second refer back to the first.

    ## Options
    A lead-in that starts three or more blocks of a post is a label and is never reported.
    """
    for first, repeat in _repeats(post, ctx):
        if first.words == repeat.words or max(len(first.words), len(repeat.words)) > ctx.options.max_definition_words:
            continue
        matcher = difflib.SequenceMatcher(None, first.words, repeat.words, autojunk=False)
        if matcher.ratio() >= ctx.options.min_similarity:
            yield Problem(repeat.line, repeat.column,
                          f"'{repeat.term}' is defined differently here than on line {first.line} "
                          f"({word_difference(first.words, repeat.words, matcher=matcher)}); lines {first.line} "
                          f"and {repeat.line}", fingerprint=repeat.key)


VAGUE_LINK_TEXTS = ["here", "click here", "read more", "learn more", "this link", "this post", "this article", "this page",
                    "link", "more"]
VAGUE_LINK_STARTS = ["click here", "tap here"]
# A link text that is only a small number ("1", "[2]", "(3)"); a four-digit one names a year
# ("2023"), "#348" an issue, and "^1" is a kramdown footnote marker.
_BARE_NUMBER = lazy_compile(r"[\[(]?\d{1,3}[\])]?")


def _plain(text: str) -> str:
    return NOT_WORD.sub(" ", text).strip().lower()


def _footnote_marker(post, link) -> bool:
    """A number linking within the page (`[1](#fn1)`, `[3](#story-3)`) or set in superscript
    (`<sup>[1](…)</sup>`): a note marker, which readers know to follow to its note."""
    before = post.text[max(0, link.start - 8):link.start].lower()
    return link.href.strip().startswith("#") or before.rstrip().endswith(("<sup>", "<sup >"))


@lru_cache(maxsize=8)
def _plain_phrases(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """The option's phrases as _plain compares them, the empty ones left out (once per option
    value, not once per link)."""
    return tuple(plain for plain in map(_plain, phrases) if plain)


def _vague_link(post, link, english: bool, options) -> str | None:
    """Why this link's text says nothing out of context (None: it does, as far as a linter can tell)."""
    plain = _plain(link.text)
    if _BARE_NUMBER.fullmatch(link.text.strip(" \t\n*_")):
        return "is only a number" if options.numbers and not _footnote_marker(post, link) else None
    if not english:
        return None  # the phrases are English
    if plain in _plain_phrases(tuple(options.texts)):
        return "says nothing out of context"
    opening = next((start for start in _plain_phrases(tuple(options.starts)) if plain.startswith(start + " ")), None)
    return f"starts with '{opening}', which says nothing out of context" if opening else None


@rule("CPY003", "link-text", severity="warning", options=[
    Option("texts", "list[str]", VAGUE_LINK_TEXTS,
           "Link texts that say nothing out of context, compared after lower-casing and turning punctuation into spaces "
           "(English posts)."),
    Option("starts", "list[str]", VAGUE_LINK_STARTS,
           "Phrases that make a link text vague even when more follows (`click here to view it`), compared like "
           "`texts` (English posts)."),
    Option("numbers", "bool", True,
           "Report link texts that are only a number of up to three digits (`[1](https://…)`); off for sites whose "
           "house style cites sources by number."),
])
def link_text(post, ctx) -> Iterator[Problem]:
    """A link whose text says nothing out of context ("here", "click here to view it", "read more", "this article", a bare "1", …).

    ## What it does
    Reports links (Markdown, reference-style and HTML `<a>`) whose text, ignoring case,
    punctuation and emphasis, is one of `texts` or starts with one of `starts`
    (`click here for the report`), and links whose text is only a number of up to three digits
    (`[1](https://…)`, `[[2]](…)`). Links whose text is only inline code or only an image, and
    links inside code, are not checked. A Liquid tag in the destination may span lines
    (`[here]({% post_url` and `2024-01-15-ramp-time-benchmark %})` on the next line): Jekyll
    renders it to one URL before kramdown reads the link, so it is a link like any other.

    The phrases are English: they are looked for only in English posts (a post's `lang`, else
    `_config.yml`'s, else English). Numbers are looked for in every post, except a number that
    links within the page (`[1](#fn1)`, a footnote or section marker) or is set in superscript
    (`<sup>`); kramdown footnotes (`[^1]`) are not links. A four-digit number names a year
    ("the [2023](…) talks") and is not reported.

    This agrees with markdownlint's MD059 (`descriptive-link-text`) on `here`, `click here`,
    `link` and `more`, with the same normalisation (`[click-here!!!!]` counts as "click here").
    On purpose it also reports `read more`, `learn more`, `this link`, `this post`,
    `this article` and `this page`, which MD059 accepts: out of context (a screen reader's list
    of links, a search snippet) they say just as little.

    ## Why is this bad?
    Screen-reader users jump from link to link and hear only the link text; search engines use
    it to understand the target. "here", "click here to view it" or "1" tells neither where the
    link goes.

    ## Example
    ```markdown
    You can read about ramp benchmarks [here]({% post_url 2024-01-15-ramp-time-benchmark %}).
    [Click here for the report](/reports/q1/). Sources: [1](https://example.com/churn-study).
    ```

    ## Use instead
    ```markdown
    Read our [ramp-time benchmarks by segment]({% post_url 2024-01-15-ramp-time-benchmark %}).
    The [Q1 pipeline report](/reports/q1/). Source: [the churn study](https://example.com/churn-study).
    ```

    ## Options
    """
    english = ctx.site.is_english(post.data if isinstance(post.data, dict) else {})
    body = post.body
    for link in body.links:
        if not _plain(link.text) or post.in_code(link.start):
            continue
        why = _vague_link(post, link, english, ctx.options)
        if why is None:
            continue
        if link.kind in ("inline", "reference") and not WORD.search(body.prose, link.start, link.end):
            continue  # the text is inline code or an image: no words a reader reads as the label
        line, column = post.position(link.start)
        yield Problem(line, column, f"link text '{link.text}' {why}; say where the link goes",
                      fingerprint=_plain(link.text))


# Doubles that are deliberate in any language: interjections and sounds ("ha ha", "blah blah"),
# and C's `long long`.
LEGIT_REPEATS = ["ha", "ho", "haha", "blah", "bla", "la", "yada", "tsk", "tut", "beep", "boo", "choo", "bang", "bye",
                 "knock", "chop", "long"]
# The languages repeated-word checks, each with the doubles its grammar makes: English "had had",
# "that that"; German article and relative pronoun ("die die", "das das", "der der"), "dass sie
# sie"; French reflexive pronouns ("nous nous", "vous vous"). Languages that double words as
# grammar (reduplication: Vietnamese "song song", Indonesian and Malay, Hindi "धीरे धीरे",
# Chinese, Japanese, Korean, Thai; Italian "piano piano") are left out, and so is every language
# whose doubles nobody listed yet: a false alarm on correct text costs more than a missed typo.
CHECKED_LANGUAGES = {
    "en": ["had", "that", "is", "do", "does", "very", "many", "so", "no", "yeah", "well"],
    "de": ["die", "der", "das", "den", "dem", "sie", "so"],
    "fr": ["nous", "vous"],
    "es": [],
    "pt": [],
    "nl": [],
    "cs": [],
}
# French nouns that are also their verb's third person ("change", "ferme", "porte", "marche"): after
# one of these, the first of two such words is the noun and the second its verb ("le taux de change
# change", "la ferme ferme à midi"). Only words of four letters or more ending in "e", so that "le
# le" and "une une" stay typos.
_FRENCH_NOUN_MARKERS = frozenset({"le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "au", "aux", "ce",
                                  "cet", "cette", "ces", "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses",
                                  "notre", "nos", "votre", "vos", "leur", "leurs"})
# What may stand between two words that a reader still sees side by side: spaces and line breaks
# (with a quote's `>` continuing it), emphasis, the end of a link (`](url)`, `][ref]`, a kramdown
# `{:...}`), inline formatting tags.
_JOINING_GAP = lazy_compile(
    r"(?:\n[ \t]*(?:>[ \t]?)+|\s|[*_~\[]|\](?:\([^)\n]*\)|\[[^\]\n]*\])?(?:\{:[^}\n]*\})?|</?(?:em|strong|b|i|u|mark|span|a)\b[^>]*>)*")
_LINK_END = lazy_compile(r"\]|</a\b", re.IGNORECASE)
_SENTENCE_BREAK = frozenset(".!?…:")


@rule("CPY004", "repeated-word", severity="warning", options=[
    Option("allow", "list[str]", LEGIT_REPEATS,
           "Words that may repeat in every language (interjections such as \"ha ha\", C's `long long`), compared "
           "ignoring case."),
    Option("languages", "dict[str, list[str]]", CHECKED_LANGUAGES,
           "The languages checked (primary subtags: `en`, `de`), each with the words its grammar may double "
           "(\"had had\", German \"die die\", French \"nous nous\"). A post in another language is not checked; "
           "add one with `[]` to check it."),
])
def repeated_word(post, ctx) -> Iterator[Problem]:
    """The same word twice in a row ("the the"), also across a line break or emphasis; not words such as "had had", numbers, code or table cells.

    ## What it does
    Reports a word immediately repeated, ignoring case, also across a line break or emphasis
    (`the\\nthe`, `the **the**`), in paragraphs, list items, headings and table cells. Numbers
    ("1 1") are not words here; words the grammar of the post's language doubles ("had had",
    German "die die", French "nous nous") and words in `allow` ("ha ha") may repeat, and so
    may a French noun that is also its verb's third person after an article, a possessive or
    "de" ("le taux de change change"), a doubled word in quotation marks (agile's "done done"),
    an all-capitals word next to the ordinary one ("OR and AND") and a one-letter label inside a
    sentence (Czech "služby A a B": service A and B). A run ("the the the") is reported once.
    Two cells of a table, two list items, words with punctuation, code or Liquid between them
    are not side by side and are never reported; code, Liquid, reference labels
    (`[text][label]`) and reference definitions are not read.

    Words are split on Unicode word boundaries, combining marks included (a Hindi vowel sign is
    part of its word, not a break). Only posts in a language of `languages` are checked: the
    post's front-matter `lang`, else a folder named after a language `_config.yml` declares in
    `languages:` (`_posts/de/…`), else `_config.yml`'s `lang`, else English. Vietnamese,
    Indonesian, Malay, Hindi, Chinese, Japanese, Korean, Thai and Italian double words as grammar
    ("song song", "mãi mãi", "धीरे धीरे", "piano piano"), and for other languages postlint knows no
    list of grammatical doubles, so their posts are not checked rather than flooded with false
    alarms.

    A link's text is read like any other word, with two exceptions: a link whose whole text is a
    capitalised name followed by the same name (`[Ubuntu](…) Ubuntu 21.04`: the name links to the
    product, the version follows) is a label, and a reference label is never shown
    (`[changelog][cl cl]`). `Read [the](…) the checklist` is reported, with a note that the first
    word ends a link's text.

    ## Why is this bad?
    A doubled word is the typo spell checkers miss and readers stumble over.

    ## Example
    ```markdown
    Review the the pipeline every Friday.
    ```

    ## Use instead
    ```markdown
    Review the pipeline every Friday.
    ```

    ## Options
    """
    checked = {primary_subtag(language): words for language, words in ctx.options.languages.items()}
    language = ctx.site.language(post.data, post.rel)
    if language not in checked:
        return
    allowed = {word.lower() for word in [*ctx.options.allow, *checked[language]]}
    text = post.text
    seen: set[tuple[int, int]] = set()
    for block in post.blocks:
        if (block.start, block.end) in seen:
            continue  # the cells of one table row share their line
        seen.add((block.start, block.end))
        if not _has_adjacent_twins(block.words):
            continue  # most blocks: no word follows itself, whatever the gap
        before = previous = None
        previous_word = ""
        reported = False
        for match in WORD.finditer(block.prose):
            word = match.group().lower()
            repeat = word == previous_word and previous is not None and word not in allowed \
                and not any(ch.isdigit() for ch in word) and not _acronym_and_word(previous.group(), match.group()) \
                and not (language == "fr" and _french_noun_then_verb(block.prose, before, previous)) \
                and not _label_and_word(block.prose, previous, match) \
                and _side_by_side(text, block.start + previous.end(), block.start + match.start()) \
                and not _quoted(text, block.start + previous.start(), block.start + match.end()) \
                and not _named_link_then_name(text, block.start + previous.start(), block.start + previous.end(),
                                              block.start + match.start())
            if repeat and not reported:  # "the the the" is one mistake
                line, column = post.position(block.start + match.start())
                gap = text[block.start + previous.end():block.start + match.start()]
                link = " (the first ends a link's text, which readers see too)" if _LINK_END.search(gap) else ""
                yield Problem(line, column, f"'{match.group()}' is repeated: '{previous.group()} {match.group()}'{link}",
                              fingerprint=f"{word} {word}")
            reported = repeat
            before, previous, previous_word = previous, match, word


def _french_noun_then_verb(prose: str, before: re.Match | None, noun: re.Match) -> bool:
    """Is `noun`, followed by the same word, a French noun that is also its verb's third person,
    coming right after an article, a possessive or "de" (see _FRENCH_NOUN_MARKERS)?"""
    word = noun.group().lower()
    return before is not None and len(word) >= 4 and word.endswith("e") and word not in _FRENCH_NOUN_MARKERS \
        and before.group().lower() in _FRENCH_NOUN_MARKERS and prose[before.end():noun.start()].isspace()


def _has_adjacent_twins(words: list[str]) -> bool:
    """Is any of the words followed by the same word, case aside? (A quick test on the whole
    block, before the careful one on each pair.)"""
    words = list(map(str.lower, words))
    return any(map(operator.eq, words, itertools.islice(words, 1, None)))


def _side_by_side(text: str, start: int, end: int) -> bool:
    """Does a reader see the words around text[start:end] next to each other?"""
    gap = text[start:end]
    # white space is required: `_` or `*` between letters is part of one identifier (snake_case)
    return any(ch.isspace() for ch in gap) and _JOINING_GAP.fullmatch(gap) is not None


def _named_link_then_name(text: str, start: int, end: int, next_start: int) -> bool:
    """`[Ubuntu](…) Ubuntu 22.04`: a link whose whole text is a capitalised name, followed by the
    same name with more to it (a version, a product line), is a label, not a slip; a lower-case
    word (`[the](…) the`) still is one."""
    return text[start - 1:start] in ("[", ">") and text[start:start + 1].isupper() \
        and _LINK_END.search(text, end, next_start) is not None


def _quoted(text: str, start: int, end: int) -> bool:
    """A doubled word in quotation marks is mentioned on purpose ("done done", “done done.”)."""
    before = text[max(0, start - 1):start]
    after = text[end:end + 3].lstrip(".,;:!?")[:1]
    return before in ('"', "“", "'", "‘") and after in ('"', "”", "'", "’")


def _acronym_and_word(first: str, second: str) -> bool:
    """`OR and AND`: a capitalised operator or acronym next to the ordinary word is two words."""
    return (len(first) > 1 and first.isupper()) != (len(second) > 1 and second.isupper())


def _label_and_word(prose: str, first, second) -> bool:
    """`service A a …` (Czech "service A and …"): a one-letter capital inside a sentence is a label
    (plan A, transaction B), not the word after it; at a sentence's start ("A a new …") it is a typo."""
    label = first.group()
    if len(label) != 1 or not label.isupper() or not second.group().islower():
        return False
    at = first.start() - 1
    while at >= 0 and prose[at].isspace():  # a loop, not a slice: a paragraph can be megabytes long
        at -= 1
    return at >= 0 and prose[at] not in _SENTENCE_BREAK


@rule("CPY005", "duplicate-paragraph", severity="warning", options=[
    Option("min_words", "int", 8, "Paragraphs and sentences with fewer words (\"Let's get started.\") may repeat.",
           minimum=1),
])
def duplicate_paragraph(post, ctx) -> Iterator[Problem]:
    """The same paragraph or sentence (8 or more words unless configured) appears twice in one post.

    ## What it does
    Reports a paragraph (or quote) whose words, ignoring case, punctuation and markup, equal an
    earlier one's, and otherwise each sentence that repeats an earlier sentence, when it has at
    least `min_words` words a reader reads (in Chinese and Japanese, written without spaces,
    each Han or kana character counts as a word, and a sentence ends at `。`, `！` or `？`).
    Inline code and link targets (URLs, reference labels)
    are part of the text: two sentences that differ only in a register name in backticks, or
    link to two different pages, differ. Headings, table cells, list
    items, code blocks and Liquid are not compared: lists repeat by design (a reference list at
    the end, the same fact under two parents), and term lists are `duplicate-definition`'s
    business. A paragraph ending in a colon is a lead-in to what follows ("You can see the
    implementation here:") and may repeat. Each text is reduced to its words and looked up in a
    table of what came before: no pairwise comparison.

    ## Why is this bad?
    A repeated paragraph is a copy-paste left behind while editing; readers notice and trust the
    rest less.

    ## Example
    ```markdown
    Pair every new hire with a peer who closed a deal last quarter.

    ...

    Pair every new hire with a peer who closed a deal last quarter.
    ```

    ## Use instead
    Keep one of them, or say the second time why it matters again.

    ## Options
    """
    minimum = ctx.options.min_words
    text = post.text
    seen_blocks: dict[str, int] = {}
    seen_sentences: dict[str, int] = {}  # where each sentence was first (an offset: its line is asked for when repeated)
    for block in post.blocks:
        if block.kind != "paragraph" or block.in_list \
                or bold_definition(post, block) is not None or kramdown_definitions(post, block, None):
            continue
        if block.prose.rstrip().endswith(":"):
            continue  # a lead-in ("The output is:") introduces what follows; repeating it is no copy-paste
        words_in_block = WORD.within(text, block.start, block.end)  # for the block and each of its sentences
        if block.prose == text[block.start:block.end]:
            written = block.words  # no markup, code or link target in it (half the paragraphs): the same words
        else:
            written = words_in_block.findall(text, block.start, block.end)
        key = _as_written(written)
        if words_read(block.words) >= minimum and key in seen_blocks:
            start = block.start + len(block.prose) - len(block.prose.lstrip())
            line, column = post.position(start)
            yield Problem(line, column, f"this paragraph repeats the one on line {seen_blocks[key]}", fingerprint=key)
            continue
        seen_blocks.setdefault(key, block.line)
        if words_read(block.words) < minimum:
            continue  # no sentence of it is long enough either
        last_end = block.start + len(block.prose.rstrip())
        for start, end in sentences(block.prose, block.start):
            if end == last_end:
                end = block.end  # the block's last sentence: a link target after its last word is part of it
            written = words_in_block.findall(text, start, end)
            if _words_read(text, block, start, end, written) < minimum:
                continue
            skey = _as_written(written)
            first = seen_sentences.setdefault(skey, start)
            if first != start:
                yield Problem(*post.position(start), f"this sentence repeats the one on line {post.position(first)[0]}",
                              fingerprint=skey)


def _words_read(text: str, block, start: int, end: int, written: list[str]) -> int:
    """How many words a reader reads in text[start:end], a part of `block` whose words as written
    are `written`: as many, where the block's prose there is the text itself (no markup, code or
    link target in it: most sentences), so that only the others are split into words again."""
    prose_start, prose_end = start - block.start, end - block.start
    if block.prose[prose_start:prose_end] == text[start:end]:
        return words_read(written)
    return words_read(WORD.findall(block.prose, prose_start, prose_end))


RULES = [duplicate_definition, conflicting_definition, link_text, repeated_word, duplicate_paragraph]
