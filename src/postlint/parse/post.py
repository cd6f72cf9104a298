"""A post (or page) parsed once: source, front matter, Liquid, Markdown body.

Rules only read a Post; the costly parts (Liquid scan, Markdown body) are computed on first use
and kept, so each file is parsed at most once whatever the number of rules.
"""

from __future__ import annotations

import bisect
import datetime as _dt
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from postlint.errors import MarkdownTooComplex
from postlint.lazy_patterns import lazy_compile
from postlint.parse.dates import ruby_date
from postlint.parse.frontmatter import FrontMatter, KeyInfo
from postlint.parse.frontmatter_memo import FRONT_MATTERS
from postlint.parse.liquid import LiquidScan, LiquidTag, mask, scan_liquid
from postlint.parse.source import Source
from postlint.parse.spans import Spans

if TYPE_CHECKING:  # the Markdown parser loads when a body is first needed: a cached run never needs it
    from postlint.parse.definitions import Definition
    from postlint.parse.markdown import Body
    from postlint.parse.prose import Block

MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown", ".mkdown", ".mkdn", ".mkd"})
POST_EXTENSIONS = MARKDOWN_EXTENSIONS | {".html", ".htm"}
# Jekyll's Document::DATE_FILENAME_MATCHER: a date, a slug, an extension.
POST_FILENAME = lazy_compile(r"^(\d{2,4}-\d{1,2}-\d{1,2})-([^/]*)(\.[^./]+)$")

PostKind = Literal["post", "draft", "page"]


def filename_date(name: str) -> _dt.date | None:
    """The day Jekyll dates a post by its file name, as Ruby's Time.parse reads it (checked with
    `jekyll build`: `2023-02-30` rolls over to March 2, `20-01-05` is 2020); None when the name
    has no date or one Jekyll cannot read (see ruby_date)."""
    match = POST_FILENAME.match(name)
    return ruby_date(match.group(1)) if match else None


class Field:
    """One top-level front-matter key as a rule sees it (`Post.field`)."""

    def __init__(self, key: str, value: object, info: KeyInfo | None, source: Source) -> None:
        self.key = key
        self.value = value
        self.present = info is not None
        self.line, self.column = (info.line, info.column) if info else (1, 1)
        self._info = info
        self._source = source

    @property
    def position(self) -> tuple[int, int]:
        """(line, column) of the key; (1, 1) when the key is not set."""
        return self.line, self.column

    @property
    def value_position(self) -> tuple[int, int]:
        """(line, column) of the value itself; the key's when it has none."""
        return self._source.position(self._info.value_start) if self._info else (self.line, self.column)

    @property
    def value_span(self) -> tuple[int, int] | None:
        """Offsets of the value in Source.text (None: the key is not set)."""
        return (self._info.value_start, self._info.value_end) if self._info else None


