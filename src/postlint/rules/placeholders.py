"""Unfinished text left in a post: placeholders that stand alone, not ones being talked about."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import lru_cache

from postlint.finding import Problem
from postlint.lazy_patterns import lazy_compile
from postlint.options import Option
from postlint.record import FrozenRecord
from postlint.registry import rule

VALUE_MARKERS = ["TBD", "TBA", "XXX"]
NOTE_MARKERS = ["TODO", "FIXME"]
BRACKETED_NOTES = ["citation needed", "insert link", "insert image", "link to come", "TK"]
CHECKED_FIELDS = ["title", "description", "excerpt"]

# The words of the standard filler text itself. "Lorem ipsum" alone is how people name the filler
# ("replacing lorem ipsum with real copy"); only the filler goes on to "dolor sit amet".
_FILLER = lazy_compile(r"\blorem\s+ipsum\s+dolor\b|\bdolor\s+sit\s+amet\b|\bconsectetur\s+adipiscing\b", re.I)
_FILLER_NAME = lazy_compile(r"lorem\s+ipsum", re.I)
# A word of each of _FILLER's alternatives whose letters match only themselves and their ASCII
# capitals under re.I ("i" matches "ı" and "İ" too, "s" matches "ſ"): text whose lower case holds
# none of them has no filler, found by str's search instead of trying the pattern at every position.
_FILLER_WORDS = ("lorem", "dolor", "ectetur")
# Quotation marks that open a mention: “TODO”, "TBD", «TBD», „TBD“, 「TBD」.
_OPENING_QUOTES = "\"'“‘«‹„‚「『"
_EMPHASIS = "*_~"
# What follows a note marker written as a note: `TODO:`, `TODO(ana):`, `FIXME -` at a line start.
_NOTE_COLON = lazy_compile(r"[ \t]*(?:\([^()\n]{0,40}\)[ \t]*)?:")
_REST_OF_LINE_BLANK = lazy_compile(r"[ \t]*(?:\n|\Z)")
_NOTE_DASH = lazy_compile(r"[ \t]*(?:\([^()\n]{0,40}\)[ \t]*)?[-–—][ \t]")
# Degree words make "TBD" an adjective someone says ("it's still a bit TBD"), never a blank slot.
_DEGREE_BEFORE = lazy_compile(r"\b(?:a bit|a little|a tad|very|pretty|rather|somewhat|kind of|sort of|kinda|sorta|"
                               r"fairly|quite|too|so|more|most|mostly|largely|super|totally)\s+$", re.I)
_JOINED_BEFORE = lazy_compile(r"[\w.-]")
_LINE_LEAD = " \t>*-+#0123456789.)"
LINE_LEAD_REACH = 200  # longer runs of bullets and blanks before a word are no line start
_EDGE_PUNCTUATION = " \t\n.!?:;,-–—*_~()[]"


class Leftover(FrozenRecord):
    """Placeholder text left in a post: where, of which kind, and what to show."""
    __slots__ = ("offset", "kind", "text")

    offset: int  # where it starts in the scanned text
    kind: str  # "value", "note", "filler" or "bracketed"
    text: str  # what is shown in the message

    def __init__(self, offset: int, kind: str, text: str) -> None:
        self.offset = offset
        self.kind = kind
        self.text = text


@lru_cache(maxsize=16)
def _marker_pattern(markers: tuple[str, ...]) -> re.Pattern[str]:
    """Whole markers, not part of a longer word, a hyphenated compound (`TODO-list`) or a
    dotted format (`XXX.XXX.XXX.XXX`)."""
    alternatives = "|".join(re.escape(marker) for marker in sorted(markers, key=len, reverse=True))
    # The word boundary before is checked by the caller: a pattern that starts with the markers
    # themselves lets the regex engine skip to their first letters (ten times faster on a long post).
    return re.compile(rf"(?:{alternatives})(?![\w-]|\.\w)")


@lru_cache(maxsize=16)
def _bracketed_pattern(notes: tuple[str, ...]) -> re.Pattern[str]:
    """`[citation needed]`, `[Insert link to the report]`: an editing note in square brackets,
    not followed by `(` or `[` (then the brackets are a link's text)."""
    alternatives = "|".join(re.escape(note) for note in sorted(notes, key=len, reverse=True))
    return re.compile(rf"\[[ \t]*((?:{alternatives})\b[^\[\]\n]{{0,80}})\](?![(\[])", re.I)


def _quoted(text: str, start: int, floor: int) -> bool:
    """Does an opening quotation mark stand right before `start` (emphasis marks skipped)? Then
    the placeholder is being talked about, not left in."""
    index = start - 1
    while index >= floor and text[index] in _EMPHASIS:
        index -= 1
    return index >= floor and text[index] in _OPENING_QUOTES


def _line_start_before(prose: str, start: int, floor: int) -> bool:
    """Is there nothing but blanked markup (list bullets, emphasis, quote marks) before `start` on
    its line? Looked for backwards over a bounded stretch: a match never slices the whole body."""
    index = start - 1
    while index >= max(floor, start - LINE_LEAD_REACH) and prose[index] in _LINE_LEAD:
        index -= 1
    return index < floor or prose[index] == "\n"


def _in_brackets(text: str, start: int, end: int, floor: int) -> bool:
    """Is the marker the first word inside square brackets (`[TODO]`, `[TODO add chart]`)?"""
    before = text[max(floor, start - 16):start].rstrip(" \t" + _EMPHASIS)
    return before.endswith("[") and "]" in text[end:end + 120].split("\n", 1)[0]


def _is_whole(text: str, candidates: set[str]) -> str | None:
    """The candidate that `text` consists of, punctuation and emphasis aside (None: there is more)."""
    core = " ".join(text.strip(_EDGE_PUNCTUATION).split())
    if core in candidates or core.lower() in candidates:
        return core
    return None


def find_leftovers(text: str, prose: str, start: int, end: int, options, english: bool,
                   skipped: list[tuple[int, int]] = ()) -> Iterator[Leftover]:
    """Placeholders left in prose[start:end]. `prose` is `text` with code, Liquid, comments and
    markup blanked (same offsets): matches are found in it, quotes and brackets read in `text`.
    Value markers inside `skipped` ranges (table cells) are not judged."""
    values = set(options.value_markers)
    notes = set(options.note_markers)
    markers = tuple(sorted(values | notes))
    if markers:
        for match in _marker_pattern(markers).finditer(prose, start, end):
            word, at = match.group(), match.start()
            if at > start and _JOINED_BEFORE.match(prose, at - 1):
                continue  # part of a longer word, a compound or a dotted format
            if _quoted(text, at, start):
                continue  # a mention: “TODO” list, navigation items listed as “TBD”
            if word in notes:
                after = match.end()
                written_as_note = (_NOTE_COLON.match(prose, after, end) is not None
                                   or _in_brackets(text, at, after, start)
                                   or (_line_start_before(prose, at, start)
                                       and (_NOTE_DASH.match(prose, after, end) is not None
                                            or _REST_OF_LINE_BLANK.match(prose, after, end) is not None)))
                if written_as_note:
                    yield Leftover(at, "note", word)
                continue  # mid-sentence it names the thing: "a TODO list", "TODO comments"
            if _inside(at, skipped):
                continue
            if english and _DEGREE_BEFORE.search(prose, max(start, at - 24), at):
                continue
            yield Leftover(at, "value", word)
    paragraph_end = start
    lowered = prose[start:end].lower()
    for match in _FILLER.finditer(prose, start, end) if any(word in lowered for word in _FILLER_WORDS) else ():
        if match.start() < paragraph_end or _quoted(text, match.start(), start):
            continue
        yield Leftover(match.start(), "filler", " ".join(match.group().split()))
        # "Lorem ipsum dolor sit amet, consectetur adipiscing elit": one finding per paragraph
        blank_line = prose.find("\n\n", match.end(), end)
        paragraph_end = end if blank_line == -1 else blank_line
    if options.bracketed:
        for match in _bracketed_pattern(tuple(options.bracketed)).finditer(text, start, end):
            note_start = match.start(1)
            if prose[note_start] == text[note_start]:  # not inside code, Liquid or a comment
                yield Leftover(match.start(), "bracketed", f"[{match.group(1).strip()}]")


def _inside(offset: int, ranges: list[tuple[int, int]]) -> bool:
    """Is `offset` inside one of the sorted, non-overlapping `ranges`? (A binary search: a long
    post has thousands of table cells and thousands of markers.)"""
    index = bisect.bisect_right(ranges, (offset, float("inf"))) - 1
    return index >= 0 and offset < ranges[index][1]


def message(leftover: Leftover) -> str:
    if leftover.kind == "value":
        return (f"placeholder '{leftover.text}' stands where the post should give a value; "
                f"readers see an unfinished page (fill it in, or quote it if you mean the word)")
    if leftover.kind == "note":
        return f"note to self '{leftover.text}' left in text readers see; do it and remove the note"
    if leftover.kind == "filler":
        return f"lorem ipsum filler ('{leftover.text}') left in the post; replace it with real copy"
    return f"editing note '{leftover.text}' left in the post; resolve it and remove the brackets"


@rule("STY001", "placeholder-text", severity="warning", options=[
    Option("value_markers", "list[str]", VALUE_MARKERS,
           "Words that stand in for a value not known yet (case-sensitive); reported wherever they stand in "
           "running text, not in table cells or after a degree word (\"a bit TBD\", English posts)."),
    Option("note_markers", "list[str]", NOTE_MARKERS,
           "Words that open a note to self (case-sensitive); reported when written as a note (`TODO:`, "
           "`TODO(ana):`, `[TODO]`, alone on a line or as a whole block), not when named mid-sentence "
           "(\"a TODO list\")."),
    Option("bracketed", "list[str]", BRACKETED_NOTES,
           "Editing notes reported when they open a pair of square brackets (`[citation needed]`, "
           "`[Insert link to the report]`), compared ignoring case."),
    Option("fields", "list[str]", CHECKED_FIELDS,
           "Front-matter keys whose text is checked too; a value that is nothing but a marker (`TBD`) or "
           "`lorem ipsum` is reported."),
])
def placeholder_text(post, ctx) -> Iterator[Problem]:
    """Placeholder or unfinished text (`TBD`, `TODO:`, `[citation needed]`, lorem ipsum filler) left standing in a post, not mentioned.

    ## What it does
    Reports placeholders a reader would see as unfinished text, in the body's prose and in the
    front-matter `fields` (`title`, `description`, `excerpt`):

    - a value marker (`TBD`, `TBA`, `XXX`) standing for a value: "Pricing starts at TBD per seat";
    - a note to self written as one: `TODO: add the Q3 numbers`, `FIXME(ana): check`, `[TODO]`,
      or `TODO` alone on a line or as a whole paragraph or list item;
    - an editing note in square brackets: `[citation needed]`, `[Insert link to the report]`;
    - lorem ipsum filler itself ("Lorem ipsum dolor sit amet"), or a field or block that is
      nothing but `lorem ipsum`;
    - a front-matter value that is nothing but a marker (`description: TBD`).

    A placeholder that is being talked about is not a leftover and is never reported: one in
    quotation marks (`your security “TODO” list`, `listed as "TBD"`), in code or code spans,
    in `{% comment %}` or an HTML comment, a note marker named mid-sentence ("a TODO list"),
    the filler named by its name ("the famous Lorem Ipsum text"), and, in English posts, a
    value marker after a degree word ("still a bit TBD"). Value markers in table cells are
    left alone: a schedule that says `TBD` is giving its reader an answer.

    ## Why is this bad?
    "TBD", "TODO:" or lorem ipsum on a live page tells readers and search engines the page
    was not finished; it is the kind of slip a review misses and a linter does not.

    ## Example
    ```markdown
    TODO: add the churn chart.

    Our enterprise plan starts at TBD per seat [citation needed].
    ```

    ## Use instead
    ```markdown
    Our enterprise plan starts at 40 dollars per seat (list price, March 2024).

    A “TODO” column on the board keeps the follow-ups visible.
    ```

    ## Options
    Markers are whole words: `TBDs`, `TODO-list` and `XXX.XXX.XXX.XXX` are not markers.
    """
    options = ctx.options
    english = ctx.site.is_english(post.data if isinstance(post.data, dict) else {})
    yield from _field_leftovers(post, options, english)
    text, prose = post.text, post.reader_prose
    blocks = post.blocks
    cells = sorted({(block.start, block.end) for block in blocks if block.kind == "cell"})  # a row per cell
    found = {leftover.offset: leftover for leftover in
             find_leftovers(text, prose, post.body_offset, len(prose), options, english, cells)}
    for block in blocks:  # a paragraph, heading or list item that is nothing but the filler's name
        if block.kind != "cell" and _is_whole(block.prose, {"lorem ipsum"}) is not None:
            name = _FILLER_NAME.search(block.prose)
            offset = block.start + name.start()
            found.setdefault(offset, Leftover(offset, "filler", " ".join(name.group().split())))
    for offset in sorted(found):
        leftover = found[offset]
        line, column = post.position(offset)
        # the placeholder itself, as the YAML rule this replaced fingerprinted it: baselines keep matching
        yield Problem(line, column, message(leftover), fingerprint=leftover.text)


def _field_leftovers(post, options, english: bool) -> Iterator[Problem]:
    whole = set(options.value_markers) | set(options.note_markers) | {"lorem ipsum"}
    for key in options.fields:
        value = post.text_value(key)
        if value is None:
            continue
        line, column = post.field(key).value_position
        word = _is_whole(value, whole)
        if word is not None:
            yield Problem(line, column, f"front-matter '{key}' is only the placeholder '{word}'; write the real {key}",
                          fingerprint=f"{key} {word}")
            continue
        for leftover in find_leftovers(value, value, 0, len(value), options, english):
            yield Problem(line, column, f"front-matter '{key}': {message(leftover)}",
                           fingerprint=f"{key} {leftover.text}")


RULES = [placeholder_text]
