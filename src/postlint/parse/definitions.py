"""Term definitions in a post's body: `**Term:** text`, `* **Term**: text`, kramdown definition
lists (`Term` / `: text`) and HTML `<dt>`/`<dd>`, each with its position."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Sequence
from typing import Literal

from postlint.lazy_patterns import lazy_compile
from postlint.parse.prose import Block
from postlint.record import Record


class Definition(Record):
    """One term defined in a post (a bold lead-in, a kramdown definition list, or <dt>/<dd>)."""
    __slots__ = ("term", "key", "words", "line", "column", "syntax")

    term: str  # as written, markup removed
    key: str  # compared: lower case, no markup or trailing punctuation
    words: list[str]  # the definition's words as written (emphasis removed)
    line: int
    column: int
    syntax: Literal["bold", "kramdown", "html"]

    def __init__(self, term: str, key: str, words: list[str], line: int, column: int,
                 syntax: Literal["bold", "kramdown", "html"]) -> None:
        self.term = term
        self.key = key
        self.words = words
        self.line = line
        self.column = column
        self.syntax = syntax


# `* **Term**: text`, `**Term:** text` (also with `__`), after an optional list marker or quote.
_BOLD_TERM = lazy_compile(r"[ \t>]*(?:(?:[*+-]|\d{1,9}[.)])[ \t]+)?(\*\*|__)(?P<term>[^\n]+?)(?P<inside>:?)\1(?P<outside>[ \t]*:)?")
_KRAMDOWN_DD = lazy_compile(r"[ \t]{0,3}:[ \t]+")
_EMPHASIS = lazy_compile(r"\*+|(?<!\w)_+|_+(?!\w)|~~")
# What a term key drops (term_key): emphasis, code and link brackets.
TERM_MARKUP = lazy_compile(r"[*_`\[\]]+")
_TRAILING = lazy_compile(r"[\s:.;,!?]+$")


def word_difference(old: Sequence[str], new: Sequence[str], old_compared: Sequence[str] | None = None,
                    new_compared: Sequence[str] | None = None, limit: int = 3,
                    matcher: difflib.SequenceMatcher | None = None) -> str:
    """`your → our`-style summary of how two definitions' words differ, shown as written and
    compared as given (case-folded, say) when `old_compared` and `new_compared` are. `matcher`:
    one already made of the words compared (its matching blocks are found once)."""
    changes = []
    if matcher is None:
        matcher = difflib.SequenceMatcher(None, old_compared or old, new_compared or new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before, after = " ".join(old[i1:i2]), " ".join(new[j1:j2])
        changes.append(f"{before} → {after}" if before and after else f"added '{after}'" if after else f"dropped '{before}'")
    shown = "; ".join(changes[:limit])
    return shown + (f"; and {len(changes) - limit} more" if len(changes) > limit else "")


def term_key(term: str) -> str:
    return _TRAILING.sub("", " ".join(TERM_MARKUP.sub("", term).split())).lower()


def _definition_words(text: str) -> list[str]:
    return _EMPHASIS.sub("", text).split()


def bold_definition(post, block: Block) -> Definition | None:
    children = [c for c in block.token.children or [] if not (c.type == "text" and not c.content)]
    if not children or children[0].type != "strong_open":
        return None
    match = _BOLD_TERM.match(post.body.masked, block.start)  # Liquid blanked: no `**` of a tag's
    if match is None or not (match.group("inside") or match.group("outside")) or match.start("term") >= block.end:
        return None
    # The term as written, Liquid and all (the masked text has the same offsets): the words a
    # search of other posts' text for the term finds (jekyll/definitions.one_term).
    term = " ".join(TERM_MARKUP.sub("", post.text[match.start("term"):match.end("term")]).split())
    words = _definition_words(post.text[match.end():block.end])
    if not term or not words:
        return None
    line, column = post.position(match.start(1))
    return Definition(term.rstrip(":"), term_key(term), words, line, column, "bold")


def kramdown_definitions(post, block: Block, previous: Block | None) -> list[Definition]:
    """`Term` / `: definition` (kramdown). markdown-it reads it as one paragraph, so look at the lines."""
    lines = post.text[block.start:block.end].rstrip("\n").split("\n")
    first_dd = next((i for i, line in enumerate(lines) if _KRAMDOWN_DD.match(line)), None)
    if first_dd is None:
        return []
    if first_dd == 0:
        # kramdown allows one blank line between the term and its definition
        if previous is None or previous.kind != "paragraph" or post.text.count("\n", previous.end, block.start) > 1:
            return []
        term_lines, term_line = post.text[previous.start:previous.end].rstrip("\n").split("\n"), previous.line
    else:
        term_lines, term_line = lines[:first_dd], block.line
    definition = " ".join(_KRAMDOWN_DD.sub("", line, count=1) for line in lines[first_dd:])
    words = _definition_words(definition)
    found = []
    for index, term in enumerate(term_lines):
        term = " ".join(TERM_MARKUP.sub("", term).split())
        if term and words:
            found.append(Definition(term, term_key(term), words, term_line + index, 1, "kramdown"))
    return found


def _html_definitions(post) -> list[Definition]:
    """`<dt>` terms, each defined by the `<dd>` siblings that follow it up to the next `<dt>`."""
    found = []
    for start, end in post.body.html_ranges:
        fragment = post.text[start:end]
        if "<dt" not in fragment.lower():
            continue
        # only posts with <dt> load html.parser
        from postlint.parse.htmltree import parse_html

        first_line = post.position(start)[0]
        for dt in parse_html(fragment):
            if dt.name != "dt":
                continue
            parts = []
            for sibling in dt.following_siblings():
                if sibling.name == "dt":
                    break
                if sibling.name == "dd":
                    parts.append(sibling.text())
            term = " ".join(dt.text().split())
            words = " ".join(parts).split()
            if term and words:
                found.append(Definition(term, term_key(term), words, first_line + dt.line - 1, dt.column + 1, "html"))
    return found


def find_definitions(post) -> list[Definition]:
    """Every definition of the post in order (Post.definitions keeps them)."""
    found: list[Definition] = []
    previous: Block | None = None
    for block in post.blocks:
        if block.kind == "paragraph":
            bold = bold_definition(post, block)
            if bold is not None:
                found.append(bold)
            else:
                found.extend(kramdown_definitions(post, block, previous))
        previous = block
    found.extend(_html_definitions(post))
    found.sort(key=lambda d: (d.line, d.column))
    return found


# Scripts written without spaces: each character counts as a word, so that length limits and
# word differences mean something in Japanese or Chinese too.
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


@functools.cache
def _token() -> re.Pattern[str]:
    """A word, or one character of a script written without spaces; compiled on first use (the
    class of word characters outside those scripts took 5 ms to compile, on every run)."""
    return re.compile(f"[{_UNSPACED}]|[^\\W{_UNSPACED}]+")


def definition_tokens(text: str) -> list[str]:
    """The words of a definition as they are counted and compared across posts."""
    return _token().findall(text)


def counted_definitions(definitions: list[Definition], kramdown: bool, max_words: int) -> dict[str, Definition]:
    """Term key -> the first of `definitions` that counts as the term's definition: not a kramdown
    one unless the site uses kramdown, not a lead-in that starts three or more blocks (a
    speaker's name), not a paragraph of over `max_words` words. Which term keys count besides
    (callouts, headlines) is the rule's to judge, from the key alone."""
    found = [d for d in definitions if kramdown or d.syntax != "kramdown"]
    counts: dict[str, int] = {}
    for definition in found:
        counts[definition.key] = counts.get(definition.key, 0) + 1
    first: dict[str, Definition] = {}
    for definition in found:
        if counts[definition.key] <= 2 and len(definition_tokens(" ".join(definition.words))) <= max_words:
            first.setdefault(definition.key, definition)
    return first
