"""The element tree of a raw-HTML fragment, built from the standard library's `html.parser` the
way beautifulsoup4's "html.parser" builder builds it (same nesting, text, positions and
attribute values), so posts read as they did with bs4 without its ~175 ms import."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from html.entities import html5
from html.parser import HTMLParser

from postlint.lazy_patterns import lazy_compile
from postlint.parse.html import Pieces

# Elements that close as soon as they open (bs4's HTMLTreeBuilder.DEFAULT_EMPTY_ELEMENT_TAGS).
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "menuitem",
                   "meta", "param", "source", "track", "wbr", "basefont", "bgsound", "command", "frame",
                   "image", "isindex", "nextid", "spacer"})
# bs4 gives text inside these its own string classes (DEFAULT_STRING_CONTAINERS), which get_text
# of an element around them skips: a link inside <template> has no text.
_STRING_CONTAINERS = frozenset({"script", "style", "template", "rt", "rp"})
_MARKED_SECTION = lazy_compile(r"<!\[")


class Element:
    """An HTML element as html.parser read it (compared by identity, as bs4's tags are in a tree)."""
    __slots__ = ("name", "attrs", "line", "column", "parent", "children", "_index", "_texts", "_first", "_stop",
                 "_pieces")

    def __init__(self, name: str, attrs: dict[str, str], line: int, column: int, parent: Element | None,
                 _index: int = 0, _texts: list[str] | None = None, _first: int = 0,
                 _pieces: _Stripped | None = None) -> None:
        self.name = name  # lower case, as html.parser gives it
        self.attrs = attrs  # a bare attribute is "", a repeated one keeps its last value
        self.line = line  # HTMLParser.getpos() at the "<": 1-based line
        self.column = column  # and 0-based column
        self.parent = parent
        self.children: list[Element] = []
        self._index = _index  # its place among its parent's children
        # Its text is _texts[_first:_stop]: every string is added to the innermost open element, so an
        # element's strings are those added while it was open (no recursion on deep, unclosed nesting).
        self._texts = [] if _texts is None else _texts
        self._first = _first
        self._stop: int | None = None
        self._pieces = _Stripped() if _pieces is None else _pieces

    def __repr__(self) -> str:
        return f"Element(name={self.name!r}, attrs={self.attrs!r}, line={self.line!r}, column={self.column!r})"

    def strings(self) -> list[str]:
        """The strings bs4's get_text joins, in order. Comments, doctypes, processing
        instructions and script/style/template/rt/rp text are left out; CDATA is in. White-space-
        only strings stay as written (bs4 shortens them to one space or newline): both callers
        strip or split them away."""
        return self._texts[self._first:self._stop]

    def text(self) -> str:
        """The strings joined with a space as bs4's get_text(" ", strip=True) joins them: each
        stripped, the empty ones left out. Empty past the fragment's budget (html.TEXT_BUDGET):
        the strings of elements left open are those of every element around them, and the texts
        of thousands of nested elements would add up to hundreds of millions of characters."""
        counts = self._pieces.counts
        return self._pieces.joined(counts[self._first], counts[len(self._texts) if self._stop is None else self._stop])

    def following_siblings(self) -> Iterator[Element]:
        """The elements after this one under the same parent (bs4's find_next_siblings), one at a
        time: a caller that stops at the next <dt> reads a list of thousands once, not once per <dt>."""
        siblings = self.parent.children
        for index in range(self._index + 1, len(siblings)):
            yield siblings[index]


def parse_html(fragment: str) -> list[Element]:
    """Every element of `fragment` in document order. html.parser gives up on some malformed
    declarations ("<![x"), and bs4 with it: as the bs4-based html_elements did, they are blanked
    (same length: positions stay exact) and the fragment is read again."""
    try:
        return _Builder.build(fragment)
    except AssertionError:  # bs4 turned this into ParserRejectedMarkup
        try:
            return _Builder.build(_MARKED_SECTION.sub("   ", fragment))
        except AssertionError:
            return []


class _Stripped(Pieces):
    """The strings of a fragment stripped, the empty ones left out, joined with a space:
    counts[i] is how many of them texts[:i] gave (Element.text)."""

    __slots__ = ("counts",)

    def __init__(self) -> None:
        super().__init__(" ")
        self.counts = [0]

    def add(self, string: str) -> None:
        super().add(string.strip())
        self.counts.append(self.mark())


class _Builder(HTMLParser):
    """bs4's BeautifulSoupHTMLParser and tree building, keeping only what the tree above holds."""

    @classmethod
    def build(cls, fragment: str) -> list[Element]:
        builder = cls()
        builder.feed(fragment)
        builder.close()
        builder._end_text()
        for element in builder.open:
            element._stop = len(builder.texts)
        return builder.elements

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)  # bs4 resolves references itself (below)
        self.texts: list[str] = []
        self.stripped = _Stripped()  # kept in step with texts
        self.open = [Element("[document]", {}, 1, 0, None, _texts=self.texts, _pieces=self.stripped)]
        self.elements: list[Element] = []
        self.pending: list[str] = []  # text not yet ended by a tag, comment or the like
        self.open_containers = 0  # open elements of _STRING_CONTAINERS
        self.open_names: Counter[str] = Counter()  # open elements by name
        # Void elements closed at their start tag: a later end tag of that name is ignored once.
        self.closed_void: list[str] = []

    def _end_text(self) -> None:
        """bs4's endData: pending text becomes one string of the innermost open element."""
        if self.pending:
            text = "".join(self.pending)
            self.pending = []
            if not self.open_containers:
                self.texts.append(text)
                self.stripped.add(text)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._end_text()
        parent = self.open[-1]
        element = Element(tag, {name: value or "" for name, value in attrs}, *self.getpos(), parent,
                          _index=len(parent.children), _texts=self.texts, _first=len(self.texts),
                          _pieces=self.stripped)
        parent.children.append(element)
        self.open.append(element)
        self.open_names[tag] += 1
        self.elements.append(element)
        self.open_containers += tag in _STRING_CONTAINERS

    def _end(self, tag: str) -> None:
        """Close the innermost open element named `tag` and every element inside it; an end tag
        with no such element open does nothing (but still ends the pending text)."""
        self._end_text()
        if not self.open_names[tag]:
            return  # without this, each stray end tag searched every open element: quadratic
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].name == tag:
                for element in self.open[depth:]:
                    element._stop = len(self.texts)
                    self.open_containers -= element.name in _STRING_CONTAINERS
                    self.open_names[element.name] -= 1
                del self.open[depth:]
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs)
        if tag in _VOID:
            self._end(tag)
            self.closed_void.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs)  # <x/> closes any element x, void or not
        self._end(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.closed_void:
            self.closed_void.remove(tag)  # ignored without ending the pending text
        else:
            self._end(tag)

    def handle_data(self, data: str) -> None:
        self.pending.append(data)

    def handle_entityref(self, name: str) -> None:
        # "&foo;" unknown stays "&foo" (html.parser has eaten the ";"); "&amp" needs no ";".
        self.pending.append(html5.get(name) or html5.get(name + ";") or "&" + name)

    def handle_charref(self, name: str) -> None:
        # html.parser reports only digits here (or x and hex digits): int() cannot fail.
        number = int(name[1:], 16) if name.startswith(("x", "X")) else int(name)
        if number == 0 or number > 0x10FFFF or 0xD800 <= number <= 0xDFFF:
            self.pending.append("\ufffd")
            return
        if 0x80 <= number <= 0x9F:  # a C1 control is read as the Windows-1252 character
            try:
                self.pending.append(bytes([number]).decode("cp1252"))
                return
            except UnicodeDecodeError:
                pass
        self.pending.append(chr(number))

    def handle_comment(self, data: str) -> None:
        self._end_text()

    def handle_decl(self, decl: str) -> None:
        self._end_text()

    def handle_pi(self, data: str) -> None:
        self._end_text()

    def unknown_decl(self, data: str) -> None:
        self._end_text()
        if data.upper().startswith("CDATA["):
            self.texts.append(data[len("CDATA["):])
            self.stripped.add(data[len("CDATA["):])
