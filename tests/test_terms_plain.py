"""plain() (parse/terms.py) blanks what the regex it replaced blanked, in linear time.

The regex scanned on from every opener with no closer to the end of the text or line, so a post
of 300 KB of "<" took minutes; posts come from untrusted pull requests.
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postlint.parse.terms import plain

# The regex plain() replaced: the reference for what it blanks.
REFERENCE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|<[^>\n]*>|\]\([^)\n]*\)|https?://\S+", re.S)

# Openers, closers, line ends and near misses, few enough that they collide often.
DENSE = st.lists(st.sampled_from([*"<>\n]()[{%} h", "{%", "%}", "{{", "}}", "](", "https://", "http://"]),
                 max_size=40).map("".join)
# Those among more of what a post holds: letters, tabs, a character beyond ASCII.
MIXED = st.lists(st.sampled_from([*"{}%<>()[]:/ \nhtps.ab\té", "https://", "http://", "{%", "%}", "{{", "}}",
                                  "]("]), max_size=60).map("".join)

SETTINGS = settings(max_examples=500, deadline=None, derandomize=True, database=None)


@SETTINGS
@given(DENSE)
def test_same_blanks_as_the_regex(text):
    assert plain(text) == REFERENCE.sub(" ", text)


@SETTINGS
@given(MIXED)
def test_same_blanks_as_the_regex_among_words(text):
    assert plain(text) == REFERENCE.sub(" ", text)


@pytest.mark.parametrize("text", [
    "",
    "no markup at all",
    "{{{%}} x %}",  # "{{" closes first; "{%" inside it is taken with it
    "{{% x %}",  # "{{" has no "}}": "{%" one character on does close
    "{%}",  # "%}" must come after "{%", not overlap it
    "a <b c\n> d <e>",  # "<" ends with its line
    "<a <b> c>",  # "<" takes the first ">", other "<" and all
    "[x](a]b) [y](c\nd) [z](",  # "](" ends with its line; "]" inside a target is fine
    "see https://example.com/a<b>c and http:// x",
    "{% raw %}\n<p>\n{% endraw %} {{ page.title\n}} tail",
    "<" * 50 + ">",
])
def test_examples(text):
    assert plain(text) == REFERENCE.sub(" ", text)


@pytest.mark.parametrize("text", [
    "<" * 300_000,
    "{%" * 150_000,
    "{{" * 150_000,
    "](" * 150_000,
    "<{%{{](http://\n" * 20_000,
    "<a " * 100_000 + ">",
    "[x](y](" * 50_000 + ")",
], ids=["lt", "liquid-tag", "liquid-output", "link", "mix", "one-tag", "one-target"])
def test_unclosed_openers_take_linear_time(text):
    started = time.thread_time()  # CPU time: other tests run beside this one
    plain(text)
    assert time.thread_time() - started < 1.0
