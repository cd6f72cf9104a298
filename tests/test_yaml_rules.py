"""Declarative YAML rules: every shipped rule's examples, and users' own rule folders."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import REPO, run
from hypothesis import given, settings
from hypothesis import strategies as st

from postlint import yamlrules
from postlint.parse.words import _is_word_character, ascii_word_characters
from postlint.registry import load_registry

SHIPPED = sorted((REPO / "rules").glob("*.yml"))


def lint_text(tmp_path: Path, body: str, code: str, config: str | None = None):
    (tmp_path / "_config.yml").write_text("title: t\n")
    if config:
        (tmp_path / ".postlint.yaml").write_text(config)
    post = tmp_path / "_posts" / "2024-01-01-example.md"
    post.parent.mkdir(exist_ok=True)
    post.write_text("---\ntitle: Example\n---\n" + body + "\n")
    result, _ = run([post], select=[code])
    assert not result.errors
    return result.findings


def test_rules_folder_is_shipped():
    assert SHIPPED, "rules/ holds the declarative rules"
    assert yamlrules.builtin_dir() is not None


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_examples(path: Path, tmp_path: Path):
    import yaml

    spec = yaml.safe_load(path.read_text())
    for index, example in enumerate(spec["examples"]["fail"]):
        case = tmp_path / f"fail{index}"
        case.mkdir()
        assert lint_text(case, example, spec["code"]), f"{path.name}: should flag {example!r}"
    for index, example in enumerate(spec["examples"]["pass"]):
        case = tmp_path / f"pass{index}"
        case.mkdir()
        assert not lint_text(case, example, spec["code"]), f"{path.name}: should not flag {example!r}"


def test_kinds_shipped():
    import yaml

    kinds = {yaml.safe_load(p.read_text())["kind"] for p in SHIPPED}
    assert "substitution" in kinds  # placeholder-text, the shipped existence rule, is Python now (STY001)


def test_substitution_message_names_the_replacement(tmp_path):
    findings = lint_text(tmp_path, "We utilize dashboards.", "STY002")
    assert [(f.line, f.column, f.message) for f in findings] == [(4, 4, "Use 'use' instead of 'utilize'")]


def test_wordiness_reads_phrases_as_a_sentence_writes_them(tmp_path):
    # interrupt's May 2021 roundup links "Things You Should Know in Order to Become an Embedded
    # Developer": another article's title, not the author's wording
    body = ("In order to ship, we freeze the branch.\n\n"
            "- [Things You Should Know in Order to Become an Embedded Developer](https://example.com/a) by a guest\n"
            "- IN ORDER TO SHIP, FREEZE THE BRANCH")
    findings = lint_text(tmp_path, body, "STY002")
    assert [(f.line, f.message) for f in findings] == [(4, "Use 'To' instead of 'In order to'")]


def test_a_case_sensitive_rule_suggests_the_replacement_of_the_form_matched(tmp_path):
    rules = tmp_path / "house-style"
    rules.mkdir()
    (rules / "tone.yml").write_text("""\
code: HSE010
name: plain-start
kind: substitution
ignorecase: false
swap: {in order to: to, In order to: To}
examples: {fail: ["In order to win, train."], pass: ["To win, train."]}
""")
    findings = lint_text(tmp_path, "In order to win, we train in order to last.", "HSE010",
                         config="yaml_rules: [house-style]\n")
    assert [f.message for f in findings] == ["Use 'To' instead of 'In order to'", "Use 'to' instead of 'in order to'"]


def test_code_is_not_prose(tmp_path):
    assert not lint_text(tmp_path, "Run `TODO` and:\n\n```\nTBD\n```", "STY001")


def test_user_rule_folder(tmp_path):
    rules = tmp_path / "house-style"
    rules.mkdir()
    (rules / "brand.yml").write_text("""\
