"""The stdlib twins of the word patterns (parse/words.py) find what the `regex` patterns find."""

from __future__ import annotations

import random

import pytest
import regex

from postlint.parse.words import (
    _FIRST_UNSPACED,
    _UNSPACED_CHARACTER,
    _WORD_CHARACTER,
    LETTERS,
    NOT_WORD,
    WORD,
    WORD_PIECE,
    _is_word_character,
    ascii_word_characters,
    unspaced_characters,
    words_read,
)

PATTERNS = [WORD, WORD_PIECE, LETTERS, NOT_WORD]
# ASCII, and characters outside it that are no word characters (quotes, dashes, spaces, symbols,
# a lone surrogate), and some that are (a letter, a combining mark, a joiner, a digit, CJK).
PLAIN = list("aZ09 _-.'’\n\t*[]()#") + ["’", "“", "—", "\xa0", "…", "€", "\ud800", "🙂"]
WORDY = ["é", "\u0301", "\u200d", "\u200c", "٣", "क", "्", "中", "ſ", "\u212a"]


@pytest.mark.parametrize("cls", [r"\p{L}", r"\p{N}", r"\p{M}"])
def test_the_twins_narrow_each_class_to_its_ascii_members(cls):
    members = "".join(chr(code) for code in range(128) if regex.match(f"[{cls}]", chr(code)))
    narrowed = {r"\p{L}": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", r"\p{N}": "0123456789", r"\p{M}": ""}
    assert members == narrowed[cls]


def test_word_characters_outside_ascii_send_text_to_the_regex_pattern():
    assert ascii_word_characters("don’t — “quoted”\xa0ok")
    for character in WORDY:
        assert not ascii_word_characters(f"plain {character} text")
        assert ascii_word_characters(f"plain {character} text", 0, 5)  # only the slice counts
        assert ascii_word_characters(f"plain {character} text", 8)


def test_unicodedata_tells_word_characters_as_the_regex_class_does():
    """Every code point above ASCII of the planes where Unicode assigns characters (surrogates
    included), one by one: _is_word_character decides from unicodedata's categories which pattern
    a text gets, so it must agree with the class."""
    word_character = regex.compile(_WORD_CHARACTER)
    assigned = [*range(0x80, 0x40000), *range(0xE0000, 0xE1000)]
    differ = [hex(code) for code in assigned
              if _is_word_character(chr(code)) != (word_character.match(chr(code)) is not None)]
    assert differ == []


def test_no_han_or_kana_comes_before_the_first_one_the_shortcut_names():
    """Text whose every character is below _FIRST_UNSPACED skips the Han and kana patterns (and
    the import of `regex`): every code point below it, surrogates included, matches none of them,
    and the cutoff itself does."""
    unspaced = regex.compile(_UNSPACED_CHARACTER)
    below = "".join(chr(code) for code in range(ord(_FIRST_UNSPACED)))
    assert unspaced.search(below) is None
    assert unspaced.match(_FIRST_UNSPACED)
    assert unspaced_characters("don’t — 中文") == (2, "don’t —   ")
    assert words_read(["don’t", "résumé", "日本語"]) == 5


@pytest.mark.parametrize("seed", range(40))
def test_twins_and_regex_patterns_agree(seed):
    rng = random.Random(seed)
    alphabet = PLAIN + (WORDY if seed % 2 else [])
    text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 300)))
    pos = rng.randrange(0, len(text) + 1)
    endpos = rng.randrange(pos, len(text) + 1)
    for pattern in PATTERNS:
        assert pattern.findall(text) == pattern.unicode.findall(text)
        assert pattern.findall(text, pos, endpos) == pattern.unicode.findall(text, pos, endpos)
        assert [m.span() for m in pattern.finditer(text, pos, endpos)] == \
            [m.span() for m in pattern.unicode.finditer(text, pos, endpos)]
        found, expected = pattern.search(text, pos, endpos), pattern.unicode.search(text, pos, endpos)
        assert (found and found.span()) == (expected and expected.span())
        assert pattern.sub(" ", text) == pattern.unicode.sub(" ", text)
