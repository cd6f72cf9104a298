"""Body.prose blanks heading closers, bare URLs and the rest of the markup in passes of their own
(parse/markdown.py): the same text as the one pattern that held them all."""

from __future__ import annotations

import random
import re

import pytest

from postlint.parse.markdown import _prose

# The single pass _prose made before the closers had a pass of their own.
ONE_PASS = [
    (re.compile(r"^[ \t]*(?:(?:[>*+-]|\d{1,9}[.)]|#{1,6})(?=[ \t]|$)[ \t]*)*", re.M), lambda m: " " * len(m.group(0))),
    (re.compile(r"<[A-Za-z/!][^<>]*>"), lambda m: re.sub(r"[^\n]", " ", m.group(0))),
    (re.compile(r"(?=[\\*_~|!\[\] \th])(?:\\(?=[!-/:-@\[-`{-~])|[*_~|]+|!?\[|\]|[ \t]#+[ \t]*$|https?://\S+)", re.M),
     lambda m: " " * len(m.group(0))),
]
PIECES = [" ", "\t", "\n", "#", "##", " ## ", "\\", "\\#", "*", "_", "~", "|", "!", "[", "]", "(", ")", "h", "http://x.y/#z",
          "https://a", "https://a_b~c|d*e[f]", "http:/", "\\h", "<b>", "</i>", "<a\nhref=x>", ">", "1.", "12)", "-", "+",
          "word", "é", "٣.", "\u3000"]


@pytest.mark.parametrize("seed", range(60))
def test_prose_equals_the_one_pass(seed):
    rng = random.Random(seed)
    text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(0, 120)))
    expected = text
    for pattern, replacement in ONE_PASS:
        expected = pattern.sub(replacement, expected)
    assert _prose(text, [(0, len(text))], []) == expected


@pytest.mark.parametrize("seed", range(60))
def test_prose_keeps_the_kept_ranges_and_blanks_the_blanked_ones(seed):
    rng = random.Random(seed)
    text = "".join(rng.choice("ab \n.é") for _ in range(rng.randrange(0, 40)))  # nothing the markup passes change

    def ranges():
        return [(start, rng.randrange(max(0, start - 2), len(text) + 4)) for start in
                (rng.randrange(0, len(text) + 3) for _ in range(rng.randrange(0, 6)))]

    keep, blank = ranges(), ranges()
    chars = [" " if char != "\n" else "\n" for char in text]  # each range written over the last, as before
    for start, end in keep:
        chars[start:end] = text[start:end]
    for start, end in blank:
        chars[start:end] = ["\n" if char == "\n" else " " for char in text[start:end]]
    assert _prose(text, keep, blank) == "".join(chars)
