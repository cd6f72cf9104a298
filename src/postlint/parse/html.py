"""Raw HTML inside posts: <a> and <img> elements with exact offsets."""

from __future__ import annotations

import bisect
import re

from postlint.record import Record

# How many times the characters of a fragment its elements' texts may hold in all. Every string
# inside an element is part of the text of each element around it, and elements can nest without
# end (bs4, as which html_elements reads, nests an `<a>` left open around the next one, a `<dd>`
# around the next `<dt>`): 20,000 links left open one after the other made texts of 200 million
# characters, minutes and gigabytes for 400 KB. Past this, a text is read as empty (no link text
# to judge, no definition). Texts that do not nest add up to the fragment's characters at most.
TEXT_BUDGET = 4


class Pieces:
    """Strings in order, of which each element or link open at a time holds those added since it
    opened (`mark`): a string is added once, not once to each open element, and `joined` gives the
    text of a run of them while the texts given stay within the budget (TEXT_BUDGET times the
    characters of the strings added)."""

    __slots__ = ("strings", "ends", "non_blank", "separator", "spent")

    def __init__(self, separator: str = "") -> None:
        self.strings: list[str] = []
        self.ends = [0]  # ends[i]: the length of strings[:i] joined with the separator
        self.non_blank: list[int] = []  # indexes of the strings that are not all white space
        self.separator = separator
        self.spent = 0  # characters of the texts given

    def add(self, string: str) -> None:
        """Add a string; an empty one adds nothing (callers join with "" or add no empty string)."""
        if not string:
            return
        self.ends.append(self._start(len(self.strings)) + len(string))
        if not string.isspace():
            self.non_blank.append(len(self.strings))
        self.strings.append(string)

    def mark(self) -> int:
        return len(self.strings)

    def _start(self, index: int) -> int:
        """Where strings[index] starts in the strings joined."""
        return self.ends[index] + (len(self.separator) if index else 0)

    def joined(self, start: int, stop: int | None = None) -> str:
        """`separator.join(strings[start:stop]).strip()`; "" once the texts given would go over
        the budget."""
        stop = len(self.strings) if stop is None else stop
        found = bisect.bisect_left(self.non_blank, start)
        if found == len(self.non_blank) or self.non_blank[found] >= stop:
            return ""
        first = self.non_blank[found]
        size = self.ends[stop] - self._start(first)
        if self.spent + size > TEXT_BUDGET * self.ends[-1]:
            return ""
        self.spent += size
        return self.separator.join(self.strings[first:stop]).strip()


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
        text = tag.text() if tag.name == "a" else ""
        elements.append(HtmlElement(tag.name, attrs, text, offset + start, offset + end, fragment[start:end]))
    return elements
