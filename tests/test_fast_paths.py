"""Cheap tests that let rules skip an expensive one: each must never skip a text the expensive
test would find something in."""

from __future__ import annotations

import re
import sys

from postlint.rules.placeholders import _FILLER, _FILLER_WORDS


def test_filler_words_match_only_their_ascii_letters_under_ignorecase():
    for letter in set("".join(_FILLER_WORDS)):
        pattern = re.compile(letter, re.I)
        assert {chr(c) for c in range(sys.maxunicode + 1) if pattern.fullmatch(chr(c))} == {letter, letter.upper()}
    for alternative in _FILLER.pattern.split("|"):
        assert any(word in alternative for word in _FILLER_WORDS)
