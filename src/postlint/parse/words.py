"""What a word is: the one definition every rule that counts, compares or looks up words uses.

Words split on Unicode word boundaries as a reader sees them, in any script: a word is letters and
digits together with the combining marks that follow them (categories Mn, Mc, Me: Devanagari vowel
signs and viramas, decomposed accents, Hebrew points) and the zero-width joiners that hold some
Indic and Persian words together. Python's `re` counts a combining mark as a non-word character,
so `[^\\W_]+` cut Hindi "क्या" into "क" and "य"; the `regex` module's Unicode properties do not.
Inner apostrophes ("it's", "don’t"), hyphens ("follow-up") and dots ("e.g", "3.5") join the parts
of one word. `_` is no letter: `snake_case` is two words, as a reader sees it.

Scripts written without spaces (Chinese, Japanese, Thai) have no word boundaries a regular
expression can find; a run of their characters is one word here.

Matching the `regex` module's property classes costs two to three times what the stdlib `re`
costs on the same text, and most text's word characters are all ASCII (curly quotes, dashes and
non-breaking spaces are no word characters). There every class below holds only its ASCII
members, so each pattern has a stdlib twin with the classes narrowed to those (`\\p{L}` to
`A-Za-z`, `\\p{N}` to `0-9`, no marks or joiners) that finds exactly the same matches; a
WordPattern uses it when the text allows, and the `regex` pattern otherwise.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache, cached_property
from typing import TYPE_CHECKING

from postlint.lazy_patterns import lazy_compile

if TYPE_CHECKING:
    import regex

# The Unicode classes are written inside [...] sets only: the ASCII twin narrows each set.
_ASCII_MEMBERS = {r"\p{L}": "A-Za-z", r"\p{N}": "0-9", r"\p{M}": "", r"\u200c": "", r"\u200d": ""}
_UNICODE_CLASS = lazy_compile("|".join(re.escape(name) for name in _ASCII_MEMBERS))
# Any character outside ASCII that is part of a word.
_WORD_CHARACTER = r"[\p{L}\p{N}\p{M}\u200c\u200d]"
_ASCII_BYTES = bytes(range(128))
# For bytes.translate: ASCII letters kept, every other byte a space; and the same lowercased.
_ASCII_LETTERS_ONLY = bytes(code if chr(code).isascii() and chr(code).isalpha() else ord(" ") for code in range(256))
_ASCII_LETTERS_LOWERED = _ASCII_LETTERS_ONLY.lower()


def ascii_word_characters(text: str, pos: int = 0, endpos: int = sys.maxsize) -> bool:
    """Are the word characters of text[pos:endpos] all ASCII? (Its other characters may be anything.)"""
    if text.isascii():  # constant time: CPython marks ASCII strings
        return True
    part = text[pos:endpos] if pos or endpos < len(text) else text
    # Its characters outside ASCII, each once: deleting ASCII bytes from UTF-8 leaves exactly
    # theirs, and bytes.translate is many times faster than a regular expression's scan.
    others = part.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
    return not any(_is_word_character(character) for character in set(others))


def _is_word_character(character: str) -> bool:
    """Is `character` in _WORD_CHARACTER? unicodedata's categories answer as the `regex` class does
    for every character its tables know (a test compares them all), with no pattern compiled; a
    character newer than its tables asks `regex`."""
    category = unicodedata.category(character)
    if category == "Cn":
        return unicode_pattern(_WORD_CHARACTER).match(character) is not None
    return category[0] in "LNM" or character in "\u200c\u200d"


@cache
def unicode_pattern(pattern: str) -> regex.Pattern[str]:
    """`pattern` compiled with the `regex` module when first matched: importing `regex` and
    compiling the word patterns was a tenth of a run whose results all come from the cache."""
    import regex

    return regex.compile(pattern)


class WordPattern:
    """A `regex` pattern over the word classes, matched by its stdlib twin where the text's word
    characters are all ASCII (see the module's docs). Offers the methods the rules use."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    @cached_property
    def unicode(self) -> regex.Pattern[str]:
        return unicode_pattern(self.pattern)

    @cached_property
    def ascii(self) -> re.Pattern[str]:
        return re.compile(_UNICODE_CLASS.sub(lambda name: _ASCII_MEMBERS[name.group()], self.pattern))

    def within(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Pattern[str] | regex.Pattern[str]:
        """The compiled pattern to match in text[pos:endpos] and any part of it: for a text whose
        parts are searched one by one, so that its characters are looked at once."""
        return self.ascii if ascii_word_characters(text, pos, endpos) else self.unicode

    def findall(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> list[str]:
        return self.within(text, pos, endpos).findall(text, pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize):
        return self.within(text, pos, endpos).finditer(text, pos, endpos)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize):
        return self.within(text, pos, endpos).search(text, pos, endpos)

    def match(self, text: str):
        return self.within(text).match(text)

    def sub(self, replacement: str, text: str) -> str:
        return self.within(text, 0, sys.maxsize).sub(replacement, text)


class LetterRuns(WordPattern):
    """LETTERS: in text whose word characters are all ASCII, its matches are the runs of ASCII
    letters, which bytes.translate and str.split find twice as fast as `re` (each character
    outside ASCII encoded as "?", a non-letter like the rest)."""

    def findall(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> list[str]:
        if pos or endpos < len(text) or not ascii_word_characters(text):
            return super().findall(text, pos, endpos)
        return text.encode("ascii", "replace").translate(_ASCII_LETTERS_ONLY).decode("ascii").split()

    def casefolded(self, text: str) -> list[str]:
        """findall(text.casefold()). Where the word characters are all ASCII, the letter runs are
        found and lowercased in one bytes.translate: casefolding an ASCII letter lowercases it,
        and no character outside a word casefolds into a word character (a test goes over every
        code point). casefold alone took a sixth of counting the terms of every post of a site."""
        if not ascii_word_characters(text):
            return self.findall(text.casefold())
        return text.encode("ascii", "replace").translate(_ASCII_LETTERS_LOWERED).decode("ascii").split()


# One run of a word's characters: a letter or digit, then letters, digits, marks and joiners.
WORD_PART = r"[\p{L}\p{N}][\p{L}\p{N}\p{M}\u200c\u200d]*"
WORD = WordPattern(rf"{WORD_PART}(?:['’.\-]{WORD_PART})*")
# A run of word characters, no joining punctuation: parts of a word, for dotted abbreviations.
WORD_CHARACTERS = r"[\p{L}\p{N}\p{M}\u200c\u200d]"
# A word's pieces between its inner punctuation ("follow-up": "follow", "up"): for comparing
# texts that may punctuate the same words differently (titles, key phrases).
WORD_PIECE = WordPattern(WORD_PART)
# A run of letters with their marks: a word's letters alone, for term statistics (no digits).
LETTERS = LetterRuns(r"[\p{L}][\p{L}\p{M}\u200c\u200d]*")
# Anything between words: punctuation, spaces, symbols, `_`.
NOT_WORD = WordPattern(r"[^\p{L}\p{N}\p{M}\u200c\u200d]+")
# Characters of the scripts read character by character, without spaces between words: Han
# (Chinese characters, Japanese kanji) and kana, with the kana's long-vowel mark.
_UNSPACED_CHARACTER = r"[\p{Han}\p{Hiragana}\p{Katakana}\u30fc]"
_FIRST_UNSPACED = "\u2e80"  # the first of them (CJK Radicals Supplement); a test checks it
# A run of one of those scripts (Han; hiragana; katakana with the long-vowel mark) or of anything else.
_SCRIPT_RUN = r"\p{Han}+|\p{Hiragana}+|[\p{Katakana}\u30fc]+|[^\p{Han}\p{Hiragana}\p{Katakana}\u30fc]+"


def _may_hold_unspaced(text: str) -> bool:
    """Can `text` hold a Han or kana character? Not when every character comes before the first
    of them: most text, whose `regex` patterns (and the import of `regex`) are then not needed."""
    return not text.isascii() and max(text) >= _FIRST_UNSPACED


def characters_apart(text: str) -> str:
    """`text` with a space on each side of every Han and kana character, so that each is a word
    of its own when the text is split into words: the nearest a pattern comes to words in text
    written without spaces (a keyphrase of three kanji then matches those three in a title)."""
    if not _may_hold_unspaced(text):
        return text
    return unicode_pattern(_UNSPACED_CHARACTER).sub(r" \g<0> ", text)


def words_read(words: list[str]) -> int:
    """How many words a reader reads in `words` (as WORD finds them): each Han or kana character
    one (see characters_apart), the rest of a word one."""
    others = [word for word in words if not word.isascii()]
    if not others:
        return len(words)
    characters, spaced = unspaced_characters(" ".join(others))
    return len(words) - len(others) + characters + len(WORD.findall(spaced))


def unspaced_characters(text: str) -> tuple[int, str]:
    """How many Han and kana characters `text` holds, and the text with each of them a space:
    what is left of it splits into words. A run of them is no word a count of words can use
    (a Japanese clause would be one word)."""
    if not _may_hold_unspaced(text):
        return 0, text
    spaced, count = unicode_pattern(_UNSPACED_CHARACTER).subn(" ", text)
    return count, spaced


def words_meet_unspaced(text: str) -> bool:
    """Does `text`, holding Han or kana characters, show where two of its words meet, as a space
    would: where the script changes (a particle or an ending in hiragana after a word in kanji,
    katakana or Latin letters: 主な変更点, MuSig2の実装) or at punctuation or a space. A run of
    one script alone may be one word (著者, カテゴリー, まとめ); a run of Han alone cannot tell a
    Chinese word from a clause, so it says no."""
    if not _may_hold_unspaced(text) or not unicode_pattern(_UNSPACED_CHARACTER).search(text):
        return False
    return unicode_pattern(_SCRIPT_RUN).fullmatch(text) is None
