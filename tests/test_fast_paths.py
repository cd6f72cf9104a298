"""Cheap tests and shortcuts that let rules skip expensive work: each must give what the
expensive way gives."""

from __future__ import annotations

import random
import re
import sys

from postlint.jekyll.links import own_address, parse_origin
from postlint.parse import terms
from postlint.parse.terms import distinct_terms, fold, raw_terms, unfolded
from postlint.parse.words import LETTERS
from postlint.rules.links import _may_name
from postlint.rules.placeholders import _FILLER, _FILLER_WORDS


def test_filler_words_match_only_their_ascii_letters_under_ignorecase():
    for letter in set("".join(_FILLER_WORDS)):
        pattern = re.compile(letter, re.I)
        assert {chr(c) for c in range(sys.maxunicode + 1) if pattern.fullmatch(chr(c))} == {letter, letter.upper()}
    for alternative in _FILLER.pattern.split("|"):
        assert any(word in alternative for word in _FILLER_WORDS)


def test_a_url_own_address_reads_as_the_sites_holds_the_host_in_its_lower_case():
    rng = random.Random(7)
    origins = [parse_origin(text) for text in ("https://Example.com", "old.exa-mple.org:8080/blog", "//xσ.net")]
    hosts = [origin.host for origin in origins]
    parts = ["http://", "https://", "//", "HTTP://", "www.", "WWW.", "Example.COM", "example.com", "EXAMPLE.COM.",
             "old.exa-mple.org", "OLD.EXA-MPLE.ORG", "xΣ.net", "XΣ.NET", "xς.net", ":8080", ":80", ":443", "/blog",
             "/BLOG", "/post", "?q=1", "#top", "user@", "{{ x }}", "\u212a", "."]
    for _ in range(20000):
        url = "".join(rng.choice(parts) for _ in range(rng.randrange(1, 6)))
        if "{" not in url and own_address(url, origins) is not None:
            assert _may_name(url, hosts), url
    assert not _may_name("https://example.com/{{ page.url }}", hosts)  # built with Liquid: never judged


def test_unfolded_gives_every_word_that_folds_to_a_term():
    rng = random.Random(3)
    for _ in range(20000):
        word = "".join(rng.choice("abisuy") for _ in range(rng.randrange(1, 8)))
        assert word in unfolded(fold(word)), word
        assert all(fold(other) == word for other in unfolded(word)), word


def test_fold_changes_only_words_ending_in_s_as_raw_terms_assumes():
    rng = random.Random(5)
    for _ in range(20000):
        word = "".join(rng.choice("abeisuyé") for _ in range(rng.randrange(1, 8)))
        assert word.endswith("s") or fold(word) == word, word
    text = " ".join("".join(rng.choice("abeisuyé ") for _ in range(rng.randrange(1, 9))) for _ in range(3000))
    assert raw_terms(text) == set(map(fold, LETTERS.findall(text)))


def test_distinct_terms_are_raw_terms_in_order_of_first_occurrence_whatever_the_memo_holds():
    rng = random.Random(11)
    for _ in range(200):
        text = " ".join("".join(rng.choice("abeisuyéB ") for _ in range(rng.randrange(1, 9))) for _ in range(60))
        expected = list(dict.fromkeys(fold(word) for word in LETTERS.casefolded(text)))
        assert distinct_terms(text) == expected
        terms._FOLDED.clear()
        assert distinct_terms(text) == expected
        assert set(expected) == raw_terms(text)


def test_no_character_outside_a_word_casefolds_into_one_as_casefolded_assumes():
    """LETTERS.casefolded lowercases ASCII text's letters in one translate instead of casefolding
    it: right only if casefolding creates no word character out of a character outside words."""
    from postlint.parse.words import _is_word_character

    for code in range(128, sys.maxunicode + 1):
        character = chr(code)
        if not 0xD800 <= code <= 0xDFFF and not _is_word_character(character):
            assert not any(_is_word_character(folded) or folded.isascii() and folded.isalpha()
                           for folded in character.casefold()), hex(code)


