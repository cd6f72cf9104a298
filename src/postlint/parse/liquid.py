"""Liquid tags and outputs with exact offsets.

Jekyll renders Liquid before Markdown, so a tag inside a code fence still runs; only
``{% raw %}`` protects text. Tags inside ``{% comment %}`` are parsed but never rendered, which
matters to rules: a malformed tag there still breaks the build, a missing target does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from postlint.parse.source import blanked

_OPENER = re.compile(r"\{[%{]")
_CLOSERS = {"{%": "%}", "{{": "}}"}
_TAG_NAME = re.compile(r"\s*(\w+)")
_ENDRAW = re.compile(r"\{%-?\s*endraw\s*-?%\}")


@dataclass(frozen=True)
class LiquidTag:
    kind: Literal["tag", "output"]
    name: str  # tag name ("post_url", "if", ...); "" for an output
    markup: str  # what follows the name, stripped (the whole expression for an output)
    start: int  # offset of "{%" / "{{"
    end: int  # offset just past "%}" / "}}"
    markup_start: int  # offset of the markup's first character
    in_comment: bool = False


@dataclass
class LiquidScan:
    tags: list[LiquidTag]
    raw_ranges: list[tuple[int, int]]  # text shown literally: {% raw %} bodies
    code_ranges: list[tuple[int, int]]  # {% highlight %} bodies: code, not prose


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
