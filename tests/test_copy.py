"""Copy rules (CPY) and the issue's done-when on the demo site."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import DEMO_SITE, run

from postlint.engine.check import read_post
from postlint.jekyll.site import Site
from postlint.parse.definitions import term_key
from postlint.rules.copy import definitions, word_difference

DEFECTIVE = "_posts/2024-05-20-coaching-vs-revenue-operations.md"
CLEAN_DEMO_POSTS = ("_posts/2024-01-15-ramp-time-benchmark.md", "_posts/2024-02-05-onboarding-checklist.md",
                    "_posts/guides/2024-03-01-setup-guide.md", "_drafts/quarterly-planning.md")


def _name(finding) -> str:
    return Path(finding.path).resolve().relative_to(DEMO_SITE.resolve()).as_posix()


def test_done_when_on_the_demo_post():
    result, _ = run([DEMO_SITE], select=["CPY", "RT", "SEO"])
    got = {(_name(f), f.line, f.column, f.rule): f.message for f in result.findings}
    assert got[(DEFECTIVE, 43, 3, "conflicting-definition")] == \
        "'Win rate' is defined differently here than on line 30 (your → our); lines 30 and 43"
    assert got[(DEFECTIVE, 44, 3, "duplicate-definition")] == \
        "'Ramp time' is defined again with the same text; first defined on line 31"
    assert got[(DEFECTIVE, 23, 29, "link-text")].startswith("link text 'here' says nothing")
    assert got[(DEFECTIVE, 3, 1, "title-length")] == "title is 92 characters; search results show about 60"
    assert got[(DEFECTIVE, 8, 1, "read-time")] == \
        "time_read says 9 min but the post reads in about 1 min (346 words at 238 words per minute)"
    assert got[(DEFECTIVE, 12, 1, "summary-relevance")] == (
        "the excerpt is about 'marketing' (0 of 346 words), 'sales' (2); the title's 'revenue operations' (5 times) is not in it")
    assert got[(DEFECTIVE, 3, 1, "orphan-post")].startswith("no other post or page links to this post")  # selected by "SEO"
    assert len([key for key in got if key[0] == DEFECTIVE]) == 7
    assert not [key for key in got if key[0] in CLEAN_DEMO_POSTS]


def test_clean_demo_posts_stay_clean_under_every_rule_of_this_family_including_opt_in():
    result, _ = run([DEMO_SITE / post for post in CLEAN_DEMO_POSTS], select=["CPY", "RT", "SEO"])
    assert not result.findings


def _post(tmp_path: Path, body: str):
    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (tmp_path / "_posts").mkdir(exist_ok=True)
    path = tmp_path / "_posts" / "2024-01-01-post.md"
    path.write_text("---\ntitle: t\n---\n" + body, encoding="utf-8")
    return read_post(path, Site(tmp_path), tmp_path)


DEFAULTS = SimpleNamespace(ignore_terms=["note"], max_term_words=8)


def test_definition_forms_and_their_lines(tmp_path):
    post = _post(tmp_path, (
        "* **Win Rate**: won over worked.\n"          # line 4
        "* __Cycle length:__ days to close.\n"        # 5
        "\n"
        "**Quota.**: not a colon inside\n"            # 7: "**Quota.**:" still a term
        "\n"
        "Coverage\n"                                  # 9: kramdown term
        ": pipeline over quota.\n"
        "\n"
        "Churn\n"                                     # 12: kramdown with a blank line
        "\n"
        ": customers lost.\n"
        "\n"
        "<dl>\n  <dt>ARR</dt>\n  <dd>yearly revenue</dd>\n</dl>\n"  # dt on 17
        "\n"
        "**Note:** a label, not a term.\n"
        "\n"
        "**Bold start** with no colon is not a definition.\n"
        "\n"
        "`**Code**: not read`\n"
    ))
    found = [(d.key, d.line, " ".join(d.words)) for d in definitions(post, DEFAULTS)]
    assert found == [
        ("win rate", 4, "won over worked."),
        ("cycle length", 5, "days to close."),
        ("quota", 7, "not a colon inside"),
        ("coverage", 9, "pipeline over quota."),
        ("churn", 12, "customers lost."),
        ("arr", 17, "yearly revenue"),
    ]


def test_terms_compare_without_case_markup_or_trailing_punctuation():
    assert term_key("**Win  Rate**:") == term_key("win rate.") == term_key("`Win Rate`") == "win rate"


@pytest.mark.parametrize("old, new, shown", [
    ("your number of won deals", "our number of won deals", "your → our"),
    ("days to close", "days to close a deal", "added 'a deal'"),
    ("the total number", "the number", "dropped 'total'"),
    ("a b c d e f g h", "z b y d x f w h", "a → z; c → y; e → x; and 1 more"),
])
def test_word_difference(old, new, shown):
    assert word_difference(old.split(), new.split()) == shown


def _lint(tmp_path: Path, body: str, rule: str, config: str = ""):
    post = _post(tmp_path, body).path
    if config:
        (tmp_path / ".postlint.yaml").write_text(config, encoding="utf-8")
    result, _ = run([post], select=[rule])
    return [(f.line, f.column, f.message) for f in result.findings]


def test_definitions_are_per_post(tmp_path):
    one = tmp_path / "one"
    one.mkdir()
    (one / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (one / "_posts").mkdir()
    for name in ("2024-01-01-a.md", "2024-01-02-b.md"):
        (one / "_posts" / name).write_text("---\ntitle: t\n---\n* **Win rate**: won over worked.\n", encoding="utf-8")
    result, _ = run([one], select=["duplicate-definition"])
    assert not result.findings


def test_a_term_that_starts_three_blocks_is_a_label(tmp_path):
    body = "".join(f"**Dana:** answer number {n} about the weekly reviews.\n\n" for n in range(3))
    assert _lint(tmp_path, body, "conflicting-definition") == []


def test_ignore_terms_option(tmp_path):
    body = "**Tip:** review one call every week.\n\n**Tip:** review two calls every week.\n"
    assert _lint(tmp_path, body, "conflicting-definition") == []
    (tmp_path / "_posts" / "2024-01-01-post.md").unlink()
    found = _lint(tmp_path, body, "conflicting-definition", "rules:\n  conflicting-definition: {ignore_terms: []}\n")
    assert found == [(6, 1, "'Tip' is defined differently here than on line 4 (one call → two calls); lines 4 and 6")]


@pytest.mark.parametrize("text, flagged", [
    ("[here](https://example.com)", True),
    ("[Click here](https://example.com)", True),
    ("[here!](https://example.com)", True),
    ("[click-here!!!!](https://example.com)", True),
    ("[*link*](https://example.com)", True),
    ("[more](https://example.com)", True),
    ("[Read more](https://example.com)", True),  # markdownlint accepts it; we do not, on purpose
    ("[Learn more](https://example.com)", True),  # same
    ("[this post](https://example.com)", True),
    ("<a href=\"https://example.com\">here</a>", True),
    ("[`here`](https://example.com)", False),  # inline code: a name, as in markdownlint
    ("[<here>](https://example.com)", False),  # inline HTML only, as in markdownlint
    ("[our pricing](https://example.com)", False),
    ("[here and there](https://example.com)", False),
])
def test_link_text_cases(tmp_path, text, flagged):
    assert bool(_lint(tmp_path, f"Some words {text} and more words.\n", "link-text")) is flagged


def test_link_text_list_is_configurable(tmp_path):
    found = _lint(tmp_path, "Go [there](https://example.com) or [here](https://example.com).\n", "link-text",
                  "rules:\n  link-text: {texts: [there]}\n")
    assert [(line, column) for line, column, _ in found] == [(4, 4)]


@pytest.mark.parametrize("body, found", [
    ("Review the the pipeline.\n", [(4, 12)]),
    ("Review the\nthe pipeline.\n", [(5, 1)]),
    ("Review *the* **the** pipeline.\n", [(4, 16)]),
    ("> Review the\n> the pipeline. Compare a > a.\n", [(5, 3)]),
    ("He had had enough.\n", []),
    ("It was updated many many times.\n", []),  # an intensifier, as "very very"
    ("Version 2 2 is out.\n", []),
    ("Say “bye bye” and “done done.”\n", []),
    ("* the\n* the\n", []),
    ("| a | b |\n|---|---|\n| the | the |\n", []),
    ("Use `the` the way you like.\n", []),
    ("Use {{ page.title }} the title the way you like.\n", []),
    ("Done. Done is better than perfect.\n", []),
    ("Read the [changelog][cl cl] first.\n", []),  # a reference label is never shown
    ("Read [notes][cl].\n{% include links.md %}\n[cl cl]: https://example.com\n", []),  # a definition, not prose
    ("Compare plan A a second time.\n", []),  # a one-letter label, then the word
    ("A a new plan.\n", [(4, 3)]),  # at a sentence's start it is a typo
    ("नया डेटा क्या हिन्दी ठीक है\n", []),  # vowel signs and viramas are part of their word
])
def test_repeated_word_cases(tmp_path, body, found):
    assert [(line, column) for line, column, _ in _lint(tmp_path, body, "repeated-word")] == found


def test_repeated_word_says_when_the_first_word_is_a_link_text(tmp_path):
    found = _lint(tmp_path, "We read [the](https://example.com) the checklist.\n", "repeated-word")
    assert found == [(4, 36, "'the' is repeated: 'the the' (the first ends a link's text, which readers see too)")]


@pytest.mark.parametrize("body", ["We run [Ubuntu](https://ubuntu.com) Ubuntu 22.04.\n",
                                  "We run <a href=\"https://ubuntu.com\">Ubuntu</a> Ubuntu 22.04.\n"])
def test_a_named_link_before_the_same_name_is_a_label(tmp_path, body):
    assert _lint(tmp_path, body, "repeated-word") == []


def _lint_language(tmp_path: Path, rel: str, front: str, body: str, config_yml: str = "title: t\n", config: str = ""):
    (tmp_path / "_config.yml").write_text(config_yml, encoding="utf-8")
    if config:
        (tmp_path / ".postlint.yaml").write_text(config, encoding="utf-8")
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: t\n{front}---\n{body}", encoding="utf-8")
    result, _ = run([path], select=["repeated-word"])
    return [f.message for f in result.findings]


@pytest.mark.parametrize("front, body, messages", [
    ("lang: de\n", "Die Teams, die die Zahlen kennen, und das Tool, das das Team mag.\n", []),
    ("lang: de\n", "Wir lesen den den Bericht.\n", []),  # "den den" is grammatical too
    ("lang: de\n", "Wir lesen die Zahlen Zahlen jeden Tag.\n", ["'Zahlen' is repeated: 'Zahlen Zahlen'"]),
    ("lang: fr\n", "Nous nous réunissons et vous vous demandez pourquoi.\n", []),
    ("lang: fr\n", "Le le rapport est prêt.\n", ["'le' is repeated: 'Le le'"]),
    # a noun that is also its verb's third person, after "de" or an article: noun, then verb
    ("lang: fr\n", "Nous attendons que le taux de change change, et la ferme ferme à midi.\n", []),
    ("lang: fr\n", "La maison maison est grande et une une fois suffit.\n",
     ["'maison' is repeated: 'maison maison'", "'une' is repeated: 'une une'"]),
    ("lang: fr\n", "Nous fermons et change change tout.\n", ["'change' is repeated: 'change change'"]),
    ("lang: en\n", "The exchange rate change change is a typo.\n", ["'change' is repeated: 'change change'"]),
    ("lang: en\n", "We had had enough of that that report, not the the report.\n", ["'the' is repeated: 'the the'"]),
    ("lang: vi\n", "Hai nhóm chạy song song mãi mãi.\n", []),  # reduplication: not checked
    ("lang: id\n", "Anak anak membaca laporan.\n", []),
    ("lang: it\n", "Cresciamo piano piano.\n", []),
])
def test_repeated_word_knows_each_languages_doubles(tmp_path, front, body, messages):
    assert _lint_language(tmp_path, "_posts/2024-01-01-x.md", front, body) == messages


def test_repeated_word_language_from_a_declared_folder(tmp_path):
    body = "हमारी टीम धीरे धीरे बढ़ रही है।\n"
    assert _lint_language(tmp_path, "_posts/hi/2024-01-01-x.md", "", body, "languages: [en, hi]\n") == []
    # without the declaration `hi` is an ordinary folder: the post is English by default
    assert len(_lint_language(tmp_path, "_posts/hi/2024-01-01-x.md", "", body, "title: t\n")) == 1


def test_repeated_word_languages_option_adds_a_language(tmp_path):
    config = "rules:\n  repeated-word:\n    languages: {vi: [song, mãi]}\n"
    found = _lint_language(tmp_path, "_posts/2024-01-01-x.md", "lang: vi-VN\n", "Chạy song song, không không.\n",
                           config=config)
    assert found == ["'không' is repeated: 'không không'"]


def test_duplicate_paragraph_is_a_table_lookup(tmp_path):
    paragraphs = "".join(f"Paragraph number {n} says something different from every other one here.\n\n"
                         for n in range(3000))
    body = paragraphs + "Paragraph number 7 says something different from every other one here.\n"
    started = time.perf_counter()
    found = _lint(tmp_path, body, "duplicate-paragraph")
    assert found == [(4 + 2 * 3000, 1, "this paragraph repeats the one on line 18")]
    assert time.perf_counter() - started < 5  # pairwise comparison of 3,000 paragraphs would be far slower


def test_duplicate_paragraph_in_japanese_counts_characters_and_ends_sentences_at_the_full_stop(tmp_path):
    """Japanese puts no spaces between words: a paragraph of sixty characters was three "words",
    under min_words, and a sentence ran on past its 。. Each Han or kana character is a word."""
    repeated = "手数料は、ブロックの空き具合によって大きく変わります。"
    body = f"{repeated}\n\n最初の段落とは違う文です。{repeated}\n\n{repeated}\n\n短い文です。\n\n短い文です。\n"
    assert _lint(tmp_path, body, "duplicate-paragraph") == [
        (6, 14, "this sentence repeats the one on line 4"),
        (8, 1, "this paragraph repeats the one on line 4"),
    ], "短い文です (5 characters) is under min_words"


def test_duplicate_paragraph_compares_code_spans(tmp_path):
    sentence = "to fifteen minutes so the CRM export stays fresh for the team.\n\n"
    assert _lint(tmp_path, f"Set `sync_interval` {sentence}Set `retry_limit` {sentence}", "duplicate-paragraph") == []
    (tmp_path / "_posts" / "2024-01-01-post.md").unlink()
    assert len(_lint(tmp_path, f"Set `sync_interval` {sentence}Set `sync_interval` {sentence}", "duplicate-paragraph")) == 1
    (tmp_path / "_posts" / "2024-01-01-post.md").unlink()
    link = "Intro.\n\n[Run this notebook in Google Colab right now, please]({})\n\n"
    assert _lint(tmp_path, link.format("/one") + link.format("/two"), "duplicate-paragraph") == [], \
        "a link ending a paragraph: its target is part of the last sentence too"


def test_duplicate_paragraph_min_words(tmp_path):
    body = "We reviewed seven calls this week.\n\nWe reviewed seven calls this week.\n"
    assert _lint(tmp_path, body, "duplicate-paragraph") == []
    (tmp_path / "_posts" / "2024-01-01-post.md").unlink()
    assert len(_lint(tmp_path, body, "duplicate-paragraph", "rules:\n  duplicate-paragraph: {min_words: 5}\n")) == 1


def test_kramdown_definition_lists_only_on_kramdown_sites(tmp_path):
    body = "Churn\n: customers lost in a month.\n\nChurn\n: customers lost in a quarter.\n"
    assert len(_lint(tmp_path, body, "conflicting-definition")) == 1
    (tmp_path / "_config.yml").write_text("title: t\nmarkdown: CommonMarkGhPages\n", encoding="utf-8")
    result, _ = run([tmp_path / "_posts" / "2024-01-01-post.md"], select=["conflicting-definition"])
    assert not result.findings  # CommonMark has no definition lists: those lines are a paragraph
