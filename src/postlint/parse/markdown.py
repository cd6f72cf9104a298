"""The body of a post: Markdown tokens, links, images, headings, code and prose, with offsets.

Markdown is parsed from `masked`: Source.text with the front matter blanked and every Liquid tag
replaced by same-length filler, so Liquid never confuses the parser and every offset found in
`masked` is an offset in Source.text (see source.py); a tag spanning lines is put on the line it
starts on, as its output is, and the tokens' line maps are renumbered to the file's lines
(_number_lines_as_in_source). markdown-it gives block tokens with line maps only; inline links
and images are located by walking each block's source with a cursor and checking every
candidate against what markdown-it parsed.
"""

from __future__ import annotations

import bisect
import logging
import re
from functools import lru_cache
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference, unescapeAll
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from postlint.errors import MarkdownTooComplex
from postlint.lazy_patterns import lazy_compile
from postlint.parse.html import HtmlElement, Pieces, html_elements
from postlint.parse.liquid import markdown_view, tag_name
from postlint.parse.source import blanked
from postlint.record import Record

IAL = lazy_compile(r"\{:([^}\n]*)\}")
_IAL_ATTR = lazy_compile(r"""([\w-]+)=(?:"([^"]*)"|'([^']*)'|(\S+))|\.([\w-]+)|#([\w-]+)""")
# A line's quote markers, list markers and heading marks (group 1), found after the line break
# before it: a pattern that starts with a character `re` skips to at C speed, where `^` is tried at
# every position. The lookahead names the characters a prefix starts with: a line that starts
# otherwise is not matched (an empty match called the replacement on every line of a post).
_LINE_PREFIX = lazy_compile(r"\n((?=[ \t>*+\-#\d])[ \t]*(?:(?:[>*+-]|\d{1,9}[.)]|#{1,6})(?=[ \t]|$)[ \t]*)*)", re.M)
# Markup characters: a run of emphasis, strikethrough or table pipes, a backslash escape, `![`,
# `[` and `]`. The pattern starts with a character set, which `re` skips to at C speed (a leading
# lookahead is tried at every position); the lookbehind then says which character it was.
_MARKUP = lazy_compile(r"[\\*_~|!\[\]](?:(?<=[*_~|])[*_~|]*|(?<=\\)(?=[!-/:-@\[-`{-~])|(?<=!)\[|(?<=[\[\]]))")
# Bare URLs, blanked before the markup: a `_` or `~` in one is part of it. No markup match holds an
# `h`, so none reaches into a URL, and blanking URLs first leaves the markup around them as it was.
_BARE_URL = lazy_compile(r"https?://\S+")
# The closing sequence of an ATX heading (`## Title ##`), in a pass of its own: a pattern that
# starts with a space or tab makes `re` try it at every space. No URL or markup match holds a
# space, tab or `#`, so blanking these first, and only where " #" or "\t#" occurs, blanks the same.
_HEADING_CLOSER = lazy_compile(r"[ \t]#+[ \t]*$", re.M)
# `[^<>]`: a tag never holds another `<`; and an opener left unclosed is not scanned to the end of
# the text from every later `<` (quadratic on a line of 20,000 unclosed comments).
_HTML_TAG = lazy_compile(r"<[A-Za-z/!][^<>]*>")


# The most elements (markdown-it tokens: blocks, table cells, links, emphasis, text runs) a body
# may parse into, as counted below. The largest post of four real sites counts about 50,000 (24,000
# tokens), a 10 MB post of prose about 160,000. Past this, a few kilobytes can cost gigabytes:
# markdown-it pads every short table row to its header's width, so a 256-column header over 256
# one-letter lines is 200,000 tokens from 1.5 KB (ten such tables took 8 s and 670 MB). A body over
# the budget is refused half parsed, before its inline content is.
MAX_MARKDOWN_ELEMENTS = 500_000
# Where an inline element may start: markdown-it's text rule runs over every other character, so
# an inline token stands at one of these, or is the text between them (measured on random
# Markdown: at most 1.25 tokens per such character, plus one).
_INLINE_START = lazy_compile(r"[\n!#$%&*+\-:<=>@\[\\\]^_`{}~]")


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    parser.block.ruler.before(parser.block.ruler.get_all_rules()[0], "element_budget", _refuse_too_many_blocks)
    parser.core.ruler.after("block", "element_budget", _refuse_too_much_inline)
    # Destinations are kept as written (rules read them from the source text): percent-encoding
    # each one, as markdown-it does for HTML output, was a tenth of the parse.
    parser.normalizeLink = _as_written  # type: ignore[method-assign]
    parser.normalizeLinkText = _as_written  # type: ignore[method-assign]
    _silence_debug_logging()
    return parser


