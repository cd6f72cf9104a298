"""Liquid tags and outputs with exact offsets.

Jekyll renders Liquid before Markdown, so a tag inside a code fence still runs; only
``{% raw %}`` protects text. Tags inside ``{% comment %}`` are parsed but never rendered, which
matters to rules: a malformed tag there still breaks the build, a missing target does not.

`markdown_view` turns the masked text into what kramdown reads once Liquid has run, so that
every rule built on the Markdown parse agrees with the page: a ``{% comment %}`` renders to
nothing, a ``{% highlight %}`` block to code, and a line holding only ``{% … %}`` tags to an
empty line.
"""

from __future__ import annotations

from typing import Literal

from postlint.lazy_patterns import lazy_compile
from postlint.parse.source import blanked
from postlint.record import FrozenRecord, Record

_OPENER = lazy_compile(r"\{[%{]")
_CLOSERS = {"{%": "%}", "{{": "}}"}
_TAG_NAME = lazy_compile(r"\s*(\w+)")
_ENDRAW = lazy_compile(r"\{%-?\s*endraw\s*-?%\}")


class LiquidTag(FrozenRecord):
    """One Liquid tag (`{% name markup %}`) or output (`{{ markup }}`) with its offsets."""
    __slots__ = ("kind", "name", "markup", "start", "end", "markup_start", "in_comment")

    kind: Literal["tag", "output"]
    name: str  # tag name ("post_url", "if", ...); "" for an output
    markup: str  # what follows the name, stripped (the whole expression for an output)
    start: int  # offset of "{%" / "{{"
    end: int  # offset just past "%}" / "}}"
    markup_start: int  # offset of the markup's first character
    in_comment: bool

    def __init__(self, kind: Literal["tag", "output"], name: str, markup: str, start: int, end: int, markup_start: int,
                 in_comment: bool = False) -> None:
        self.kind = kind
        self.name = name
        self.markup = markup
        self.start = start
        self.end = end
        self.markup_start = markup_start
        self.in_comment = in_comment


class LiquidScan(Record):
    """Every Liquid tag of a text, and the ranges Liquid shows literally or as code."""
    __slots__ = ("tags", "raw_ranges", "code_ranges")

    tags: list[LiquidTag]
    raw_ranges: list[tuple[int, int]]  # text shown literally: {% raw %} bodies
    code_ranges: list[tuple[int, int]]  # {% highlight %} bodies: code, not prose

    def __init__(self, tags: list[LiquidTag], raw_ranges: list[tuple[int, int]],
                 code_ranges: list[tuple[int, int]]) -> None:
        self.tags = tags
        self.raw_ranges = raw_ranges
        self.code_ranges = code_ranges


def scan_liquid(text: str, start: int = 0) -> LiquidScan:
    """Find every Liquid tag and output in `text` from offset `start`."""
    tags: list[LiquidTag] = []
    raw_ranges: list[tuple[int, int]] = []
    code_ranges: list[tuple[int, int]] = []
    comment_depth = 0
    highlight_start: int | None = None
    pos = start
    exhausted: set[str] = set()
    while (token := _next_token(text, pos, exhausted)) is not None:
        kind, token_start, token_end, inner_start, inner_end = token
        pos = token_end
        if kind == "tag":
            inner = text[inner_start:inner_end]
            name_match = _TAG_NAME.match(inner)
            name = name_match.group(1) if name_match else ""
            rest_offset = name_match.end() if name_match else 0
            markup = inner[rest_offset:]
            stripped = markup.strip()
            markup_start = inner_start + rest_offset + (len(markup) - len(markup.lstrip()))
            tag = LiquidTag("tag", name, stripped, token_start, token_end, markup_start, comment_depth > 0)
            tags.append(tag)
            if name == "raw":
                end = _ENDRAW.search(text, token_end)
                body_end = end.start() if end else len(text)
                raw_ranges.append((token_end, body_end))
                if end is None:
                    break
                tags.append(LiquidTag("tag", "endraw", "", end.start(), end.end(), end.end() - 2, comment_depth > 0))
                pos = end.end()
            elif name == "comment":
                comment_depth += 1
            elif name == "endcomment":
                comment_depth = max(0, comment_depth - 1)
            elif name == "highlight":
                highlight_start = token_end
            elif name == "endhighlight" and highlight_start is not None:
                code_ranges.append((highlight_start, token_start))
                highlight_start = None
        else:
            inner = text[inner_start:inner_end]
            markup_start = inner_start + (len(inner) - len(inner.lstrip()))
            tags.append(LiquidTag("output", "", inner.strip(), token_start, token_end, markup_start, comment_depth > 0))
    return LiquidScan(tags, raw_ranges, code_ranges)


def _next_token(text: str, pos: int, exhausted: set[str]) -> tuple[str, int, int, int, int] | None:
    """(kind, start, end, inner_start, inner_end) of the first ``{% … %}`` or ``{{ … }}`` from `pos`.

    The same token the regex ``\\{%-?(.*?)-?%\\}|\\{\\{-?(.*?)-?\\}\\}`` finds, in linear time
    over a whole scan: that regex rescans to the end of the text from every unclosed opener, so
    100,000 stray ``{%`` took minutes. Once a closer is known to be missing (`exhausted`, kept
    by the caller), no later opener of that kind is tried again.
    """
    while len(exhausted) < 2:
        opener = _OPENER.search(text, pos)
        if opener is None:
            return None
        start = opener.start()
        kind = opener.group(0)
        close = -1 if kind in exhausted else text.find(_CLOSERS[kind], start + 2)
        if close == -1:
            exhausted.add(kind)
            pos = start + 1
            continue
        inner_start = start + 3 if text.startswith("-", start + 2) and start + 3 <= close else start + 2
        inner_end = close - 1 if close - 1 >= inner_start and text[close - 1] == "-" else close
        return ("tag" if kind == "{%" else "output"), start, close + 2, inner_start, inner_end
    return None