def test_casefolded_letter_runs_are_those_of_the_casefolded_text():
    rng = random.Random(11)
    pieces = ["Sales", "RAMP", "time", "’", "—", " ", "\u00a0", "É", "ß", "İ", "ǅ", "\u212a", "Ⓐ", "क्या", "\u0301", "-", "3"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 12)))
        assert LETTERS.casefolded(text) == LETTERS.findall(text.casefold()), text


def test_the_front_matter_block_is_found_where_jekylls_pattern_finds_it():
    """_block skips from line break to line break; Jekyll's pattern (_BLOCK) is the reference."""
    from postlint.parse.frontmatter import _BLOCK, _OPENING, _block

    def jekylls(text: str) -> tuple[int, int, int] | None:
        match = _BLOCK.match(text) if _OPENING.match(text) else None
        return None if match is None else (match.start(1), match.end(1), match.end())

    rng = random.Random(13)
    pieces = ["---", "...", "--", "-", ".", " ", "\t", "\n", "\n", "a: b", "x", "é", "’", "\n---\n", "\n...\n"]
    texts = ["", "---\n", "---\n---", "---\n---\n", "---\n...", "--- \t\n--- \t", "---\n\n---\nbody", "---\na\n---x\n---"]
    texts += ["---" + rng.choice(["", " ", "\t "]) + "\n" + "".join(rng.choice(pieces) for _ in range(rng.randrange(12)))
              for _ in range(20000)]
    for text in texts:
        assert _block(text) == jekylls(text), repr(text)


def test_a_tree_within_the_limits_is_one_too_big_passes(monkeypatch):
    """_tree_within_limits, for YAML without anchors, answers as `_too_big(...) is None`."""
    import yaml

    from postlint.parse import frontmatter
    from postlint.parse.frontmatter import _jekyll_loader, _too_big, _tree_within_limits

    rng = random.Random(17)

    def value(depth: int) -> str:
        kind = rng.randrange(6) if depth < 8 else 0
        if kind == 0:
            return rng.choice(["x", "1", "", "null", "'q'", "2020-01-01"])
        if kind in (1, 2):
            return "[" + ", ".join(value(depth + 1) for _ in range(rng.randrange(4))) + "]"
        if kind == 3:
            return "{" + ", ".join(f"k{i}: {value(depth + 1)}" for i in range(rng.randrange(4))) + "}"
        return "{" + ", ".join(f"? {value(depth + 1)}" for i in range(rng.randrange(3))) + "}"

    documents = [f"a: {value(0)}\nb: {value(0)}\n" for _ in range(3000)]
    documents += ["a: " + "[" * depth + "]" * depth for depth in (62, 63, 64, 65, 66)]
    documents += ["- " * depth + "x" for depth in (63, 64, 65)]
    composed = []
    for text in documents:
        try:
            composed.append((text, _jekyll_loader()(text).get_single_node()))
        except yaml.YAMLError:
            continue  # a generated text YAML refuses
    assert len(composed) > 2000
    answers = set()
    for limit in (frontmatter.MAX_YAML_VALUES, 40):  # a low limit on values, reached by small documents
        monkeypatch.setattr(frontmatter, "MAX_YAML_VALUES", limit)
        for text, node in composed:
            answer = _tree_within_limits(node)
            assert answer == (_too_big(node) is None), text
            answers.add((limit, answer))
    assert len(answers) == 4  # within and beyond each limit


def test_a_dates_permalink_values_are_strftimes_own_fields():
    """date_values formats ten fields with one strftime call: each as its own call gives it."""
    import datetime as dt

    from postlint.jekyll.urls import date_values

    rng = random.Random(19)
    days = [dt.date(1, 1, 1), dt.date(999, 12, 31), dt.date(2020, 12, 31), dt.date(2021, 1, 3), dt.date(9999, 12, 31)]
    days += [dt.date.fromordinal(rng.randrange(1, dt.date.max.toordinal() + 1)) for _ in range(3000)]
    fields = {"month": "%m", "day": "%d", "short_month": "%b", "long_month": "%B", "short_year": "%y",
              "y_day": "%j", "week": "%V", "w_day": "%u", "short_day": "%a", "long_day": "%A"}
    for day in days:
        values = date_values(day)
        assert {name: values[name] for name in fields} == {name: day.strftime(code) for name, code in fields.items()}
        assert values["year"] == f"{day.year:04d}" and values["i_day"] == str(day.day)