class Post:
    def __init__(self, source: Source, rel: str, display: str, kind: PostKind, read_error: str | None = None) -> None:
        self.source = source
        self.rel = rel  # relative to the site root, "/" separators
        self.display = display  # as reported: relative to the current directory
        self.kind = kind
        self.read_error = read_error

    @cached_property
    def front_matter(self) -> FrontMatter:
        return FRONT_MATTERS.parse(self.source.text) if self.read_error is None else FrontMatter()

    @property
    def path(self) -> Path:
        return self.source.path

    @property
    def text(self) -> str:
        return self.source.text

    @property
    def data(self) -> dict:
        return self.front_matter.data

    @property
    def is_markdown(self) -> bool:
        return self.path.suffix.lower() in MARKDOWN_EXTENSIONS

    @property
    def body_offset(self) -> int:
        return self.front_matter.body_offset

    @property
    def body_line(self) -> int:
        """The 1-based line on which the body starts."""
        return self.source.position(self.body_offset)[0]

    @property
    def filename_date(self) -> _dt.date | None:
        return filename_date(self.path.name)

    def position(self, offset: int) -> tuple[int, int]:
        return self.source.position(offset)

    def field(self, key: str) -> Field:
        """A top-level front-matter key: its value, and where the key and the value stand."""
        return Field(key, self.data.get(key), self.front_matter.keys.get(key), self.source)

    # Parsed on first use and kept until the engine is done with the file (forget_parsed_body).
    # `definitions` stay: they are small, and site-wide rules ask for other posts' definitions.
    _PARSED = ("liquid", "_liquid_starts", "_parsed_body", "_code_spans", "reader_prose", "blocks")

    def text_value(self, key: str) -> str | None:
        """A front-matter string as search results show it (runs of white space as one space);
        None when the key is unset, blank or not a string."""
        value = self.data.get(key)
        return " ".join(value.split()) if isinstance(value, str) and value.strip() else None

    def forget_parsed_body(self) -> None:
        """Free the body's parse once every rule has run; the front matter stays, since other
        files' rules may still ask the site about it."""
        for name in self._PARSED:
            self.__dict__.pop(name, None)

    @cached_property
    def reader_prose(self) -> str:
        """The words a reader reads (see prose.reader_prose)."""
        from postlint.parse.prose import reader_prose

        return reader_prose(self)

    @cached_property
    def blocks(self) -> list[Block]:
        """Every inline-holding block of a Markdown body, in order (see prose.find_blocks)."""
        from postlint.parse.prose import find_blocks

        return find_blocks(self)

    @cached_property
    def definitions(self) -> list[Definition]:
        """Every term definition of the body, in order (see definitions.find_definitions)."""
        from postlint.parse.definitions import find_definitions

        return find_definitions(self)

    @cached_property
    def liquid(self) -> LiquidScan:
        """Liquid tags of the body (Jekyll does not render Liquid in front matter)."""
        return scan_liquid(self.text, self.body_offset)

    def liquid_between(self, start: int, end: int) -> bool:
        """Does a Liquid tag or output start after `start` and before `end`? A binary search: rules
        ask it for each image (a scan of every tag for each of 10,000 images took minutes)."""
        starts = self._liquid_starts
        index = bisect.bisect_right(starts, start)
        return index < len(starts) and starts[index] < end

    @cached_property
    def _liquid_starts(self) -> list[int]:
        return sorted(tag.start for tag in self.liquid.tags)

    def tags(self, name: str) -> list[LiquidTag]:
        return [tag for tag in self.liquid.tags if tag.kind == "tag" and tag.name == name]

    @property
    def body(self) -> Body:
        """The parsed body. Raises MarkdownTooComplex (again at each use, without parsing again)
        for a body over parse/markdown.py's MAX_MARKDOWN_ELEMENTS: file-unreadable reports it,
        and the engine skips the rules that read it."""
        parsed = self.__dict__.get("_parsed_body")
        if parsed is None:
            try:
                parsed = self._parse_body()
            except MarkdownTooComplex as exc:
                parsed = exc
            self.__dict__["_parsed_body"] = parsed
        if isinstance(parsed, MarkdownTooComplex):
            raise MarkdownTooComplex(str(parsed), self.rel)
        return parsed

    @property
    def markdown_error(self) -> str | None:
        """Why the body cannot be parsed (None: it can); parses it to know."""
        try:
            self.body  # noqa: B018
        except MarkdownTooComplex as exc:
            return str(exc)
        return None

    def _parse_body(self) -> Body:
        from postlint.parse.markdown import parse_body

        text = self.text
        liquid_spans = [(tag.start, tag.end) for tag in self.liquid.tags]
        blank_front_matter = [(0, self.body_offset)] if self.body_offset else []
        masked = mask(mask(text, liquid_spans), blank_front_matter, fill=" ")
        not_prose = liquid_spans + self.liquid.code_ranges + blank_front_matter
        if self.is_markdown:
            body = parse_body(text, masked, self.source.line_starts, not_prose)
        else:
            body = parse_body(text, mask(masked, [(self.body_offset, len(text))], fill=" "), self.source.line_starts, not_prose)
            _add_html(body, text, self.body_offset)
        body.code_ranges.extend(self.liquid.code_ranges)
        body.code_ranges.sort()
        return body

    def in_code(self, offset: int) -> bool:
        """Is `offset` inside a code block, a code span or a {% highlight %} block?"""
        return offset in self._code_spans

    @cached_property
    def _code_spans(self) -> Spans:
        """The code ranges, asked by binary search (rules ask for each link, thousands on a long
        post). A body too big to parse has the code its Liquid marks only."""
        return Spans(self.body.code_ranges if self.markdown_error is None else self.liquid.code_ranges)


def _add_html(body: Body, text: str, offset: int) -> None:
    from postlint.parse.html import html_elements
    from postlint.parse.markdown import html_image, html_link

    """An HTML post: its links and images come from the HTML itself."""
    for element in html_elements(text[offset:], offset):
        if element.tag == "a":
            body.links.append(html_link(element))
        else:
            body.images.append(html_image(element))