def _as_written(url: str) -> str:
    return url


def _refuse_too_many_blocks(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """A block rule tried first at the start of every block (inside lists and quotes too), which
    matches nothing: it stops the parse once the body holds over MAX_MARKDOWN_ELEMENTS tokens.
    One block between two tries adds at most one table's padding (markdown-it pads at most
    65,536 cells a table) to what its text holds."""
    if len(state.tokens) > MAX_MARKDOWN_ELEMENTS:
        raise MarkdownTooComplex(_too_complex(f"more blocks and table cells than the {MAX_MARKDOWN_ELEMENTS:,} elements"))
    return False


def _refuse_too_much_inline(state: StateCore) -> None:
    """A core rule between the block and inline parses: stops a body whose blocks and inline
    elements to come (counted from where they may start, _INLINE_START) would be over
    MAX_MARKDOWN_ELEMENTS, before they are parsed."""
    count = len(state.tokens)
    for token in state.tokens:
        if token.type == "inline":
            count += 1 + len(_INLINE_START.findall(token.content))
    if count > MAX_MARKDOWN_ELEMENTS:
        raise MarkdownTooComplex(_too_complex(f"about {count:,} blocks, table cells and inline elements, over the {MAX_MARKDOWN_ELEMENTS:,}"))


def _too_complex(what: str) -> str:
    return (f"the Markdown body holds {what} postlint parses (table cells, list items, links, emphasis: "
            "a few kilobytes past that can take gigabytes); the rules that read the body did not run")


def _silence_debug_logging() -> None:
    """markdown-it's block rules call LOGGER.debug on every line they try (hundreds of thousands
    of calls on a site): give each of its modules a logger whose debug does nothing."""
    import sys

    class SilentDebug(logging.Logger):
        def debug(self, *args: object, **kwargs: object) -> None:
            return None

    for name, module in list(sys.modules.items()):
        logger = getattr(module, "LOGGER", None)
        if name.startswith("markdown_it.") and isinstance(logger, logging.Logger):
            silent = SilentDebug(logger.name)
            silent.parent = logger.parent
            module.LOGGER = silent  # type: ignore[attr-defined]


class Link(Record):
    __slots__ = ("kind", "text", "href", "start", "end", "href_start", "attrs")

    kind: Literal["inline", "reference", "autolink", "html"]
    text: str  # the label as a reader sees it
    href: str  # the destination as written (Liquid left in place)
    start: int  # offset of the link's first character
    end: int  # offset just past the link (and its attribute list)
    href_start: int  # offset of the destination (the link's start when not written inline)
    attrs: dict[str, str]

    def __init__(self, kind: Literal["inline", "reference", "autolink", "html"], text: str, href: str, start: int,
                 end: int, href_start: int, attrs: dict[str, str] | None = None) -> None:
        self.kind = kind
        self.text = text
        self.href = href
        self.start = start
        self.end = end
        self.href_start = href_start
        self.attrs = {} if attrs is None else attrs


class Image(Record):
    __slots__ = ("kind", "alt", "src", "start", "end", "src_start", "attrs")

    kind: Literal["markdown", "html"]
    alt: str | None  # None: no alt attribute at all (HTML only)
    src: str  # as written (Liquid left in place)
    start: int
    end: int
    src_start: int
    attrs: dict[str, str]

    def __init__(self, kind: Literal["markdown", "html"], alt: str | None, src: str, start: int, end: int,
                 src_start: int, attrs: dict[str, str] | None = None) -> None:
        self.kind = kind
        self.alt = alt
        self.src = src
        self.start = start
        self.end = end
        self.src_start = src_start
        self.attrs = {} if attrs is None else attrs


class Heading(Record):
    __slots__ = ("level", "text", "start", "line", "setext")

    level: int
    text: str
    start: int  # offset of the heading line
    line: int
    setext: bool

    def __init__(self, level: int, text: str, start: int, line: int, setext: bool) -> None:
        self.level = level
        self.text = text
        self.start = start
        self.line = line
        self.setext = setext


class Body(Record):
    """Everything postlint reads from a post body; offsets are into Source.text."""
    __slots__ = ("masked", "tokens", "links", "images", "headings", "code_ranges", "html_ranges", "prose")

    masked: str
    tokens: list[Token]
    links: list[Link]
    images: list[Image]
    headings: list[Heading]
    code_ranges: list[tuple[int, int]]
    html_ranges: list[tuple[int, int]]
    prose: str  # Source.text with everything but readable prose blanked (same length)

    def __init__(self, masked: str, tokens: list[Token], links: list[Link] | None = None,
                 images: list[Image] | None = None, headings: list[Heading] | None = None,
                 code_ranges: list[tuple[int, int]] | None = None, html_ranges: list[tuple[int, int]] | None = None,
                 prose: str = "") -> None:
        self.masked = masked
        self.tokens = tokens
        self.links = [] if links is None else links
        self.images = [] if images is None else images
        self.headings = [] if headings is None else headings
        self.code_ranges = [] if code_ranges is None else code_ranges
        self.html_ranges = [] if html_ranges is None else html_ranges
        self.prose = prose


def parse_ial(text: str) -> dict[str, str]:
    """Attributes of a kramdown inline attribute list body (``target="_blank" .cls #id``)."""
    attrs: dict[str, str] = {}
    for m in _IAL_ATTR.finditer(text):
        if m.group(1):
            attrs[m.group(1)] = next(g for g in (m.group(2), m.group(3), m.group(4)) if g is not None)
        elif m.group(5):
            attrs["class"] = (attrs.get("class", "") + " " + m.group(5)).strip()
        elif m.group(6):
            attrs["id"] = m.group(6)
    return attrs


def _unescaped_find(text: str, needle: str, start: int, end: int) -> int:
    """Offset of `needle` in text[start:end] not preceded by an odd run of backslashes."""
    pos = text.find(needle, start, end)
    while pos != -1:
        slashes = 0
        while pos - slashes - 1 >= start and text[pos - slashes - 1] == "\\":
            slashes += 1
        if slashes % 2 == 0:
            return pos
        pos = text.find(needle, pos + 1, end)
    return -1


def _match_bracket(text: str, pos: int, end: int, open_: str, close: str) -> int:
    """Offset of the bracket closing the one at `pos`, or -1 (a scan to `end`; see _Brackets)."""
    depth = 0
    i = pos
    while i < end:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


_BRACKET_TOKEN = lazy_compile(r"\\.|[\[\]()>]", re.S)
MAX_LABEL = 999  # CommonMark: a link label (what a reference link looks up) has at most 999 characters


class _Brackets:
    """Every bracket pair of text[start:end], found in one pass.

    The link locator tries each "[" as a link's start; scanning from each one to its closing
    bracket is quadratic when thousands stay unclosed (100,000 "[" took minutes). This table
    answers the same question as _match_bracket in constant time: a bracket visited by the scan
    from `start` has exactly the partner a scan from that bracket would find. A position the scan
    did not visit (escaped when seen from `start`) falls back to the direct scan.
    """

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end
        self.partner: dict[int, int] = {}
        self.greater: list[int] = []  # offsets of ">" (ends of <destinations>)
        stacks: dict[str, list[int]] = {"[": [], "(": []}
        opener_of = {"]": "[", ")": "("}
        for match in _BRACKET_TOKEN.finditer(text, start, end):
            ch = match.group(0)
            at = match.start()
            if ch in stacks:
                stacks[ch].append(at)
                self.partner[at] = -1
            elif ch in opener_of:
                stack = stacks[opener_of[ch]]
                if stack:
                    self.partner[stack.pop()] = at
            elif ch == ">":
                self.greater.append(at)

    def match(self, pos: int, open_: str, close: str) -> int:
        found = self.partner.get(pos)
        return found if found is not None else _match_bracket(self.text, pos, self.end, open_, close)

    def next_greater(self, pos: int) -> int:
        """Offset of the first ">" at or after `pos` (before the end), or -1."""
        if pos < self.start:
            return self.text.find(">", pos, self.end)
        index = bisect.bisect_left(self.greater, pos)
        return self.greater[index] if index < len(self.greater) else -1


# What ends or nests an inline link's destination: white space, a backslash escape, parentheses.
_DESTINATION_STOP = lazy_compile(r"[ \t\n\\()]")


class _Span(Record):
    __slots__ = ("form", "label_end", "dest_start", "dest_end", "end", "ref")

    form: Literal["inline", "full", "collapsed", "shortcut"]
    label_end: int  # offset of the closing "]"
    dest_start: int
    dest_end: int
    end: int
    ref: str

    def __init__(self, form: Literal["inline", "full", "collapsed", "shortcut"], label_end: int, dest_start: int,
                 dest_end: int, end: int, ref: str) -> None:
        self.form = form
        self.label_end = label_end
        self.dest_start = dest_start
        self.dest_end = dest_end
        self.end = end
        self.ref = ref


def _link_span(text: str, pos: int, end: int, brackets: _Brackets | None = None) -> _Span | None:
    """Parse the link or image source starting at the "[" at `pos`."""
    brackets = brackets or _Brackets(text, pos, end)
    label_end = brackets.match(pos, "[", "]")
    if label_end == -1:
        return None
    after = label_end + 1
    if after < end and text[after] == "(":
        close_paren = brackets.match(after, "(", ")")
        if close_paren == -1:
            return None
        i = after + 1
        while i < close_paren and text[i] in " \t\n":
            i += 1
        dest_start = i
        if i < end and text[i] == "<":
            close = brackets.next_greater(i)
            if close == -1:
                return None
            dest_start, dest_end, i = i + 1, close, close + 1
        else:
            depth = 0
            while i < close_paren:
                # from one character that matters to the next, not through every character of the URL
                stop = _DESTINATION_STOP.search(text, i, close_paren)
                if stop is None:
                    i = close_paren
                    break
                i = stop.start()
                ch = text[i]
                if ch in " \t\n":
                    break
                if ch == "\\":
                    i += 2
                    continue
                if ch == "(":
                    depth += 1
                elif ch == ")":
                    if depth == 0:
                        break
                    depth -= 1
                i += 1
            dest_end = min(i, close_paren)
        return _Span("inline", label_end, dest_start, dest_end, close_paren + 1, "")
    if after < end and text[after] == "[":
        ref_end = brackets.match(after, "[", "]")
        if ref_end != -1:
            ref = text[after + 1:ref_end] if ref_end - after <= MAX_LABEL + 1 else ""
            if ref.strip():
                return _Span("full", label_end, pos, pos, ref_end + 1, ref)
            if ref_end == after + 1 and label_end - pos <= MAX_LABEL + 1:
                return _Span("collapsed", label_end, pos, pos, ref_end + 1, text[pos + 1:label_end])
            if ref_end != after + 1:
                return None  # a reference label longer than CommonMark allows
    if label_end - pos > MAX_LABEL + 1:
        return None
    return _Span("shortcut", label_end, pos, pos, label_end + 1, text[pos + 1:label_end])


class _BodyBuilder:
    def __init__(self, text: str, masked: str, line_starts: list[int], env: dict) -> None:
        self.text = text
        self.masked = masked
        self.line_starts = line_starts
        self.references = env.get("references", {})
        self.md = markdown_parser()
        self.prose_ranges: list[tuple[int, int]] = []
        self.blank_ranges: list[tuple[int, int]] = []
        self.bracket_tables: dict[int, _Brackets] = {}
        # The cells of a table row are inline tokens with the same line map: each cell's search
        # resumes where the previous cell's stopped, or every cell would find the first cell's code.
        self.row_cursor: dict[tuple[int, int], int] = {}

    def line_offset(self, line0: int) -> int:
        if line0 >= len(self.line_starts):
            return len(self.text)
        return self.line_starts[line0]

    def accept_span(self, span: _Span, token: Token, key: str) -> bool:
        """Does the candidate source span produce what markdown-it parsed?"""
        if span.form == "inline":
            dest = self.masked[span.dest_start:span.dest_end]
            return self.md.normalizeLink(unescapeAll(dest)) == token.attrGet(key)
        return normalizeReference(span.ref) in self.references

    def walk_inline(self, token: Token, body: Body) -> None:
        start = self.line_offset(token.map[0])
        end = self.line_offset(token.map[1])
        self.prose_ranges.append((start, end))
        masked = self.masked
        cursor = self.row_cursor.get((start, end), start)
        # The links open here, each with where its text starts among `pieces` (shared: a string is
        # added once, whatever the number of links open around it).
        pieces = Pieces()
        open_links: list[tuple[Link, int]] = []
        open_html: list[tuple[Link, int]] = []
        for child in token.children or []:
            kind = child.type
            if kind in ("text", "softbreak", "hardbreak") or kind.endswith(("_open", "_close")) and kind not in ("link_open", "link_close"):
                if kind == "text":
                    pieces.add(child.content)
                elif kind != "text" and kind.endswith("break"):
                    pieces.add(" ")
                continue
            if kind == "code_inline":
                pos = _unescaped_find(masked, child.markup, cursor, end)
                if pos == -1:
                    continue
                close = masked.find(child.markup, pos + len(child.markup), end)
                stop = end if close == -1 else close + len(child.markup)
                body.code_ranges.append((pos, stop))
                self.blank_ranges.append((pos, stop))
                pieces.add(child.content)
                cursor = stop
            elif kind == "link_open":
                if child.markup == "autolink":
                    pos = _unescaped_find(masked, "<", cursor, end)
                    close = masked.find(">", pos, end) if pos != -1 else -1
                    if pos == -1 or close == -1:
                        continue
                    link = Link("autolink", "", self.text[pos + 1:close], pos, close + 1, pos + 1)
                    self.blank_ranges.append((pos, close + 1))
                    open_links.append((link, pieces.mark()))
                    cursor = close + 1
                    continue
                found = self.locate(child, cursor, end, image=False)
                if found is None:
                    continue
                pos, span = found
                link = Link(
                    "inline" if span.form == "inline" else "reference",
                    "",
                    self.text[span.dest_start:span.dest_end] if span.form == "inline" else child.attrGet("href") or "",
                    pos,
                    span.end,
                    span.dest_start,
                )
                self.take_ial(link, span.end)
                self.blank_ranges.append((span.label_end, link.end))
                open_links.append((link, pieces.mark()))
                cursor = pos + 1
            elif kind == "link_close":
                if open_links:
                    link, mark = open_links.pop()
                    link.text = pieces.joined(mark)
                    body.links.append(link)
                    cursor = max(cursor, link.end)
            elif kind == "image":
                found = self.locate(child, cursor, end, image=True)
                if found is None:
                    continue
                pos, span = found
                image = Image(
                    "markdown",
                    child.content,
                    self.text[span.dest_start:span.dest_end] if span.form == "inline" else child.attrGet("src") or "",
                    pos - 1,
                    span.end,
                    span.dest_start,
                )
                self.take_ial(image, span.end)
                body.images.append(image)
                self.blank_ranges.append((image.start, image.end))
                pieces.add(child.content)
                cursor = image.end
            elif kind == "html_inline":
                pos = masked.find(child.content, cursor, end)
                if pos == -1:
                    continue
                stop = pos + len(child.content)
                self.blank_ranges.append((pos, stop))
                cursor = stop
                lowered = child.content[:4].lower()
                if lowered.startswith("</a"):
                    if open_html:
                        link, mark = open_html.pop()
                        link.text = pieces.joined(mark)
                        link.end = stop
                        body.links.append(link)
                elif lowered.startswith(("<a ", "<a\n", "<a>", "<img")):
                    for element in html_elements(self.text[pos:stop], pos):
                        if element.tag == "a":
                            open_html.append((html_link(element), pieces.mark()))
                        else:
                            body.images.append(html_image(element))
        self.row_cursor[(start, end)] = cursor

    def brackets(self, start: int, end: int) -> _Brackets:
        """The bracket table of the block ending at `end` (built once, from the first search)."""
        table = self.bracket_tables.get(end)
        if table is None or start < table.start:
            table = self.bracket_tables[end] = _Brackets(self.masked, start, end)
        return table

    def locate(self, token: Token, cursor: int, end: int, image: bool) -> tuple[int, _Span] | None:
        needle = "![" if image else "["
        key = "src" if image else "href"
        pos = _unescaped_find(self.masked, needle, cursor, end)
        while pos != -1:
            bracket = pos + 1 if image else pos
            if image or pos == 0 or self.masked[pos - 1] != "!":
                span = _link_span(self.masked, bracket, end, self.brackets(cursor, end))
                if span is not None and self.accept_span(span, token, key):
                    return bracket, span
            pos = _unescaped_find(self.masked, needle, pos + 1, end)
        return None

    def take_ial(self, item: Link | Image, at: int) -> None:
        match = IAL.match(self.masked, at)
        if match:
            item.attrs.update(parse_ial(match.group(1)))
            item.end = match.end()
            self.blank_ranges.append((match.start(), match.end()))

    def walk_html_block(self, token: Token, body: Body) -> None:
        start = self.line_offset(token.map[0])
        end = self.line_offset(token.map[1])
        body.html_ranges.append((start, end))
        fragment = self.text[start:end]
        if "<a" not in fragment and "<A" not in fragment and "<img" not in fragment.lower():
            return
        for element in html_elements(fragment, start):
            if element.tag == "a":
                link = html_link(element)
                body.links.append(link)
            else:
                body.images.append(html_image(element))


def html_link(element: HtmlElement) -> Link:
    href = element.attrs.get("href") or ""
    return Link("html", element.text, href, element.start, element.end, element.attr_offset("href"), dict(element.attrs))


def html_image(element: HtmlElement) -> Image:
    alt = element.attrs.get("alt") if element.has_value("alt") else None
    return Image("html", alt, element.attrs.get("src") or "", element.start, element.end,
                 element.attr_offset("src"), dict(element.attrs))


def parse_body(text: str, masked: str, line_starts: list[int], not_prose: list[tuple[int, int]]) -> Body:
    """Parse the Markdown in `masked` (see module docs) into a Body.

    `not_prose` are spans (Liquid tags, highlight blocks) that prose rules must never see. The
    Markdown parsed is `masked` as kramdown reads it once Liquid has run (liquid.markdown_view):
    comments and highlight bodies blank, lines of Liquid tags empty. Body.masked is that text.
    """
    masked = markdown_view(text, masked, not_prose)
    env: dict = {}
    tokens = markdown_parser().parse(masked, env)
    _number_lines_as_in_source(tokens, masked, line_starts)
    body = Body(masked=masked, tokens=tokens)
    builder = _BodyBuilder(text, masked, line_starts, env)
    builder.blank_ranges.extend(not_prose)
    builder.blank_ranges.extend(_included_reference_labels(masked, not_prose, text, builder.references))
    heading: Token | None = None
    for token in tokens:
        if token.type == "heading_open":
            heading = token
        elif token.type == "inline" and token.map is not None:
            builder.walk_inline(token, body)
            if heading is not None and heading.map is not None:
                line0 = heading.map[0]
                body.headings.append(Heading(
                    level=int(heading.tag[1]),
                    text="".join(c.content for c in token.children or [] if c.type in ("text", "code_inline")).strip(),
                    start=builder.line_offset(line0),
                    line=line0 + 1,
                    setext=heading.markup in ("=", "-"),
                ))
                heading = None
        elif token.type in ("fence", "code_block") and token.map is not None:
            body.code_ranges.append((builder.line_offset(token.map[0]), builder.line_offset(token.map[1])))
        elif token.type == "html_block" and token.map is not None:
            builder.walk_html_block(token, body)
    body.links.sort(key=lambda link: link.start)
    body.images.sort(key=lambda image: image.start)
    body.code_ranges.sort()
    body.prose = _prose(text, builder.prose_ranges, builder.blank_ranges)
    return body


def _number_lines_as_in_source(tokens: list[Token], parsed: str, line_starts: list[int]) -> None:
    """Renumber the tokens' line maps from the lines of `parsed` to those of the source (whose
    line starts are `line_starts`): `parsed` has fewer lines when a Liquid tag spanning lines was
    put on one (liquid.markdown_view), and every rule counts lines as the file does. Each line
    of `parsed` starts where a line of the source does (the offsets are the same)."""
    if parsed.count("\n") == len(line_starts) - 1:
        return
    parsed_starts = [0] + [found.end() for found in re.finditer("\n", parsed)]

    def source_line(line: int) -> int:
        if line >= len(parsed_starts):  # past the last line, as a map's end may be
            return len(line_starts) + line - len(parsed_starts)
        return bisect.bisect_left(line_starts, parsed_starts[line])

    for token in tokens:
        if token.map is not None:
            token.map = [source_line(token.map[0]), source_line(token.map[1])]


INCLUDE_TAGS = ("include", "include_relative")
# `[text][label]`: a full reference link as written (the label is what its definition is looked up by).
_FULL_REFERENCE = lazy_compile(r"\[[^\[\]\n]*\](\[[^\[\]\n]+\])")


def _included_reference_labels(masked: str, not_prose: list[tuple[int, int]], text: str,
                               references: dict) -> list[tuple[int, int]]:
    """The `[label]` of each `[text][label]` whose label the post does not define, in a post that
    has an `{% include %}`: the definitions come from the include (a `links.md` of the site's
    usual URLs), so Jekyll renders a link and the reader sees only its text, not the label."""
    if "][" not in masked or not any(tag_name(text, start) in INCLUDE_TAGS for start, _ in not_prose):
        return []
    return [match.span(1) for match in _FULL_REFERENCE.finditer(masked)
            if normalizeReference(match.group(1)[1:-1]) not in references]


def _prose(text: str, keep: list[tuple[int, int]], blank: list[tuple[int, int]]) -> str:
    """`text` reduced to what a reader reads: inline content without markup, code or URLs."""
    # The text where a `keep` range and no `blank` range holds it, blanked elsewhere: built from
    # slices (a list of the text's characters, overwritten range by range, took three times as long).
    hidden = blanked(text)
    pieces = []
    shown_to = 0
    for start, end in _without(_merged(keep, len(text)), _merged(blank, len(text))):
        pieces += (hidden[shown_to:start], text[start:end])
        shown_to = end
    pieces.append(hidden[shown_to:])
    prose = "".join(pieces)
    prose = _LINE_PREFIX.sub(_blank_line_prefix, "\n" + prose)[1:]  # a line break before the first line too
    prose = _HTML_TAG.sub(lambda m: blanked(m.group(0)), prose)
    if " #" in prose or "\t#" in prose:
        prose = _HEADING_CLOSER.sub(_spaces, prose)
    prose = _BARE_URL.sub(_spaces, prose)
    return _MARKUP.sub(_spaces, prose)


def _spaces(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def _blank_line_prefix(match: re.Match[str]) -> str:
    return "\n" + " " * len(match.group(1))


def _merged(ranges: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """The offsets in any of `ranges` (cut to 0..size) as sorted, disjoint ranges."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(start, 0), min(end, size)) for start, end in ranges):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _without(ranges: list[tuple[int, int]], removed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The offsets of `ranges` not in `removed` (both as _merged gives them), as sorted ranges."""
    left: list[tuple[int, int]] = []
    index = 0
    for start, end in ranges:
        while index < len(removed) and removed[index][1] <= start:
            index += 1
        at, scan = start, index
        while scan < len(removed) and removed[scan][0] < end:
            if removed[scan][0] > at:
                left.append((at, removed[scan][0]))
            at = max(at, removed[scan][1])
            scan += 1
        if at < end:
            left.append((at, end))
    return left

