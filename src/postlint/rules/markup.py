"""Markdown markup mistakes that render wrongly: footnotes without their other half, links left unclosed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from postlint.finding import Problem
from postlint.lazy_patterns import lazy_compile
from postlint.parse.prose import hidden_ranges
from postlint.parse.spans import Spans
from postlint.record import Record
from postlint.registry import rule

# kramdown's footnote name (ALD_ID_NAME): a word character, then word characters or dashes. Ruby's
# \w is ASCII only, so `[^ü]` is no footnote at all; names are compared as written (case matters).
_NAME = r"[A-Za-z0-9_][A-Za-z0-9_-]*"
_MARKER = lazy_compile(rf"\[\^({_NAME})\]")
# A definition opens a line, after any blockquote markers and indentation (inside a list item the
# indentation is the item's; four spaces outside one make a code block, which in_code excludes).
_DEFINITION = lazy_compile(rf"^[ \t]*(?:>[ \t]?)*[ \t]*\[\^({_NAME})\]:", re.M)


class _Definition(Record):
    """A footnote definition: its name, where it starts, and whether kramdown reads it as one."""
    __slots__ = ("name", "start", "glued")

    name: str
    start: int  # offset of its "["
    glued: bool  # written straight under a line of text: kramdown reads it as more of that text

    def __init__(self, name: str, start: int, glued: bool) -> None:
        self.name = name
        self.start = start
        self.glued = glued


def _kramdown(site) -> bool:
    """Footnotes are kramdown syntax (Jekyll's default converter); other converters print them as text."""
    return str(site.config.get("markdown") or "kramdown").lower() == "kramdown"


def _as_written(post, start: int, end: int) -> bool:
    """Is text[start:end] free of masked Liquid (the masked text shows filler where a tag was)?"""
    return post.body.masked[start:end] == post.text[start:end]


def _escaped(text: str, at: int) -> bool:
    slashes = 0
    while at - slashes - 1 >= 0 and text[at - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1


def _unseen(post) -> Spans:
    """Spans kramdown never reads as Markdown besides code (Post.in_code): HTML blocks, and the
    bodies of `{% comment %}` and diagram tags."""
    return Spans([*post.body.html_ranges, *hidden_ranges(post)])


def _text_ranges(post) -> list[tuple[int, int]]:
    """The line ranges of the post's text blocks, each once (a table row's cells share one)."""
    return sorted({(block.start, block.end) for block in post.blocks})


# Blocks after whose last line a definition starts afresh (kramdown ends them there).
_CLOSED_BLOCKS = frozenset({"heading_open", "fence", "hr", "html_block"})


def _line_at(post, line0: int) -> tuple[int, int]:
    starts = post.source.line_starts
    end = starts[line0 + 1] if line0 + 1 < len(starts) else len(post.text)
    return starts[line0], end


def _definitions(post, unseen: Spans) -> list[_Definition]:
    """Every footnote definition, each marked glued when kramdown reads it as text.

    No footnote definition interrupts text: written on the line straight after a paragraph, a
    list item, a quote, a table row, an indented code line or the continuation of another note,
    `[^1]: …` becomes part of it (kramdown 2.4). It starts afresh after a blank line, another
    definition, a heading, a fenced code block, a rule or an HTML block. After a line of Liquid
    nobody knows what the tag renders, so that is not judged.
    """
    masked = post.body.masked
    text = post.text
    closed = {token.map[1] - 1 for token in post.body.tokens if token.type in _CLOSED_BLOCKS and token.map}
    fresh_definition_lines: set[int] = set()
    found = []
    for match in _DEFINITION.finditer(masked, post.body_offset):
        bracket = match.start(1) - 2
        if post.in_code(bracket) or bracket in unseen or not _as_written(post, bracket, match.end()):
            continue
        line0 = post.position(bracket)[0] - 1
        previous = line0 - 1
        glued = False
        if previous >= post.body_line - 1 and previous not in closed and previous not in fresh_definition_lines:
            start, end = _line_at(post, previous)
            glued = bool(text[start:end].strip(" \t\n>")) and _as_written(post, start, end)
        if not glued:
            fresh_definition_lines.add(line0)
        found.append(_Definition(match.group(1), bracket, glued))
    return found


def _markers(post, unseen: Spans, definition_starts: set[int]) -> list[tuple[str, int]]:
    """(name, offset) of every footnote marker kramdown would read: in text blocks, not code."""
    masked = post.body.masked
    found = []
    for start, end in _text_ranges(post):
        for match in _MARKER.finditer(masked, start, end):
            at = match.start()
            if at in definition_starts or _escaped(masked, at) or post.in_code(at) or at in unseen \
                    or not _as_written(post, at, match.end()):
                continue
            found.append((match.group(1), at))
    return found


@rule("MD001", "footnote-reference", severity="warning")
def footnote_reference(post, ctx) -> Iterator[Problem]:
    """A kramdown footnote marker `[^name]` without a definition, a definition no marker uses, one defined twice, or one glued to the text above it.

    ## What it does
    Pairs each footnote marker (`text[^roi]`) with its definition (`[^roi]: note`) the way
    kramdown does: names are compared exactly as written (`[^ROI]` is not `[^roi]`), a name is
    a letter, digit or `_` followed by letters, digits, `_` or `-` (no spaces), and a definition
    can stand anywhere in the post. It reports a marker whose name has no definition, a
    definition that no marker uses, a name defined twice, and a definition written on the line
    straight after text: a paragraph, a list item, a quote, a table row, indented code or the
    continuation lines of another note (kramdown needs a blank line there). Definitions one per
    line, and a definition right after a heading, a fenced code block, a rule or an HTML
    block, are fine.

    Markers and definitions in code (fenced, indented, inline, `{% highlight %}`), in HTML
    blocks, in `{% comment %}` bodies and escaped ones (`\\[^1]`) do not count. Only sites
    that use kramdown (Jekyll's default `markdown:`) are checked; HTML posts are not.

    ## Why is this bad?
    kramdown prints a marker without a definition as the literal text `[^roi]`, and silently
    drops a definition that no marker uses: the note the author wrote never appears. A second
    definition of the same name replaces the first, and a definition glued to a paragraph
    becomes part of that paragraph's text. Jekyll builds without an error in every case.

    ## Example
    ```markdown
    Pipeline coverage rose by a third.[^q3]

    [^Q3]: Compared with the same quarter last year.
    ```

    ## Use instead
    ```markdown
    Pipeline coverage rose by a third.[^q3]

    [^q3]: Compared with the same quarter last year.
    ```

    ## Options
    """
    if not post.is_markdown or not _kramdown(ctx.site) or "[^" not in post.body.masked:
        return  # no marker or definition: str's search says so at once, _DEFINITION's `^` at every position
    unseen = _unseen(post)
    definitions = _definitions(post, unseen)
    markers = _markers(post, unseen, {d.start for d in definitions})
    used = {name for name, _ in markers}
    defined: dict[str, _Definition] = {}
    glued_names = {d.name for d in definitions if d.glued}
    for definition in definitions:
        line, column = post.position(definition.start)
        if definition.glued:
            yield Problem(line, column, f"footnote definition '[^{definition.name}]' follows a line of text (a paragraph, "
                                        "list item, table row or another note's continuation) with no blank line between: kramdown reads "
                                        "it as part of that text, so the note is printed as text", fingerprint=f"glued:{definition.name}")
            continue
        first = defined.setdefault(definition.name, definition)
        if first is not definition:
            yield Problem(line, column, f"footnote '[^{definition.name}]' is defined again (first on line "
                                        f"{post.position(first.start)[0]}); kramdown keeps only this last definition",
                          fingerprint=f"twice:{definition.name}")
        elif definition.name not in used:
            yield Problem(line, column, f"footnote definition '[^{definition.name}]' is never referenced: kramdown "
                                        f"drops it, so the note does not appear; add '[^{definition.name}]' where it "
                                        "belongs or remove the definition", fingerprint=f"unused:{definition.name}")
    by_folded_name = {name.casefold(): d for name, d in defined.items()}
    for name, at in markers:
        if name in defined or name in glued_names:  # a glued definition is reported once, above
            continue
        line, column = post.position(at)
        other = by_folded_name.get(name.casefold())
        hint = f"; the definition '[^{other.name}]' on line {post.position(other.start)[0]} differs in case" if other \
            else f" ('[^{name}]: …')"
        yield Problem(line, column, f"footnote '[^{name}]' has no definition{hint}: kramdown prints the marker as "
                                    "literal text", fingerprint=f"undefined:{name}")


# What a link destination starts with: a scheme, a site path, an anchor, `www.` or Liquid. A bare
# word after "](" is more likely prose or code than a link.
_DESTINATION_START = lazy_compile(r"[ \t]*<?(?:[A-Za-z][A-Za-z0-9+.-]*://|mailto:|tel:|www\.|\.{0,2}/|#|\{\{|\{%)")
_DESTINATION = lazy_compile(r"[ \t]*<?[^\s>]*")  # matched on the masked text: Liquid is one word there
SNIPPET_CHARS = 80


_BRACKET = lazy_compile(r"\\.|[\[\]()]", re.S)


def _partners(post, start: int, end: int) -> dict[int, int]:
    """Each "[" or "(" of the masked text[start:end] mapped to the bracket that closes it, and each
    closer to its opener, escapes and code spans skipped; one pass, so a paragraph of thousands of
    unclosed links stays linear."""
    partner: dict[int, int] = {}
    stacks: dict[str, list[int]] = {"[": [], "(": []}
    opener_of = {"]": "[", ")": "("}
    for match in _BRACKET.finditer(post.body.masked, start, end):
        char = match.group()
        if len(char) > 1 or post.in_code(match.start()):
            continue
        if char in stacks:
            stacks[char].append(match.start())
        elif char in opener_of and stacks[opener_of[char]]:
            opener = stacks[opener_of[char]].pop()
            partner[opener] = match.start()
            partner[match.start()] = opener
    return partner


@rule("MD002", "unclosed-link", severity="error")
def unclosed_link(post, ctx) -> Iterator[Problem]:
    """A Markdown link or image whose `(` is never closed: `[text](https://…` with no `)` before the paragraph ends.

    ## What it does
    Finds `[text](` and `![alt](` followed by something that can only be a link destination
    (a URL with a scheme, `mailto:`, `www.`, a site path `/…`, `./…`, `../…`, an anchor `#…`,
    or Liquid such as `{{ site.baseurl }}`) whose `(` has no matching `)` in the same
    paragraph, heading or table row. Parentheses inside the URL count in pairs, as Markdown
    counts them, so `[Pareto](https://en.wikipedia.org/wiki/Pareto_(economics))` is a link and
    `[Pareto](https://en.wikipedia.org/wiki/Pareto_(economics)` is not. Code (fenced,
    indented, inline, `{% highlight %}`), HTML blocks and `{% comment %}` bodies are not
    checked; brackets that are not followed by `(` and a destination (`[sic]`, `(see [1]`)
    are never links.

    ## Why is this bad?
    Neither kramdown nor CommonMark makes a link out of it: the page shows the brackets, the
    text and the raw URL, and nothing is clickable. Jekyll builds without a warning, and the
    mistake usually comes from an edit that cut the closing parenthesis, so it is always
    unintended: the rule is an error.

    ## Example
    ```markdown
    Read the [attribution guide](https://example.com/guides/attribution before you start.
    ```

    ## Use instead
    ```markdown
    Read the [attribution guide](https://example.com/guides/attribution) before you start.
    ```

    ## Options
    """
    if not post.is_markdown:
        return
    masked = post.body.masked
    text = post.text
    unseen = _unseen(post)
    linked = {link.start for link in post.body.links} | {image.start + 1 for image in post.body.images}
    for start, end in _text_ranges(post):
        close = masked.find("](", start, end)
        partner = _partners(post, start, end) if close != -1 else {}
        while close != -1:
            paren = close + 1
            opening = -1 if _escaped(masked, close) or post.in_code(close) or close in unseen \
                else partner.get(close, -1)
            if opening != -1 and opening not in linked and _DESTINATION_START.match(text, paren + 1, end) \
                    and paren not in partner:
                image = opening > start and masked[opening - 1] == "!" and not _escaped(masked, opening - 1)
                first = opening - 1 if image else opening
                destination = _DESTINATION.match(masked, paren + 1, end)
                written = text[first:destination.end()]
                snippet = written if len(written) <= SNIPPET_CHARS else written[:SNIPPET_CHARS - 1] + "…"
                line, column = post.position(first)
                yield Problem(line, column,
                              f"{'image' if image else 'link'} '{snippet}' is never closed: no ')' follows before its "
                              "paragraph ends, so the page shows the brackets and the URL as text"
                              f"{'' if image else ' and nothing links'}", fingerprint=text[destination.start():destination.end()].strip(" \t<"))
            close = masked.find("](", close + 2, end)


RULES = [footnote_reference, unclosed_link]
