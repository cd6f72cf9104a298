"""The readable text of a post, block by block, for the copy, read-time and SEO rules.

Built on Post.body (parsed once): each Markdown block that holds inline text (a paragraph, a
heading, a table cell) becomes a Block with its offsets and its slice of `Body.prose`, in which
code, Liquid, URLs, HTML tags and Markdown markup are already blanked to spaces; the bodies of
`{% comment %}` and diagram tags are blanked here too (they never reach a reader).
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from postlint.lazy_patterns import lazy_compile
from postlint.parse.liquid import mask
from postlint.parse.words import WORD, WORD_CHARACTERS, WordPattern
from postlint.record import Record

if TYPE_CHECKING:  # markdown-it loads only when a body is parsed
    from markdown_it.token import Token


BlockKind = Literal["paragraph", "heading", "cell"]

# The final mark, closing quotes and brackets, white space. It starts with the mark, not a
# lookbehind for it: `re` skips to a character of a set at C speed but tries a lookbehind everywhere.
# Group 1 or 2 ends the sentence: Chinese and Japanese end one at 。, ！ or ？ with no space after.
_SENTENCE_END = lazy_compile(r"[.!?…]([\"'”’)\]]*)(?:\s+|$)|[。！？]([」』）\"'”’)\]]*)\s*")
# Words whose dot does not end a sentence.
_ABBREVIATIONS = frozenset({"e.g", "i.e", "vs", "etc", "mr", "mrs", "ms", "dr", "st", "no", "inc", "ltd", "co", "jr", "sr",
                            "approx", "fig", "cf", "al", "u.s", "a.m", "p.m"})
# The word before a sentence's final dot ("e.g", "Dr"), matched backwards on the reversed text: a
# forward search from the sentence's start tried every position (a tenth of a whole-site run). A
# WordPattern: text whose words are all ASCII needs no `regex` pattern compiled for it.
_LAST_WORD_REVERSED = WordPattern(rf"(?:{WORD_CHARACTERS}+\.)*{WORD_CHARACTERS}+")
LAST_WORD_REACH = 256  # longer runs of words and dots are no abbreviation


class Block(Record):
    """One inline-holding block of a Markdown body (paragraph, heading or table cell) and its readable text."""
    __slots__ = ("kind", "start", "end", "line", "token", "in_list", "prose", "__dict__")

    kind: BlockKind
    start: int  # offset of the block's first line
    end: int  # offset just past its last line
    line: int  # 1-based line of its start
    token: Token  # the markdown-it inline token
    in_list: bool  # a paragraph inside a list item
    prose: str  # post.reader_prose[start:end]

    def __init__(self, kind: BlockKind, start: int, end: int, line: int, token: Token, in_list: bool,
                 prose: str) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.line = line
        self.token = token
        self.in_list = in_list
        self.prose = prose

    @cached_property
    def words(self) -> list[str]:
        """The words of `prose`, found once for every rule that reads them."""
        return WORD.findall(self.prose)


# Liquid block tags whose body is never read as text: comments, and diagram or math plugins
# (`{% blockdiag %}...{% endblockdiag %}`) whose body is their input language.
NOT_PROSE_BLOCK_TAGS = frozenset({"comment", "blockdiag", "seqdiag", "actdiag", "nwdiag", "packetdiag", "rackdiag",
                                  "mermaid", "plantuml", "graphviz", "digraph", "katex", "math", "latex", "tikz"})


def hidden_ranges(post) -> list[tuple[int, int]]:
    """Bodies of the Liquid block tags in NOT_PROSE_BLOCK_TAGS."""
    ranges = []
    open_tags: list[tuple[str, int]] = []
    for tag in post.liquid.tags:
        if tag.kind != "tag":
            continue
        if tag.name in NOT_PROSE_BLOCK_TAGS:
            open_tags.append((tag.name, tag.end))
        elif tag.name.startswith("end") and open_tags and open_tags[-1][0] == tag.name[3:]:
            ranges.append((open_tags.pop()[1], tag.start))
    return ranges


# Link syntax Markdown parsing leaves as text when it cannot see the definitions: a Liquid
# `{% include links.md %}` line writes them at build time (Liquid runs first), and a definition
# that follows another line is paragraph text to CommonMark but a definition to kramdown. Neither a
# reference definition line nor the label of `[text][label]` is ever shown to a reader.
_REFERENCE_DEFINITION = lazy_compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S[^\n]*", re.MULTILINE)
# Bracketed text: the label of `[text][label]` where a `]` precedes it (checked in Python: a
# pattern that starts with a lookbehind has `re` try every position of the text).
_BRACKETED = lazy_compile(r"\[[^\[\]\n]*\]")


def reader_prose(post) -> str:
    """Body.prose without the bodies of comments and diagram tags, reference definitions and
    reference labels: the words a reader reads (Post.reader_prose keeps it)."""
    # blanked in one pass (a copy of the whole prose for each range took a second for 1 MB of comments)
    prose = mask(post.body.prose, hidden_ranges(post), fill=" ")
    text = post.text
    if "[" not in text:
        return prose
    # found in the text (Body.prose has the brackets blanked already), blanked in the prose
    spans = [match.span() for match in _REFERENCE_DEFINITION.finditer(text, post.body_offset)]
    spans += [match.span() for match in _BRACKETED.finditer(text, post.body_offset)
              if text[match.start() - 1:match.start()] == "]"]
    if not spans:
        return prose
    chars = list(prose)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def find_blocks(post) -> list[Block]:
    """Every inline-holding block of a Markdown post, in order (none for HTML posts); Post.blocks keeps them."""
    if not post.is_markdown:
        return []
    body = post.body
    prose = post.reader_prose
    starts = post.source.line_starts
    text_len = len(post.text)
    found: list[Block] = []
    open_types: list[str] = []
    for token in body.tokens:
        if token.nesting == 1:
            open_types.append(token.type)
        elif token.nesting == -1:
            if open_types:
                open_types.pop()
        elif token.type == "inline" and token.map is not None and open_types:
            parent = open_types[-1]
            kind: BlockKind = "heading" if parent == "heading_open" else "cell" if parent in ("td_open", "th_open") else "paragraph"
            start = starts[token.map[0]] if token.map[0] < len(starts) else text_len
            end = starts[token.map[1]] if token.map[1] < len(starts) else text_len
            if prose[start:end].strip():
                found.append(Block(kind, start, end, token.map[0] + 1, token, "list_item_open" in open_types,
                                   prose[start:end]))
    return found


def count_words(prose: str) -> int:
    return len(WORD.findall(prose))


def sentences(prose: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences in one block's prose, `offset` added.

    A sentence ends at `.`, `!`, `?` or `…` followed by white space, at the full stop, `！` or `？`
    of Chinese and Japanese (closing quotes and brackets stay with it), and at the end of the block.
    """
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(prose):
        if _ends_in_abbreviation(prose, start, match.start() + 1):
            continue
        end = match.end(match.lastindex)
        if prose[start:end].strip():
            spans.append((offset + _first_visible(prose, start), offset + end))
        start = match.end()
    if prose[start:].strip():
        spans.append((offset + _first_visible(prose, start), offset + len(prose.rstrip())))
    return spans


def _ends_in_abbreviation(prose: str, start: int, end: int) -> bool:
    """Is prose[end - 1] the dot of an abbreviation that starts at or after `start`?"""
    if end - 1 <= start or prose[end - 1] != ".":
        return False
    reach = max(start, end - 1 - LAST_WORD_REACH)
    tail = prose[reach:end - 1][::-1]
    word = _LAST_WORD_REVERSED.match(tail)
    if word is None or (word.end() == len(tail) and reach > start):
        return False
    return word.group()[::-1].lower() in _ABBREVIATIONS


def _first_visible(prose: str, start: int) -> int:
    # A search, not prose[start:].lstrip(): slicing the rest of a 9 MB paragraph at every
    # sentence made this quadratic (minutes on one long paragraph).
    found = _NOT_SPACE.search(prose, start)
    return found.start() if found else len(prose)


_NOT_SPACE = lazy_compile(r"\S")