def markdown_view(text: str, masked: str, spans: list[tuple[int, int]]) -> str:
    """`masked` (Liquid tags already replaced by filler) as kramdown reads it after Liquid ran.

    `spans` holds the tags' spans (as `scan_liquid` found them) among any other spans; only the
    tags are used. Three things become blank: the whole of each ``{% comment %}`` block (Jekyll
    renders nothing), the body of each ``{% highlight %}`` block (Jekyll renders a code block:
    a ``# comment`` in it is no heading, a ``[x](y)`` no link), and every line that holds
    nothing but ``{% … %}`` tags (Jekyll leaves an empty line where ``{% if %}`` or
    ``{% include %}`` stood, so the next line starts a new block: a ``[ref]: /url`` below one
    is a reference definition, not paragraph text). Outputs (``{{ … }}``) and tags inside a
    line stay filler: they render as text, often inside a link's destination. The line breaks
    of a tag's own markup (``[text]({% post_url\n2024-01-01-x %})``) never reach the page: the
    output takes the tag's place on the line where it starts, so those line breaks become
    filler too, and the view then has fewer lines than `text` (offsets stay the same).
    """
    tags: list[tuple[int, int]] = []
    for span in sorted(spans):  # already in order but for a few: timsort keeps this linear
        if (not tags or span != tags[-1]) and _is_whole_tag(text, *span):
            tags.append(span)
    if not tags:
        return masked
    blank = _unrendered_blocks(text, tags)
    blank.extend(_tag_only_lines(text, masked, tags))
    return _tags_on_one_line(mask(masked, blank, fill=" "), tags, sorted(blank))


def _tags_on_one_line(view: str, tags: list[tuple[int, int]], blank: list[tuple[int, int]]) -> str:
    """`view` with each line break inside a rendered tag or output (one that no `blank` span, in
    order of start, holds) turned into the tag's filler."""
    pieces: list[str] = []
    shown_to = 0
    index = 0
    for start, end in tags:
        if view.find("\n", start, end) == -1:
            continue
        while index < len(blank) and blank[index][1] <= start:
            index += 1
        if index < len(blank) and blank[index][0] <= start:
            continue  # rendered to nothing (a comment) or an empty line: its lines stay as they are
        pieces += (view[shown_to:start], view[start:end].replace("\n", view[start]))  # view[start]: the tag's filler
        shown_to = end
    if not pieces:
        return view
    pieces.append(view[shown_to:])
    return "".join(pieces)


def _is_whole_tag(text: str, start: int, end: int) -> bool:
    """Is text[start:end] exactly one tag or output, as `_next_token` delimits them?"""
    opener = text[start:start + 2]
    closer = _CLOSERS.get(opener)
    return closer is not None and text.find(closer, start + 2, end) == end - 2


def tag_name(text: str, start: int) -> str:
    """The name of the ``{% … %}`` tag at `start` ("" for an output or a nameless tag)."""
    if not text.startswith("{%", start):
        return ""
    inner = start + 3 if text.startswith("-", start + 2) else start + 2
    found = _TAG_NAME.match(text, inner)
    return found.group(1) if found else ""


def _unrendered_blocks(text: str, tags: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Whole ``{% comment %}`` blocks and ``{% highlight %}`` bodies (closed ones: an unclosed
    block stops the build, and liquid-syntax reports it)."""
    found: list[tuple[int, int]] = []
    comment_start: int | None = None
    depth = 0  # Liquid parses a comment's body: a comment inside it needs its own endcomment
    highlight_start: int | None = None
    for start, end in tags:
        name = tag_name(text, start)
        if name == "comment":
            comment_start = start if depth == 0 else comment_start
            depth += 1
        elif name == "endcomment" and depth:
            depth -= 1
            if depth == 0 and comment_start is not None:
                found.append((comment_start, end))
        elif depth:
            continue
        elif name == "highlight":
            highlight_start = end
        elif name == "endhighlight" and highlight_start is not None:
            found.append((highlight_start, start))
            highlight_start = None
    return found


def _tag_only_lines(text: str, masked: str, tags: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs of whole lines that hold only ``{% … %}`` tags and white space."""
    found: list[tuple[int, int]] = []
    index = 0
    while index < len(tags):
        line_start = masked.rfind("\n", 0, tags[index][0]) + 1
        only_tags = True
        gap_start = line_start
        # The tags that share these lines (a tag may span lines, a line may hold several). Each
        # search stops at the next tag: a line of 100,000 tags stays linear.
        while True:
            start, end = tags[index]
            only_tags = only_tags and text.startswith("{%", start) and not masked[gap_start:start].strip()
            gap_start = end
            index += 1
            if index == len(tags) or masked.find("\n", end, tags[index][0]) != -1:
                break
        line_end = masked.find("\n", gap_start)
        line_end = len(masked) if line_end == -1 else line_end
        if only_tags and not masked[gap_start:line_end].strip():
            found.append((line_start, line_end))
    return found


def mask(text: str, spans: list[tuple[int, int]], fill: str = "x") -> str:
    """Replace each span of `text` with `fill`, keeping line breaks and length."""
    if not spans:
        return text
    parts: list[str] = []
    last = 0
    for start, end in sorted(spans):
        if start < last:
            start = last
        if end <= start:
            continue
        parts.append(text[last:start])
        parts.append(blanked(text[start:end], fill))
        last = end
    parts.append(text[last:])
    return "".join(parts)
