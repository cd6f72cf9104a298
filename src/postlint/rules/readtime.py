"""Read-time rule (RT): the stated reading time in front matter against the one the text needs."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from postlint.finding import Edit, Fix, Problem
from postlint.lazy_patterns import lazy_compile
from postlint.options import Option
from postlint.parse.prose import count_words
from postlint.parse.words import unspaced_characters
from postlint.record import Record
from postlint.registry import rule

# `5`, `5 min`, `5 mins`, `5 minutes`, `5 minute read`; anything else is left to front-matter-schema.
_STATED = lazy_compile(r"\s*(\d+(?:\.\d+)?)\s*(?:(min|mins|minute|minutes)\.?(?:\s+read)?)?\s*", re.I)
_NUMBER = lazy_compile(r"\d+(?:\.\d+)?")
_UNIT = lazy_compile(r"\b(minutes?|mins?)\b", re.I)


class ReadTime(Record):
    """A post's reading time and what it is computed from."""
    __slots__ = ("words", "characters", "images", "exact", "minutes")

    words: int  # in scripts written with spaces
    characters: int  # Han and kana, read one by one
    images: int
    exact: float  # minutes
    minutes: int  # what a post should state

    def __init__(self, words: int, characters: int, images: int, exact: float, minutes: int) -> None:
        self.words = words
        self.characters = characters
        self.images = images
        self.exact = exact
        self.minutes = minutes


def read_time(post, words_per_minute: float, seconds_per_image: float, characters_per_minute: float) -> ReadTime:
    """The formula in the rule's docs: words / wpm + Han and kana characters / cpm + images *
    seconds / 60, nearest minute, at least 1."""
    characters, spaced = unspaced_characters(post.reader_prose)
    words = count_words(spaced)
    images = len(post.body.images)
    exact = words / words_per_minute + characters / characters_per_minute + images * seconds_per_image / 60
    return ReadTime(words, characters, images, exact, max(1, math.floor(exact + 0.5)))


def stated_minutes(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and (match := _STATED.fullmatch(value)):
        return float(match.group(1))
    return None


def _unit_for(unit: str, minutes: int) -> str:
    """Keep the author's unit word, in the number that agrees with the new figure."""
    lower = unit.lower()
    if lower.startswith("minute"):
        word = "minute" if minutes == 1 else "minutes"
    elif lower in ("min", "mins"):
        word = "min" if minutes == 1 or lower == "min" else "mins"
    else:
        return unit
    return word.capitalize() if unit[0].isupper() else word


def _fix(post, key: str, minutes: int) -> Fix | None:
    """Replace the number in the value as written: quotes, unit word and spacing stay."""
    span = post.field(key).value_span
    if span is None:
        return None
    raw = post.text[span[0]:span[1]]
    numbers = list(_NUMBER.finditer(raw))
    if "\n" in raw or len(numbers) != 1:
        return None
    number = numbers[0]
    rest = _UNIT.sub(lambda m: _unit_for(m.group(1), minutes), raw[number.end():], count=1)
    replacement = raw[:number.start()] + str(minutes) + rest
    return Fix(f"set {key} to {minutes}", (Edit(span[0], span[1], replacement),))


@rule("RT001", "read-time", severity="warning", fixable=True, options=[
    Option("key", "str", "time_read", "Front-matter key that states the reading time."),
    Option("words_per_minute", "number", 238, "Reading speed in words per minute.", above=0),
    Option("characters_per_minute", "number", 500,
           "Reading speed of Chinese and Japanese text, in Han and kana characters per minute.", above=0),
    Option("seconds_per_image", "number", 0, "Extra seconds a reader spends on each image, e.g. 12.", minimum=0),
    Option("tolerance", "number", 1, "Minutes the stated time may differ from the computed one before it is reported.",
           minimum=0),
])
def read_time_rule(post, ctx) -> Iterator[Problem]:
    """The stated read time (`time_read: 5 min`) is more than a minute (unless configured) off what the post takes to read; `--fix` rewrites the number.

    ## What it does
    Computes how long the post takes to read and compares it with the front-matter value of
    `key` (`5`, `5 min`, `5 mins`, `5 minutes`, quoted or not). When they differ by more than
    `tolerance` minutes it reports both figures and the word count; `postlint --fix` rewrites
    the number in place and keeps everything else: the quotes, the unit word the author used
    (`minute`/`minutes` and `min`/`mins` only agree with the new number) and every other byte of the file.

    The formula: **minutes = words / `words_per_minute` + characters / `characters_per_minute` +
    images × `seconds_per_image` / 60**, rounded to the nearest whole minute (halves up), at
    least 1. Words are what a reader reads
    in the body: front matter, Liquid (and the bodies of `{% comment %}` and diagram tags),
    code blocks, inline code, URLs and link destinations, HTML tags and Markdown syntax are left
    out; headings, list items, table cells and link
    texts count; a word is a run of letters or digits (`don't`, `follow-up` and `3.5` are one
    word each). Chinese and Japanese are written without spaces between words, so their Han
    and kana characters are counted one by one instead, as characters: 500 per minute is a
    common estimate of silent reading in Japanese; Chinese packs more into each character, and
    a Chinese site may set about 300. Images are the post's Markdown and HTML images. 238
    words per minute is the average silent reading speed for non-fiction measured by Brysbaert
    (2019). Rounding to the nearest minute rather than up keeps a 5.1-minute post at "5 min".

    Values the rule cannot read (`five minutes`, `1 hour`) are left to `front-matter-schema`;
    posts without the key and HTML posts are not checked.

    ## Why is this bad?
    A read time that promises 2 minutes for a 9-minute article makes readers leave; it usually
    went stale when the post grew during editing.

    ## Example
    ```yaml
    time_read: 2 min   # the body has 1,650 words: about 7 minutes
    ```

    ## Use instead
    ```yaml
    time_read: 7 min
    ```

    ## Options
    """
    options = ctx.options
    if not post.is_markdown or options.key not in post.data or options.words_per_minute <= 0:
        return
    stated = stated_minutes(post.data[options.key])
    if stated is None:
        return
    computed = read_time(post, options.words_per_minute, options.seconds_per_image, options.characters_per_minute)
    if abs(stated - computed.minutes) <= options.tolerance:
        return
    info = post.field(options.key)
    characters = (f", {computed.characters:,} Chinese or Japanese characters at {options.characters_per_minute:g} per minute"
                  if computed.characters else "")
    images = f" and {computed.images} images at {options.seconds_per_image:g} s" if computed.images and options.seconds_per_image else ""
    yield Problem(
        info.line, info.column,
        f"{options.key} says {stated:g} min but the post reads in about {computed.minutes} min "
        f"({computed.words:,} words at {options.words_per_minute:g} words per minute{characters}{images})",
        fix=_fix(post, options.key, computed.minutes),
        fingerprint=options.key,
    )


RULES = [read_time_rule]
