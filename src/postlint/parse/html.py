"""Raw HTML inside posts: <a> and <img> elements with exact offsets (beautifulsoup4)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class HtmlElement:
    tag: str  # "a" or "img"
    attrs: dict[str, str]
    text: str
    start: int  # offset of "<" in Source.text
    end: int  # offset just past the opening tag's ">"
    raw: str = field(repr=False, default="")  # the opening tag as written

    def attr_offset(self, name: str) -> int:
        """Offset of attribute `name`'s value (the tag's start when it is absent)."""
        match = re.search(rf"""\b{re.escape(name)}\s*=\s*["']?""", self.raw, re.I)
        return self.start + match.end() if match else self.start

    def has_value(self, name: str) -> bool:
        """Is `name` written with a value (``alt=""``), not bare (``alt``)?"""
        return re.search(rf"\b{re.escape(name)}\s*=", self.raw, re.I) is not None


_MARKED_SECTION = re.compile(r"<!\[")


def html_elements(fragment: str, offset: int) -> list[HtmlElement]:
    """The <a> and <img> elements of an HTML fragment that starts at `offset` in the text."""
    from bs4 import (
        BeautifulSoup,  # imported on first HTML fragment: keeps start-up fast
    )
    from bs4.exceptions import ParserRejectedMarkup

    try:
        soup = BeautifulSoup(fragment, "html.parser")
    except ParserRejectedMarkup:
        # html.parser gives up on some malformed declarations ("<![x"); they hide no link, so
        # blank them (same length: offsets stay exact) and read the rest.
        try:
            soup = BeautifulSoup(_MARKED_SECTION.sub(lambda m: " " * len(m.group(0)), fragment), "html.parser")
        except ParserRejectedMarkup:
            return []
    local_starts = [0] + [m.end() for m in re.finditer("\n", fragment)]
    elements = []
    for tag in soup.find_all(["a", "img"]):
        line = (tag.sourceline or 1) - 1
        start = local_starts[min(line, len(local_starts) - 1)] + (tag.sourcepos or 0)
        close = fragment.find(">", start)
        end = len(fragment) if close == -1 else close + 1
        attrs = {k: " ".join(v) if isinstance(v, list) else str(v) for k, v in tag.attrs.items()}
        text = tag.get_text(" ", strip=True) if tag.name == "a" else ""
        elements.append(HtmlElement(tag.name, attrs, text, offset + start, offset + end, fragment[start:end]))
    return elements
