"""Liquid tags and outputs with exact offsets.

Jekyll renders Liquid before Markdown, so a tag inside a code fence still runs; only
``{% raw %}`` protects text. Tags inside ``{% comment %}`` are parsed but never rendered, which
matters to rules: a malformed tag there still breaks the build, a missing target does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_TOKEN = re.compile(r"\{%-?(?P<tag>.*?)-?%\}|\{\{-?(?P<output>.*?)-?\}\}", re.S)
_TAG_NAME = re.compile(r"\s*(\w+)")
_ENDRAW = re.compile(r"\{%-?\s*endraw\s*-?%\}")
_NOT_NEWLINE = re.compile(r"[^\n]")


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
    while True:
        match = _TOKEN.search(text, pos)
        if match is None:
            break
        pos = match.end()
        if match.group("tag") is not None:
            inner = match.group("tag")
            name_match = _TAG_NAME.match(inner)
            name = name_match.group(1) if name_match else ""
            rest_offset = name_match.end() if name_match else 0
            markup = inner[rest_offset:]
            stripped = markup.strip()
            markup_start = match.start("tag") + rest_offset + (len(markup) - len(markup.lstrip()))
            tag = LiquidTag("tag", name, stripped, match.start(), match.end(), markup_start, comment_depth > 0)
            tags.append(tag)
            if name == "raw":
                end = _ENDRAW.search(text, pos)
                body_end = end.start() if end else len(text)
                raw_ranges.append((pos, body_end))
                if end is None:
                    break
                tags.append(LiquidTag("tag", "endraw", "", end.start(), end.end(), end.end() - 2, comment_depth > 0))
                pos = end.end()
            elif name == "comment":
                comment_depth += 1
            elif name == "endcomment":
                comment_depth = max(0, comment_depth - 1)
            elif name == "highlight":
                highlight_start = pos
            elif name == "endhighlight" and highlight_start is not None:
                code_ranges.append((highlight_start, match.start()))
                highlight_start = None
        else:
            inner = match.group("output")
            markup_start = match.start("output") + (len(inner) - len(inner.lstrip()))
            tags.append(LiquidTag("output", "", inner.strip(), match.start(), match.end(), markup_start, comment_depth > 0))
    return LiquidScan(tags, raw_ranges, code_ranges)


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
        parts.append(_NOT_NEWLINE.sub(fill, text[start:end]))
        last = end
    parts.append(text[last:])
    return "".join(parts)
