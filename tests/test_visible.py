"""Untrusted text is shown, never obeyed: the fast path (no character to replace) changes nothing."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from postlint import visible

# Ordinary text and every character the tables replace, mixed.
_REPLACED = sorted(chr(code) for code in visible._LINE)
TEXT = st.text(st.one_of(st.characters(), st.sampled_from(_REPLACED)), max_size=40)


@given(TEXT)
def test_one_line_replaces_exactly_what_the_table_says(text):
    assert visible.one_line(text) == text.translate(visible._LINE)


@given(TEXT)
def test_lines_keeps_line_breaks_and_replaces_the_rest(text):
    assert visible.lines(text) == text.translate(visible._KEEP_LINE_BREAKS)


def test_terminal_and_workflow_commands_are_shown_not_obeyed():
    assert visible.one_line("title\x1b]0;owned\x07\n::error file=x::y\u202e") == \
        "title\u241b]0;owned\u2407\u240a::error file=x::y\ufffd"
    assert visible.lines("a\nb\x1b[2J") == "a\nb\u241b[2J"
