"""One definition of a word for every prose rule (parse/words.py)."""

from __future__ import annotations

import pytest

from postlint.parse.words import NOT_WORD, WORD, words_meet_unspaced


def test_combining_marks_belong_to_their_word():
    assert WORD.findall("क्या हिन्दी में") == ["क्या", "हिन्दी", "में"]
    assert WORD.findall("e\u0301te\u0301 mãi") == ["e\u0301te\u0301", "mãi"]


def test_joiners_inside_words_and_separators_between_them():
    assert WORD.findall("don’t follow-up e.g 3.5 snake_case") == ["don’t", "follow-up", "e.g", "3.5", "snake", "case"]
    assert WORD.findall("می\u200cخواهم") == ["می\u200cخواهم"]


def test_not_word_keeps_marks():
    assert NOT_WORD.sub(" ", "हिन्दी, here!").split() == ["हिन्दी", "here"]


@pytest.mark.parametrize("text, meet", [
    ("主な変更点", True), ("MuSig2の実装", True), ("本周新闻，重点", True), ("ビットコイン・コア", True),
    ("著者", False), ("カテゴリー", False), ("まとめ", False), ("作成日", False),  # one script: one word, perhaps
    ("Zweite Zeile", False), ("author", False),  # no Han or kana: spaces tell
])
def test_where_words_written_without_spaces_meet(text, meet):
    assert words_meet_unspaced(text) is meet