code: HSE001
name: brand-name
kind: substitution
severity: error
swap: {bright wave: Brightwave, BrightWave: Brightwave}
ignorecase: false
examples: {fail: ["Try BrightWave today."], pass: ["Try Brightwave today."]}
""")
    findings = lint_text(tmp_path, "Try BrightWave today.", "HSE001", config="yaml_rules: [house-style]\n")
    assert [(f.code, f.severity, f.message) for f in findings] == [("HSE001", "error", "Use 'Brightwave' instead of 'BrightWave'")]


@pytest.mark.parametrize("spec, message", [
    ("code: bad\nname: x\nkind: existence\ntokens: [a]\nexamples: {fail: [a], pass: [b]}\n", "code 'bad'"),
    ("code: HSE002\nname: x\nkind: existence\ntokens: ['(']\nregex: true\nexamples: {fail: [a], pass: [b]}\n", "invalid regular expression"),
    ("code: HSE003\nname: x\nkind: existence\ntokens: [a]\n", "examples needs"),
    ("code: HSE004\nname: x\nkind: counting\ntokens: [a]\nexamples: {fail: [a], pass: [b]}\n", "kind must be"),
    ("code: HSE005\nname: x\nkind: existence\ntokenz: [a]\nexamples: {fail: [a], pass: [b]}\n", "unknown keys: tokenz"),
])
def test_bad_user_rule_is_a_load_error(tmp_path, spec, message):
    (tmp_path / "bad.yml").write_text(spec)
    registry = load_registry([tmp_path])
    assert any(message in error for error in registry.errors), registry.errors


def test_languages_limit_a_rule_to_posts_in_those_languages(tmp_path):
    (tmp_path / "_config.yml").write_text("title: t\nlanguages: [en, de]\n")
    posts = {"_posts/2024-01-01-en.md": "", "_posts/2024-01-02-fr.md": "lang: fr-CA\n",
             "_posts/de/2024-01-03-folder.md": "", "_posts/2024-01-04-gb.md": "lang: en-GB\n"}
    for rel, front in posts.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: t\n{front}---\nWe stay late in order to finish.\n")
    result, _ = run([tmp_path], select=["wordiness"])
    assert sorted(Path(f.path).name for f in result.findings) == ["2024-01-01-en.md", "2024-01-04-gb.md"]


@pytest.mark.parametrize("value", ["en", "[]", "[3]", "['']"])
def test_languages_must_be_a_list_of_codes(tmp_path, value):
    rule = tmp_path / "rule.yml"
    rule.write_text(f"code: HSE009\nname: x\nkind: existence\ntokens: [a]\nlanguages: {value}\n"
                    "examples: {fail: [a], pass: [b]}\n")
    with pytest.raises(yamlrules.YamlRuleError, match="languages must be"):
        yamlrules.load_rule(rule)


def test_languages_are_in_the_rule_docs():
    rule = yamlrules.load_rule(REPO / "rules" / "wordiness.yml")
    assert "Only in posts written in `en`" in rule.doc


def test_no_character_a_text_of_ascii_words_may_hold_folds_to_an_ascii_letter():
    """Scans.may_match looks for a literal rule's ASCII words as substrings of the lowered text
    when its word characters are all ASCII. That is sound only if no other character it may hold
    matches an ASCII letter case-insensitively in `regex`, or lowers to one: checked for all."""
    import regex

    # The characters outside ASCII that ascii_word_characters lets through: no word characters.
    others = "".join(chr(code) for code in range(0x80, 0x110000)
                     if not 0xD800 <= code < 0xE000 and not _is_word_character(chr(code)))
    assert ascii_word_characters(others)
    assert others and not regex.compile("[a-z]", regex.IGNORECASE | regex.VERSION0).search(others)
    assert not any(character.isascii() for character in others.lower())


TRICKY = ["in", "order", "to", "utilize", "UTILIZE", " ", "-", "’", "\u212a", "\u017f", "\u0131", "\u0130", "é", "ß",
          "\u200d", "_", "ut\u0131lize", "\u017fite"]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(TRICKY), max_size=12).map("".join), ignorecase=st.booleans())
def test_may_match_never_turns_away_a_text_the_patterns_match(text, ignorecase):
    words = ["in order to", "utilize", "site", "[citation needed]"]
    flags = re.IGNORECASE if ignorecase else 0
    scans = yamlrules.Scans(yamlrules._scan_sources(words, False), flags, words)
    if not scans.may_match(text):
        assert not [match.group() for match in yamlrules._matches(scans.compiled, text, time.perf_counter() + 5)]


def test_a_post_without_the_rules_words_is_checked_without_the_regex_module(tmp_path):
    """The shipped wordiness rule's words appear in few posts; for the others `regex` is not
    even imported (15 ms of a one-post run)."""
    probe = ("import sys\nfrom helpers import run\n"
             "result, _ = run([sys.argv[1]], select=['wordiness'])\n"
             "print(len(result.findings), 'regex' in sys.modules)")
    seen = []
    for name, sentence in (("plain", "We use dashboards \u2014 they\u2019re quick."),
                           ("wordy", "We stay late in order to finish \u2014 it\u2019s late.")):
        site = tmp_path / name
        (site / "_posts").mkdir(parents=True)
        (site / "_config.yml").write_text("title: t\n")
        (site / "_posts" / "2024-01-01-post.md").write_text(f"---\ntitle: T\n---\n{sentence}\n", encoding="utf-8")
        done = subprocess.run([sys.executable, "-c", probe, str(site)], capture_output=True, text=True, timeout=120,
                              cwd=Path(__file__).parent)
        seen.append(done.stdout.split() or done.stderr[-2000:])
    assert seen == [["0", "False"], ["1", "True"]]
