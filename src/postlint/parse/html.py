"""Raw HTML inside posts: <a> and <img> elements with exact offsets."""

from __future__ import annotations

import re

from postlint.record import Record


class HtmlElement(Record):
    __slots__ = ("tag", "attrs", "text", "start", "end", "raw")

    tag: str  # "a" or "img"
    attrs: dict[str, str]
    text: str
    start: int  # offset of "<" in Source.text
    end: int  # offset just past the opening tag's ">"
    raw: str  # the opening tag as written

    def __init__(self, tag: str, attrs: dict[str, str], text: str, start: int, end: int, raw: str = "") -> None:
        self.tag = tag
        self.attrs = attrs
        self.text = text
        self.start = start
        self.end = end
        self.raw = raw

    def attr_offset(self, name: str) -> int:
        """Offset of attribute `name`'s value (the tag's start when it is absent)."""
        match = re.search(rf"""\b{re.escape(name)}\s*=\s*["']?""", self.raw, re.I)
        return self.start + match.end() if match else self.start

    def has_value(self, name: str) -> bool:
        """Is `name` written with a value (``alt=""``), not bare (``alt``)?"""
        return re.search(rf"\b{re.escape(name)}\s*=", self.raw, re.I) is not None


# bs4 splits these attributes into words (HTMLTreeBuilder.DEFAULT_CDATA_LIST_ATTRIBUTES) and
# html_elements joined them with one space; str.split() splits on the same white space as its \S+.
_WORD_LIST_ATTRIBUTES = {"a": {"class", "accesskey", "dropzone", "rel", "rev"},
                         "img": {"class", "accesskey", "dropzone"}}


def html_elements(fragment: str, offset: int) -> list[HtmlElement]:
    """The <a> and <img> elements of an HTML fragment that starts at `offset` in the text."""
    # html.parser is imported on the first HTML fragment: keeps start-up fast
    from postlint.parse.htmltree import parse_html

    local_starts = [0] + [m.end() for m in re.finditer("\n", fragment)]
    elements = []
    for tag in parse_html(fragment):
        if tag.name not in ("a", "img"):
            continue
        start = local_starts[min(tag.line - 1, len(local_starts) - 1)] + tag.column
        close = fragment.find(">", start)
        end = len(fragment) if close == -1 else close + 1
        words = _WORD_LIST_ATTRIBUTES[tag.name]
        attrs = {k: " ".join(v.split()) if k in words else v for k, v in tag.attrs.items()}
        text = " ".join(filter(None, (s.strip() for s in tag.strings()))) if tag.name == "a" else ""
        elements.append(HtmlElement(tag.name, attrs, text, offset + start, offset + end, fragment[start:end]))
    return elements
